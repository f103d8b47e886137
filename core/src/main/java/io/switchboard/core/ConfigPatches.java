package io.switchboard.core;

import io.switchboard.core.ServiceException.Operation;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.DecisionReasons;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.PatchConnectorConfig;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Config patches, each stored only on the version it was validated against. A patch's desired
 * config is decided as every config write's is ({@link DesiredConfig#decide}), against the
 * connector's config as it stands and sent with that version ({@code baseVersion}):
 * the decider stores it only if the connector is still at that version, so the config stored is
 * the one validated. The patches of one connector through this replica are validated and decided
 * one at a time ({@link OneAtATime}), each against what the one before left; if a change through
 * another replica came first, the refusal carries the connector as it now is, and the patch is
 * validated against that and sent again, at most {@link #ATTEMPTS} times in all, after which the
 * caller is told to send it again (409).
 *
 * <p>Bounded: {@link #PER_CONNECTOR} patches of one connector wait or run at once; patches that
 * waited, or are validated again, are validated in the write pre-flight's bounded pool
 * ({@link WritePreflight#THREADS} threads, {@link WritePreflight#QUEUED} queued), never on the
 * thread that delivers decisions.
 */
final class ConfigPatches {
    /** How many times a patch is validated and sent before the caller is told the connector keeps changing. */
    static final int ATTEMPTS = 8;
    /** Patches of one connector waiting or under way in this replica, beyond which more are answered 409. */
    static final int PER_CONNECTOR = 64;
    private final OneAtATime<ConnectorKey> queue;
    private final CommandBus gateway;
    private final ConnectorStore queries;
    private final DesiredConfig desired;
    private final Executor validation;

    /**
     * @param desired    the one function deciding every config write's desired config (the write pre-flight's)
     * @param validation the write pre-flight's bounded pool, where patches that waited or are validated again run
     */
    ConfigPatches(CommandBus gateway, ConnectorStore queries, DesiredConfig desired, Executor validation) {
        this.gateway = gateway;
        this.queries = queries;
        this.desired = desired;
        this.validation = validation;
        this.queue = new OneAtATime<>(PER_CONNECTOR, validation);
    }

    /** Patches a connector read as {@code current}; completes with the connector as the patch left it. */
    CompletableFuture<ConnectorState> patch(Scope scope, String name, Map<String, String> patch, ConnectorState current,
                                            RequestContext request) {
        ConnectorKey key = new ConnectorKey(scope.cluster(), name);
        return queue.run(key, "Connector " + name + " has " + PER_CONNECTOR + " patches waiting; send this one again",
                // The state the last patch through this replica left, when it waited for one.
                () -> against(scope, key, patch, latest(key, current), request, 1));
    }

    /** The connector as this replica's store has it now, or as it was read if the store cannot say. */
    private ConnectorState latest(ConnectorKey key, ConnectorState read) {
        try {
            return queries.connector(key, ReadConsistency.LINEARIZABLE).filter(s -> s.getVersion() >= read.getVersion()).orElse(read);
        } catch (StoreUnavailableException e) {
            return read;
        }
    }

    private CompletableFuture<ConnectorState> against(Scope scope, ConnectorKey key, Map<String, String> patch,
                                                      ConnectorState base, RequestContext request, int attempt) {
        ConnectorCommand.Builder stamped = gateway.command(key, new PatchConnectorConfig(patch, base.getVersion()), request);
        // As a put's: the early owner check on the connector the patch applies to, once the patched config is within the policies.
        Map<String, String> sealedPatch = desired.decide(new DesiredConfig.Write(scope, key.name(), patch, DesiredConfig.Kind.PATCH,
                base::getConfig, request.pipeline() != null), () -> DecisionAnswers.requireOwner(base, stamped.build(), Operation.PATCH_CONFIG));
        ConnectorCommand command = stamped.setAction(new PatchConnectorConfig(sealedPatch, base.getVersion())).build();
        return gateway.submit(command).thenCompose(decision -> {
            if (!DecisionReasons.CHANGED_MEANWHILE.equals(decision.getReason())) {
                return CompletableFuture.completedFuture(DecisionAnswers.accepted(decision, Operation.PATCH_CONFIG).getState());
            }
            if (attempt >= ATTEMPTS) {
                throw new ServiceException.Busy("Connector " + key.name() + " changed " + ATTEMPTS
                        + " times while this patch was being validated; send it again");
            }
            // Validating can wait on the worker: not on the thread that delivers decisions.
            try {
                return CompletableFuture.supplyAsync(() -> against(scope, key, patch, decision.getState(), request, attempt + 1),
                        validation).thenCompose(f -> f);
            } catch (RejectedExecutionException full) {
                throw new ServiceException.Busy("Connector " + key.name() + " changed while this patch was being validated; send it again");
            }
        });
    }
}
