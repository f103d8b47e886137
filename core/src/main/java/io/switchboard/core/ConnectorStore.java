package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.SetState;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processor's stores as the core reads them: desired state, the data plane's last report, and
 * history, for any connector wherever its partition lives (the query package answers it with
 * interactive queries). A read that cannot be answered now is {@link StoreUnavailableException}.
 * Every read is made with a {@link ReadConsistency}: how current its answer must be.
 */
public interface ConnectorStore {

    Optional<ConnectorState> connector(ConnectorKey key, ReadConsistency consistency);

    /**
     * What answers which connectors this replica has at hand ({@link AtHand}); asked once, by the
     * pre-flight, which then asks it directly on every config write.
     */
    AtHand atHand();

    /**
     * The connectors this replica has at hand: in the active copy of their partition, when that
     * copy is on this replica. Never another replica's copy, never a standby.
     */
    @FunctionalInterface
    interface AtHand {
        /**
         * The connector as its partition's active copy holds it, when that copy is on this replica;
         * empty when it does not hold the connector, when the copy is elsewhere (it would have to
         * ask), or when it cannot be read now. Never throws for a store that is unavailable.
         */
        Optional<ConnectorState> connector(ConnectorKey key);
    }

    /** Every connector of a cluster, ordered by name. */
    List<ConnectorState> connectors(String cluster, ReadConsistency consistency);

    /** The names of every connector of a cluster, ordered; cheaper than {@link #connectors} when names are all that is wanted. */
    List<String> names(String cluster, ReadConsistency consistency);

    /** The last status the data plane reported for a connector, if any. */
    Optional<ConnectorObservation> status(ConnectorKey key, ReadConsistency consistency);

    /** The last reported status of every connector of a cluster, by connector name. */
    Map<String, ConnectorObservation> statuses(String cluster, ReadConsistency consistency);

    /** Every version of a connector, also after it was deleted; empty for one that never existed. */
    Optional<ConnectorHistory> history(ConnectorKey key, ReadConsistency consistency);

    /**
     * A mark that differs from every earlier one whenever a connector or a status may have changed
     * since it was taken (a command sent, a report stored); empty when the store cannot say now. A
     * reader may keep what it read after taking a mark for as long as the marks it takes equal it.
     */
    default Optional<Object> changeMark() {
        return Optional.empty();
    }

    /** A connector set (connectors as code), keyed {@code <cluster>/{set}<name>}; empty when it has had no change yet. */
    Optional<SetState> set(ConnectorKey key, ReadConsistency consistency);

    /** A cluster's plugin version rollouts ({@code RolloutDecider}); empty when none was started. */
    Optional<RolloutState> rollouts(String cluster, ReadConsistency consistency);

    /** The connector's recent incidents, oldest first; empty when none was recorded. */
    Optional<ConnectorTimeline> timeline(ConnectorKey key, ReadConsistency consistency);

    /**
     * The recent incidents of every connector of a cluster that has some, by connector name: one
     * gathering over every partition rather than a read per connector. By default a read per name.
     */
    default Map<String, ConnectorTimeline> timelines(String cluster, ReadConsistency consistency) {
        Map<String, ConnectorTimeline> all = new HashMap<>();
        for (String name : names(cluster, consistency)) {
            timeline(new ConnectorKey(cluster, name), consistency).ifPresent(timeline -> all.put(name, timeline));
        }
        return all;
    }
}
