package io.switchboard.core;

import io.switchboard.core.ServiceException.Operation;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ConnectorPolicies;
import io.switchboard.rules.ControlPlane;
import io.switchboard.rules.ConnectorRules;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *       connector's name ({@code ConnectorRules.nameProblem}), a config's {@code name} is the
 *       connector's ({@code ConnectorRules.configNameProblem}, and set when absent), and a
 *       pipeline's ownership ({@code PipelineOwnership.refusal}, on the copy at hand).</li>
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
    private final ConnectorConfigValidator validator;
    private final ConnectorSecrets secrets;
    private final NamedSecrets namedSecrets;
    private final ClusterDirectory clusters;
    private final ExecutorService checks;
    private final int queued;

    WritePreflight(CommandBus gateway, ConnectorStore queries, ConnectorConfigValidator validator, ConnectorSecrets secrets,
                   NamedSecrets namedSecrets, ClusterDirectory clusters) {
        this(gateway, queries, validator, secrets, namedSecrets, clusters, THREADS, QUEUED);
    }

    WritePreflight(CommandBus gateway, ConnectorStore queries, ConnectorConfigValidator validator, ConnectorSecrets secrets,
                   NamedSecrets namedSecrets, ClusterDirectory clusters, int threads, int queued) {
        this.gateway = gateway;
        this.queries = queries;
        this.atHand = queries.atHand();
        this.validator = validator;
        this.secrets = secrets;
        this.namedSecrets = namedSecrets;
        this.clusters = clusters;
        this.queued = queued;
        this.checks = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queued), runnable -> {
            Thread thread = new Thread(runnable, "write-preflight");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** What a config write sends: given the config as it will be stored (named, sealed), the action. */
    interface ConfigAction extends Function<Map<String, String>, Object> {
    }

    /**
     * A create or a put of a whole config: the rules, then (off the caller's thread) owner, secrets,
     * the worker's validation and sealing; completes with the decision, accepted.
     *
     * @param keepSealed whether unchanged secrets keep the sealed text the connector has now (a put)
     */
    CompletableFuture<CommandDecision> configWrite(Scope scope, String name, Map<String, String> config, Operation operation,
                                                   ConfigAction action, boolean keepSealed, RequestContext request) {
        Map<String, String> named;
        ConnectorCommand.Builder command;
        try {
            requireAddressable(name);
            named = requireNamed(name, config);
            requirePolicies(gateway.controlPlane(), named);
            command = gateway.command(key(scope, name), action.apply(named), request);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        return offThread(() -> {
            // A command for the early owner check is built only when the connector is at hand to check.
            requireOwnerAtHand(scope, name, command::build, operation);
            secrets.requireOpenable(named);
            namedSecrets.requireKnown(scope, named);
            boolean opens = clusters.opensSecrets(scope.cluster());
            Set<String> passwords = validator.validate(scope.cluster(), named, secrets.beforeSending(scope.cluster(), named, opens));
            Map<String, String> sealed = secrets.seal(named, passwords,
                    keepSealed ? currentConfigIfSecret(scope, name, named, passwords) : Map.of());
            secrets.requireDeliverable(scope.cluster(), sealed, opens);
            // Again once validated (which may take seconds): a named secret deleted meanwhile is seen here.
            namedSecrets.requireKnown(scope, named);
            return command.setAction(action.apply(sealed)).build();
        }).thenCompose(ready -> submit(ready, operation));
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
     * Refuses a config that breaks a built-in policy, by the decider's own function
     * ({@link ConnectorPolicies#refusal}), before the worker sees any of it; the decider applies it
     * again to the command.
     */
    static void requirePolicies(ControlPlane controlPlane, Map<String, String> config) {
        ConnectorPolicies.Refusal refusal = ConnectorPolicies.refusal(controlPlane, config);
        if (refusal != null) {
            throw new ServiceException.InvalidRequest(refusal.key(), refusal.message());
        }
    }

    /** The config with the connector's name, by Kafka Connect's rule; refused when it names another. */
    static Map<String, String> requireNamed(String name, Map<String, String> config) {
        String problem = ConnectorRules.configNameProblem(name, config);
        if (problem != null) {
            throw new ServiceException.ConfigNameMismatch(config.get(ConnectorRules.NAME), name, problem);
        }
        return ConnectorRules.named(name, config);
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

    /**
     * The connector's current config when the new one has secrets, so that unchanged secrets keep
     * their sealed text; else (or when it cannot be read now) nothing.
     */
    private Map<String, String> currentConfigIfSecret(Scope scope, String name, Map<String, String> config,
                                                      Set<String> passwords) {
        boolean secret = config.keySet().stream().anyMatch(k -> passwords.contains(k) || secrets.keys().matches(k));
        if (!secret) {
            return Map.of();
        }
        try {
            return queries.connector(key(scope, name)).map(ConnectorState::getConfig).orElse(Map.of());
        } catch (StoreUnavailableException e) {
            return Map.of();
        }
    }

    static ConnectorKey key(Scope scope, String name) {
        return new ConnectorKey(scope.cluster(), name);
    }
}
