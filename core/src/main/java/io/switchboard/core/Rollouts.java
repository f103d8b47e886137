package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.RolloutTarget;
import io.switchboard.schemas.StartRollout;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Plugin version rollouts (docs/plugin-versions.md): a rollout's start, checked before anything is
 * sent (its bounds, the version installed on the cluster's workers, its connectors), and sent as one
 * command the processor decides ({@link RolloutDecider}) against the cluster's rollouts; and the
 * rollouts as the processor holds them. Its steps are the driver's ({@link RolloutDriver}).
 */
public final class Rollouts {
    private static final Set<String> CONNECTOR_TYPES = Set.of("source", "sink");
    private final CommandBus bus;
    private final ConnectorStore store;
    private final Function<Scope, List<PluginVersions.Installed>> installed;
    private final WritePreflight preflight;

    /**
     * @param installed the plugins the cluster's workers list (a 503 when they cannot list them now)
     * @param preflight the write pre-flight whose bounded pool a start's checks run in; null: on the caller's thread
     */
    public Rollouts(CommandBus bus, ConnectorStore store, Function<Scope, List<PluginVersions.Installed>> installed,
                    WritePreflight preflight) {
        this.bus = bus;
        this.store = store;
        this.installed = installed;
        this.preflight = preflight;
    }

    /** What is asked: the plugin's class, the version, the canary, the batch, the watch, and the connectors (null: all of the class). */
    public record Request(String pluginClass, String version, int canary, int batch, int watchSeconds, List<String> connectors) {
        public Request {
            if (connectors != null && connectors.size() > RolloutDecider.MAX_CONNECTORS) {
                throw new ServiceException.InvalidRequest("connectors", "A rollout moves at most " + RolloutDecider.MAX_CONNECTORS
                        + " connectors, not " + connectors.size());
            }
            connectors = connectors == null ? null : List.copyOf(connectors);
        }
    }

    /** Starts a rollout: completes with its id once the processor accepted it (its canary's patches are written). */
    public CompletableFuture<String> start(Scope scope, Request request, RequestContext context) {
        CompletableFuture<ConnectorCommand> checked = preflight == null
                ? CompletableFuture.completedFuture(command(scope, request, context))
                : preflight.offThread(() -> command(scope, request, context));
        return checked.thenCompose(bus::submit).thenApply(Rollouts::answer);
    }

    private static String answer(CommandDecision decision) {
        if (decision.getOutcome() == Outcome.CREATED) {
            return decision.getCommandId();
        }
        if (decision.getOutcome() == Outcome.CONFLICT) {
            throw new ServiceException.Busy("Rollout refused: " + decision.getMessage());
        }
        throw new ServiceException.InvalidRequest("Rollout refused: " + decision.getMessage());
    }

    /** The start's command, checked as the decider would and against the workers' plugins: sends nothing. */
    ConnectorCommand command(Scope scope, Request request, RequestContext context) {
        String cluster = scope.cluster();
        if (request.pluginClass() == null || request.pluginClass().isBlank()) {
            throw new ServiceException.InvalidRequest("class", "A rollout names the connector plugin's class (\"class\")");
        }
        if (request.version() == null || request.version().isBlank()) {
            throw new ServiceException.InvalidRequest("version", "A rollout names the version to roll out (\"version\")");
        }
        String bounds = RolloutDecider.boundsProblem(request.canary(), request.batch(), request.watchSeconds());
        if (bounds != null) {
            throw new ServiceException.InvalidRequest(bounds);
        }
        List<PluginVersions.Installed> plugins = installed.apply(scope);
        String className = PluginVersions.resolve(request.pluginClass(), CONNECTOR_TYPES, plugins);
        if (className == null) {
            throw new ServiceException.InvalidRequest("class", "The cluster's workers have no connector plugin "
                    + request.pluginClass());
        }
        // The one judgment of a version against the workers' plugins, as a write's config is judged.
        List<PluginVersions.Unmet> unmet = PluginVersions.unmet(Map.of(ConnectorConfigValidator.CONNECTOR_CLASS, className,
                RolloutDecider.VERSION_KEY, request.version()), plugins);
        if (!unmet.isEmpty()) {
            throw new ServiceException.InvalidRequest("version", unmet.get(0).message());
        }
        List<String> versions = PluginVersions.versions(className, CONNECTOR_TYPES, plugins);
        if (!versions.contains(request.version().trim())) {
            // A range would leave the version each connector runs to the workers: the watch needs the one it rolls out.
            throw new ServiceException.InvalidRequest("version", "A rollout names one version the workers have, not a range: "
                    + className + " is installed in version" + (versions.size() == 1 ? " " : "s ") + String.join(", ", versions));
        }
        List<RolloutTarget> targets = new ArrayList<>();
        for (ConnectorState connector : connectors(cluster, request.connectors())) {
            String named = connector.getConfig().get(ConnectorConfigValidator.CONNECTOR_CLASS);
            if (!className.equals(PluginVersions.resolve(named, CONNECTOR_TYPES, plugins))) {
                if (request.connectors() == null) {
                    continue;
                }
                throw new ServiceException.InvalidRequest("connectors", "Connector " + connector.getName() + " runs " + named
                        + ", not " + className);
            }
            targets.add(new RolloutTarget(connector.getName(), connector.getConfig().get(RolloutDecider.VERSION_KEY)));
        }
        if (targets.isEmpty()) {
            throw new ServiceException.InvalidRequest("connectors", "No connector of cluster " + cluster + " runs " + className);
        }
        StartRollout start = new StartRollout(className, request.version(), request.canary(), request.batch(),
                request.watchSeconds(), targets);
        String problem = RolloutDecider.problem(start);
        if (problem != null) {
            throw new ServiceException.InvalidRequest(problem);
        }
        Rollout running = RolloutDecider.underWay(store.rollouts(cluster, ReadConsistency.LINEARIZABLE).orElse(null), className);
        if (running != null) {
            throw new ServiceException.Busy("Rollout " + running.getId() + " of " + className + " to version " + running.getVersion()
                    + " is under way on cluster " + cluster + "; one rollout of a plugin class at a time");
        }
        return bus.command(RolloutDecider.key(cluster), start, context).build();
    }

    /** The connectors named, each of which must exist; or every connector of the cluster, by name: as a write's checks, read now. */
    private List<ConnectorState> connectors(String cluster, List<String> names) {
        if (names == null) {
            return store.connectors(cluster, ReadConsistency.LINEARIZABLE);
        }
        List<ConnectorState> found = new ArrayList<>();
        for (String name : new LinkedHashSet<>(names)) {
            if (name == null || io.switchboard.rules.ConnectorRules.nameProblem(name) != null) {
                throw new ServiceException.InvalidRequest("connectors", "Not a connector's name: " + name);
            }
            found.add(store.connector(new ConnectorKey(cluster, name), ReadConsistency.LINEARIZABLE).orElseThrow(
                    () -> new ServiceException.InvalidRequest("connectors", "Connector " + name + " not found in cluster " + cluster)));
        }
        return found;
    }

    /** Every rollout the cluster keeps, oldest first: those under way and the latest finished. */
    public List<Rollout> rollouts(Scope scope) {
        return store.rollouts(scope.cluster(), scope.consistency()).map(RolloutState::getRollouts).orElse(List.of());
    }

    /** The version each connector of the rollout reports running (the data plane's last report), by name; absent when none. */
    public Map<String, String> reported(Scope scope, Rollout rollout) {
        Map<String, String> reported = new java.util.TreeMap<>();
        boolean few = rollout.getConnectors().size() <= 20;
        ReadConsistency consistency = scope.consistency();
        Map<String, io.switchboard.schemas.ConnectorObservation> all = few ? Map.of() : store.statuses(scope.cluster(), consistency);
        for (io.switchboard.schemas.RolloutConnector c : rollout.getConnectors()) {
            io.switchboard.schemas.ConnectorObservation status = few
                    ? store.status(new ConnectorKey(scope.cluster(), c.getConnector()), consistency).orElse(null) : all.get(c.getConnector());
            if (status != null && status.getVersion() != null) {
                reported.put(c.getConnector(), status.getVersion());
            }
        }
        return reported;
    }

    /** One rollout the cluster keeps. */
    public Optional<Rollout> rollout(Scope scope, String id) {
        return rollouts(scope).stream().filter(r -> r.getId().equals(id)).findFirst();
    }
}
