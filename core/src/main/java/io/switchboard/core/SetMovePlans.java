package io.switchboard.core;

import io.switchboard.core.SetPlanner.Action;
import io.switchboard.core.SetPlanner.Desired;
import io.switchboard.core.SetPlanner.Item;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ConnectorMoves;
import io.switchboard.rules.Decision;
import io.switchboard.rules.SetDecider;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The plan of a set's item whose connector is not in the set's cluster but in another, where the
 * set of the same name manages it (a set file whose connector changed {@code cluster}): a
 * {@link Action#MOVE} from there, not a second copy here. Its keys are the change from the
 * source's config, as for an update; it is invalid when the target would refuse the move's create
 * ({@link ConnectorMoves#refusedByTarget}, as the move route asks before anything stops), when the
 * source is moving already, or when the set's decider refuses the item. Pure, like {@link SetPlanner}.
 */
public final class SetMovePlans {
    private SetMovePlans() {
    }

    /**
     * The connectors among {@code absent} (desired in {@code cluster}, not there) that another
     * cluster holds and the set of the same name manages there, as that cluster's store holds them
     * now ({@link ReadConsistency#LINEARIZABLE}, as a plan reads); the first such cluster by name when several do.
     */
    public static Map<String, ConnectorState> sources(ConnectorStore store, Collection<String> clusters, String cluster, String set,
                                                      Collection<String> absent) {
        Map<String, ConnectorState> sources = new HashMap<>();
        if (absent.isEmpty()) {
            return sources;
        }
        for (String other : new TreeSet<>(clusters)) {
            if (other.equals(cluster)) {
                continue;
            }
            SetState there = store.set(SetPlanner.key(other, set), ReadConsistency.LINEARIZABLE).orElse(null);
            if (there == null) {
                continue;
            }
            for (String name : absent) {
                if (!sources.containsKey(name) && there.getManaged().containsKey(name)) {
                    store.connector(new ConnectorKey(other, name), ReadConsistency.LINEARIZABLE).ifPresent(source -> sources.put(name, source));
                }
            }
        }
        return sources;
    }

    /** What the plan's version digests: the connectors read here, and each source under its cluster's name. */
    static Map<String, ConnectorState> read(Map<String, ConnectorState> current, Map<String, ConnectorState> sources) {
        if (sources.isEmpty()) {
            return current;
        }
        Map<String, ConnectorState> read = new TreeMap<>(current);
        sources.forEach((name, source) -> read.put("@" + source.getCluster() + "/" + name, source));
        return read;
    }

    /** A desired connector that moves here from {@code source}'s cluster. */
    static Item item(SetDecider.Checks checks, DesiredState.SetScope scope, Desired d, ConnectorState source,
                     Map<String, Map<String, String>> managed, Predicate<String> isSecret) {
        DesiredState.Connector c = d.connector();
        String from = source.getCluster();
        String stateFrom = source.getTargetState().name();
        if (d.error() != null) {
            return new Item(c.name(), Action.MOVE, List.of(), stateFrom, null, d.error(), null, from);
        }
        if (source.getMove() != null) {
            return new Item(c.name(), Action.MOVE, List.of(), stateFrom, null, "connector " + c.name() + " is moving to cluster "
                    + source.getMove().getTo() + " already", null, from);
        }
        TargetState target = c.state() != null ? c.state() : source.getTargetState();
        SetItem item = SetItem.newBuilder().setConnector(c.name()).setLabels(new TreeMap<>(c.labels()))
                .setConfig(new TreeMap<>(d.sealedConfig())).setTargetState(target)
                .setPreviousConfig(source.getConfig()).setPreviousTargetState(source.getTargetState())
                .setAdopt(false).setFrom(from).build();
        String problem = refusedByTarget(checks, scope.cluster(), c.name(), d.sealedConfig());
        if (problem == null) {
            problem = checks.problem(scope.cluster(), item, managed);
        }
        if (problem != null) {
            return new Item(c.name(), Action.MOVE, List.of(), stateFrom, null, problem, null, from);
        }
        String stateTo = target != source.getTargetState() ? target.name() : null;
        return new Item(c.name(), Action.MOVE, SetPlanner.keys(source.getConfig(), d.sealedConfig(), isSecret), stateFrom, stateTo,
                null, item, from);
    }

    /**
     * What the target would answer the move's create, in the move route's words: a connector of
     * that name there (409 on the route), a config a built-in policy refuses (400 on the route).
     */
    private static String refusedByTarget(SetDecider.Checks checks, String to, String name, Map<String, String> config) {
        Decision refused = ConnectorMoves.refusedByTarget(checks.controlPlane(), name, config, null, to, "plan", 0L);
        if (refused == null) {
            return null;
        }
        if (refused.outcome() == Outcome.CONFLICT) {
            return "Connector " + name + " exists in cluster " + to + " already: cluster " + to + " refused the connector";
        }
        return "Cluster " + to + " refused the connector: " + (refused.message() != null ? refused.message() : refused.reason());
    }
}
