package io.switchboard.query;

import io.switchboard.core.ConnectorStore;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.StoreUnavailableException;
import io.switchboard.processor.CommandProgress;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.processor.StoreNames;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.SetState;
import io.switchboard.rules.RolloutDecider;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processor's stores as the core reads them ({@link ConnectorStore}), with interactive queries,
 * from whichever replica holds a usable copy of the key's partition: a thin façade over
 * <ul>
 *   <li>the locator ({@link CopyLocator}): where the copies of a partition are, in the order to try them;</li>
 *   <li>the reader ({@link CopyReader}): one copy here or on another replica alike, waiting up to
 *       {@code readWait} for one that may answer;</li>
 *   <li>the copy policy ({@link CopyPolicy}): which copy may answer what, and when (an active copy
 *       once it has decided every command sent before the read, {@link CommandCoverage}; a standby
 *       that holds every such decision, {@link LocalCopies#currentEnough}; with
 *       {@code consistency=local}, a copy here as it is).</li>
 * </ul>
 * and, for the pre-flight's early answers, the active copies here read directly ({@link CopyAtHand}).
 * Local reads use IQv1 ({@code store().get}), which does not take the store's position lock,
 * because IQv2 queries that race the stream thread's writes can deadlock it in Kafka Streams 4.3.1
 * (KAFKA-19629).
 */
public final class ConnectorQueries implements ConnectorStore, AutoCloseable {
    static final String TRANSFER_TOPIC = "switchboard.internal-reads";
    /** One subject per record type between replicas (the registry keeps a subject's schemas compatible); readers go by schema id. */
    private static final String STATUS_TRANSFER_TOPIC = TRANSFER_TOPIC + ".statuses";
    private static final String HISTORY_TRANSFER_TOPIC = TRANSFER_TOPIC + ".history";
    private static final String TIMELINE_TRANSFER_TOPIC = TRANSFER_TOPIC + ".timeline";
    private static final String SETS_TRANSFER_TOPIC = TRANSFER_TOPIC + ".sets";
    private static final String ROLLOUTS_TRANSFER_TOPIC = TRANSFER_TOPIC + ".rollouts";
    /**
     * How far a standby copy may trail its changelog's end, read after the read arrived: the last
     * commit marker, nothing more (a lag of 20 let reads miss a change acknowledged a moment before).
     */
    public static final long MAX_STANDBY_LAG = 1;
    /** How many reads may wait at once for their data (see {@link WaitingReads}). */
    public static final int MAX_WAITING_READS = 32;

    private final Serde<ConnectorState> states;
    private final Serde<ConnectorObservation> observations;
    private final Serde<ConnectorHistory> histories;
    private final Duration readWait;
    private final WaitingReads waitingReads;
    private final LocalCopies local;
    private final CopyPolicy policy;
    private final CopyReader reader;
    private final CopyAtHand atHand;
    /** The lease's and the pause fence's timers, from the processor's group session. */
    private final SessionTimers timers;
    /** Null until {@link #keepsTimelines} is called: the topology keeps no timelines (and no sets). */
    private volatile Serde<ConnectorTimeline> timelines;
    private volatile Serde<SetState> sets;
    /** Null until {@link #keepsRollouts} is called. */
    private volatile Serde<RolloutState> rollouts;

    /**
     * @param histories       serde of the history store; null when the topology keeps no history
     * @param partitions      the number of partitions of the stores (those of the command topic)
     * @param readWait        how long a read waits for some copy of its data to become available
     * @param maxWaitingReads how many reads may wait at once for their data; more are answered 503 at once
     * @param timers          the processor's group session, which the lease and the pause fence follow
     */
    public ConnectorQueries(KafkaStreams streams, ReplicaRouter router, RemoteStores remote,
                            Serde<ConnectorState> states, Serde<ConnectorObservation> observations,
                            Serde<ConnectorHistory> histories, int partitions, Duration readWait, int maxWaitingReads,
                            SessionTimers timers) {
        PauseFence fence = PauseFence.ticked(timers);
        this.timers = timers;
        this.waitingReads = new WaitingReads(maxWaitingReads);
        this.histories = histories;
        this.local = new LocalCopies(streams, histories != null, fence);
        this.policy = new CopyPolicy(local);
        this.reader = new CopyReader(new CopyLocator(router, partitions), policy, remote, waitingReads);
        this.atHand = new CopyAtHand(streams, router.self(), fence);
        this.states = states;
        this.observations = observations;
        this.readWait = readWait;
    }

    /**
     * From now on, a copy answers what a connector is (or that it is absent) only when it holds the
     * decision of every command that was in the partition when the read arrived ({@link CommandCoverage}).
     *
     * @param groupId the command processor's consumer group (its application id)
     */
    public void checkCoverage(CommandProgress progress, Admin admin, String commandTopic, String groupId) {
        policy.checkCoverage(new CommandCoverage(progress, admin, commandTopic, groupId, timers));
    }

    /** See {@link ConnectorStore#changeMark}: the command topic's and the statuses changelog's end offsets, read now. */
    @Override
    public Optional<Object> changeMark() {
        CommandCoverage coverage = policy.coverage();
        return coverage == null ? Optional.empty() : coverage.changeMark();
    }

    /**
     * Stops the threads the reads use (the lease's renewals, the readings of the command topic's
     * ends and of the copies' lags), which live as long as the replica: a read after it finds no
     * copy current and answers that no copy is available.
     */
    @Override
    public void close() {
        local.close();
        CommandCoverage coverage = policy.coverage();
        if (coverage != null) {
            coverage.close();
        }
    }

    /** The topology keeps each connector's incident timeline, and connector sets, in values of these serdes. */
    public ConnectorQueries keepsTimelines(Serde<ConnectorTimeline> serde, Serde<SetState> setSerde) {
        this.timelines = serde;
        this.sets = setSerde;
        local.keepsTimelines();
        return this;
    }

    /** The topology keeps the clusters' plugin version rollouts in values of this serde. */
    public ConnectorQueries keepsRollouts(Serde<RolloutState> serde) {
        this.rollouts = serde;
        return this;
    }

    /** Read like a set: a store of decisions in the connectors' task, keyed {@code <cluster>/{rollouts}}. */
    @Override
    public Optional<RolloutState> rollouts(String cluster, ReadConsistency consistency) {
        if (rollouts == null) {
            return Optional.empty();
        }
        return reader.read(StoreNames.ROLLOUTS, RolloutDecider.key(cluster), rollouts.deserializer(), true, readWait, consistency);
    }

    /** Read like a connector: a store of decisions in the connectors' task, whose owner alone says a set is absent. */
    @Override
    public Optional<SetState> set(ConnectorKey key, ReadConsistency consistency) {
        return reader.read(StoreNames.SETS, key, sets.deserializer(), true, readWait, consistency);
    }

    @Override
    public Optional<ConnectorState> connector(ConnectorKey key, ReadConsistency consistency) {
        return reader.read(StoreNames.CONNECTORS, key, states.deserializer(), true, readWait, consistency);
    }

    /** See {@link CopyAtHand}: the active copy here, read directly. */
    @Override
    public AtHand atHand() {
        return atHand;
    }

    /** The last status the data plane reported for a connector, if any. */
    @Override
    public Optional<ConnectorObservation> status(ConnectorKey key, ReadConsistency consistency) {
        return reader.read(StoreNames.STATUSES, key, observations.deserializer(), false, readWait, consistency);
    }

    /**
     * Like {@link #status}, linearizable, without waiting: for a caller that asks again anyway (and
     * must not hold its thread), a copy that cannot answer right now is {@link StoreUnavailableException} at once.
     */
    public Optional<ConnectorObservation> statusNow(ConnectorKey key) {
        return reader.read(StoreNames.STATUSES, key, observations.deserializer(), false, Duration.ZERO, ReadConsistency.LINEARIZABLE);
    }

    /** How many reads are waiting for their data now. */
    public int waitingReads() {
        return waitingReads.waiting();
    }

    /**
     * Every version of a connector, also after it was deleted; empty for a connector that never
     * existed. The history store is in the same task as the connectors store, so the same replica
     * owns both.
     */
    @Override
    public Optional<ConnectorHistory> history(ConnectorKey key, ReadConsistency consistency) {
        if (histories == null) {
            throw new IllegalStateException("This replica keeps no connector history");
        }
        return reader.read(StoreNames.HISTORY, key, histories.deserializer(), true, readWait, consistency);
    }

    /**
     * A connector's recent incidents. Written in the statuses store's task; an absence means only
     * that none was recorded, so a current standby copy may say so too.
     */
    @Override
    public Optional<ConnectorTimeline> timeline(ConnectorKey key, ReadConsistency consistency) {
        Serde<ConnectorTimeline> serde = timelines;
        if (serde == null) {
            return Optional.empty();
        }
        return reader.read(StoreNames.TIMELINE, key, serde.deserializer(), false, readWait, consistency);
    }

    /** Every connector's timeline of a cluster, from every partition, in one gathering (none when no timeline is kept). */
    @Override
    public Map<String, ConnectorTimeline> timelines(String cluster, ReadConsistency consistency) {
        Serde<ConnectorTimeline> serde = timelines;
        Map<String, ConnectorTimeline> byName = new HashMap<>();
        if (serde == null) {
            return byName;
        }
        for (ConnectorTimeline timeline : reader.scanAll(StoreNames.TIMELINE, ConnectorKey.clusterPrefix(cluster), false,
                serde.deserializer(), readWait, consistency)) {
            byName.put(timeline.getConnector(), timeline);
        }
        return byName;
    }

    /** Every connector of a cluster, from every partition, ordered by name. */
    @Override
    public List<ConnectorState> connectors(String cluster, ReadConsistency consistency) {
        List<ConnectorState> all = reader.scanAll(StoreNames.CONNECTORS, ConnectorKey.clusterPrefix(cluster), false, states.deserializer(),
                readWait, consistency);
        all.sort((a, b) -> a.getName().compareTo(b.getName()));
        return all;
    }

    /**
     * The names of every connector of a cluster, ordered: the store's keys only, so that a list of
     * many connectors holds a name each, not each connector's config.
     */
    @Override
    public List<String> names(String cluster, ReadConsistency consistency) {
        String prefix = ConnectorKey.clusterPrefix(cluster);
        List<String> names = new ArrayList<>();
        for (String key : reader.scanAll(StoreNames.CONNECTORS, prefix, true, new StringDeserializer(), readWait, consistency)) {
            names.add(key.substring(prefix.length()));
        }
        names.sort(null);
        return names;
    }

    /** The last reported status of every connector of a cluster, by connector name. */
    @Override
    public Map<String, ConnectorObservation> statuses(String cluster, ReadConsistency consistency) {
        Map<String, ConnectorObservation> byName = new HashMap<>();
        for (ConnectorObservation observation : reader.scanAll(StoreNames.STATUSES, ConnectorKey.clusterPrefix(cluster), false,
                observations.deserializer(), readWait, consistency)) {
            byName.put(observation.getConnector(), observation);
        }
        return byName;
    }

    // ---- reads for another replica (the internal endpoint) -----------------------------------------

    /**
     * One value of this replica's copy of a partition, for another replica. With {@code stale}, a
     * standby copy answers if it is current enough ({@link CopyPolicy#answer}).
     */
    public RemoteStores.Copy localEncoded(String store, String key, int partition, boolean stale) {
        CopyPolicy.Held<Object> held = policy.answer(store, key, partition, stale, System.nanoTime());
        return new RemoteStores.Copy(Optional.ofNullable(held.value()).map(v -> encode(store, v)), held.owner());
    }

    /**
     * This replica's copy of some partitions, encoded for another replica: the partitions it cannot
     * serve now are absent from the answer.
     */
    public Map<Integer, List<byte[]>> localEncodedScan(String store, String prefix, boolean keys, List<Integer> parts, boolean stale) {
        long arrived = System.nanoTime();
        Map<Integer, List<byte[]>> out = new LinkedHashMap<>();
        if (!stale && !policy.ownerMayAnswer()) {
            return out;
        }
        for (int p : parts) {
            policy.scan(store, prefix, keys, p, stale, arrived).ifPresent(values -> out.put(p, values.stream()
                    .map(v -> keys ? ((String) v).getBytes(StandardCharsets.UTF_8) : encode(store, v)).toList()));
        }
        return out;
    }

    private byte[] encode(String store, Object value) {
        return switch (store) {
            case StoreNames.STATUSES -> observations.serializer().serialize(STATUS_TRANSFER_TOPIC, (ConnectorObservation) value);
            case StoreNames.HISTORY -> histories.serializer().serialize(HISTORY_TRANSFER_TOPIC, (ConnectorHistory) value);
            case StoreNames.TIMELINE -> timelines.serializer().serialize(TIMELINE_TRANSFER_TOPIC, (ConnectorTimeline) value);
            case StoreNames.SETS -> sets.serializer().serialize(SETS_TRANSFER_TOPIC, (SetState) value);
            case StoreNames.ROLLOUTS -> rollouts.serializer().serialize(ROLLOUTS_TRANSFER_TOPIC, (RolloutState) value);
            default -> states.serializer().serialize(TRANSFER_TOPIC, (ConnectorState) value);
        };
    }
}
