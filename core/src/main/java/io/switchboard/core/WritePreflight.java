package io.switchboard.core;

import io.switchboard.core.ServiceException.Operation;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ConnectorRules;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.opentelemetry.context.Context;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one pre-flight every config write passes before its command goes to Kafka, whatever dialect
 * decoded it. Its invariants:
 * <ol>
 *   <li>The pure rules come from the processor's rule library, the ones the decider applies: the
 *       connector's name ({@code ConnectorRules.nameProblem}), and a pipeline's ownership
 *       ({@code PipelineOwnership.refusal}, on the copy at hand). The config a write stores is
 *       decided by one function, {@link DesiredConfig#decide}, for creates, puts, patches and a
 *       set's items alike.</li>
 *   <li>Nothing that may wait (a store on another replica, the worker's validation) runs on the
 *       caller's thread: it runs on {@link #THREADS} threads with {@link #QUEUED} writes waiting at
 *       most; past that a write is refused at once as {@link ServiceException.Unavailable} (503 with
 *       Retry-After in every dialect's error shape), and nothing was sent.</li>
 *   <li>The command is stamped once (one id, one acceptance time) and built once, with the sealed
 *       config, to be sent; the early owner check, when the connector is at hand, uses the same
 *       stamp.</li>
 *   <li>A write is answered once decided: the answer is the decision, or the refusal it carries.</li>
 * </ol>
 */
public final class WritePreflight {
    /** Writes validated at once; each may wait up to the worker client's own bounds (10 s for a turn, 30 s for the call). */
    static final int THREADS = 8;
    /** Writes waiting for a validation thread, beyond which a write is refused with a 503. */
    static final int QUEUED = 256;

    private final CommandBus gateway;
    private final ConnectorStore queries;
    private final ConnectorStore.AtHand atHand;
    private final DesiredConfig desired;
    private final ExecutorService checks;
    private final int queued;

    /**
     * @param threads writes validated at once ({@link #THREADS} in a replica)
     * @param queued  writes waiting for a thread, beyond which a write is refused ({@link #QUEUED} in a replica)
     */
    WritePreflight(CommandBus gateway, ConnectorStore queries, ConnectorConfigValidator validator, ConnectorSecrets secrets,
                   NamedSecrets namedSecrets, ClusterDirectory clusters, int threads, int queued) {
        this.gateway = gateway;
        this.queries = queries;
        this.atHand = queries.atHand();
        this.desired = new DesiredConfig(gateway, validator, secrets, namedSecrets, clusters, queries);
        this.queued = queued;
        // The request's trace context goes with its work (a no-op when tracing is off).
        this.checks = Context.taskWrapping(new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued),
                runnable -> {
                    Thread thread = new Thread(runnable, "write-preflight");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    /** What a config write sends: given the config as it will be stored (named, sealed), the action. */
    interface ConfigAction extends Function<Map<String, String>, Object> {
    }

    /**
     * A create or a put of a whole config: the name's rule here, then (off the caller's thread) the
     * desired config ({@link DesiredConfig#decide}: the config's name, the policies, the early owner
     * check, secrets, the worker's validation and sealing); completes with the decision, accepted.
     *
     * @param keepSealed whether unchanged secrets keep the sealed text the connector has now (a put)
     */
    CompletableFuture<CommandDecision> configWrite(Scope scope, String name, Map<String, String> config, Operation operation,
                                                   ConfigAction action, boolean keepSealed, RequestContext request) {
        ConnectorCommand.Builder command;
        try {
            requireAddressable(name);
            command = gateway.command(key(scope, name), action.apply(config), request);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        DesiredConfig.Write write = new DesiredConfig.Write(scope, name, config, DesiredConfig.Kind.WHOLE,
                keepSealed ? () -> currentConfig(scope, name) : Map::of, request.pipeline() != null);
        return offThread(() -> {
            // A command for the early owner check is built only when the connector is at hand to check.
            Map<String, String> sealed = desired.decide(write, () -> requireOwnerAtHand(scope, name, command::build, operation));
            return command.setAction(action.apply(sealed)).build();
        }).thenCompose(ready -> submit(ready, operation));
    }

    /** The one function that decides the desired config of every config write. */
    DesiredConfig desired() {
        return desired;
    }

    /** The bounded pool of this pre-flight's work (a patch's later attempts run there too); a full pool rejects. */
    java.util.concurrent.Executor pool() {
        return checks;
    }

    /** Work that may wait, off the caller's thread; {@link ServiceException.Unavailable} when too many wait already. */
    <T> CompletableFuture<T> offThread(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, checks);
        } catch (RejectedExecutionException full) {
            return CompletableFuture.failedFuture(new ServiceException.Unavailable(
                    queued + " writes are waiting for their config to be validated; send this one again shortly", 1));
        }
    }

    /** A command with no config to check: stamped, sent, and answered once decided. */
    CompletableFuture<CommandDecision> submit(Scope scope, String name, Object action, Operation operation, RequestContext request) {
        return submit(gateway.command(key(scope, name), action, request).build(), operation);
    }

    /** As above, with what the command carries beyond its action (a move's step). */
    CompletableFuture<CommandDecision> submit(Scope scope, String name, Object action, Operation operation, RequestContext request,
                                              java.util.function.UnaryOperator<ConnectorCommand.Builder> more) {
        return submit(more.apply(gateway.command(key(scope, name), action, request)).build(), operation);
    }

    private CompletableFuture<CommandDecision> submit(ConnectorCommand command, Operation operation) {
        return gateway.submit(command).thenApply(d -> DecisionAnswers.accepted(d, operation));
    }

    /**
     * Refuses a name a new connector cannot have, by the processor's own rule
     * ({@link ConnectorRules#nameProblem}), which the decider applies again to every create; the
     * rule a dialect that reads names early (Redpanda's, connector sets) asks too. An empty name and
     * ISO control characters are left to the config check ({@link ConnectorConfigValidator}), which
     * words them as Kafka Connect does.
     */
    public static void requireAddressable(String name) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
            return;
        }
        String problem = ConnectorRules.nameProblem(name);
        if (problem != null) {
            throw new ServiceException.InvalidRequest("name", problem);
        }
    }

    /**
     * An early answer to a command the decider would refuse because a pipeline owns the connector
     * (see {@link DecisionAnswers#requireOwner}), when this replica has the connector at hand: the
     * same pure function on the same state, before the config is validated. The decider still decides.
     */
    private void requireOwnerAtHand(Scope scope, String name, Supplier<ConnectorCommand> command, Operation operation) {
        // The connector as this replica's active copy of its partition holds it (ConnectorStore.AtHand):
        // empty when it is not there, or when the active copy is on another replica (asking another
        // replica would cost more than waiting for the decision), or when it cannot be read now.
        Optional<ConnectorState> atHand = this.atHand.connector(key(scope, name));
        atHand.ifPresent(state -> DecisionAnswers.requireOwner(state, command.get(), operation));
    }

    /** The connector's current config, to keep the sealed text of unchanged secrets; nothing when it cannot be read now. */
    private Map<String, String> currentConfig(Scope scope, String name) {
        try {
            return queries.connector(key(scope, name), ReadConsistency.LINEARIZABLE).map(ConnectorState::getConfig).orElse(Map.of());
        } catch (StoreUnavailableException e) {
            return Map.of();
        }
    }

    static ConnectorKey key(Scope scope, String name) {
        return new ConnectorKey(scope.cluster(), name);
    }
}
