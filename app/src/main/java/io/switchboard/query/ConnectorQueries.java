package io.switchboard.query;

import io.switchboard.core.ConnectorStore;
import io.switchboard.core.StoreUnavailableException;
import io.switchboard.processor.CommandProgress;
import io.switchboard.processor.ConnectorKey;
import io.switchboard.processor.StoreNames;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.SetState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Reads the connectors and statuses stores with interactive queries, from whichever replica holds a
 * usable copy of the key's partition:
 * <ol>
 *   <li>the active copy, here or on the replica that runs the partition (one hop, never more), once
 *       it has decided every command sent before the read ({@link CommandCoverage});</li>
 *   <li>when that cannot answer (the owner died, the partition is moving or restoring), a standby
 *       copy, here first, that holds every such decision ({@link LocalCopies#currentEnough});</li>
 *   <li>when no copy can answer, the same again until {@code readWait} has passed, then
 *       {@link StoreUnavailableException} (503 with Retry-After).</li>
 * </ol>
 * Lists gather every partition the same way, in parallel, and fail rather than leave a partition
 * out. Local reads use IQv1 ({@code store().get}), which does not take the store's position lock,
 * because IQv2 queries that race the stream thread's writes can deadlock it in Kafka Streams 4.3.1
 * (KAFKA-19629).
 */
public final class ConnectorQueries implements ConnectorStore {
    private static final String TRANSFER_TOPIC = "switchboard.internal-reads";
    /** One subject per record type between replicas (the registry keeps a subject's schemas compatible); readers go by schema id. */
    private static final String STATUS_TRANSFER_TOPIC = TRANSFER_TOPIC + ".statuses";
    private static final String HISTORY_TRANSFER_TOPIC = TRANSFER_TOPIC + ".history";
    private static final String TIMELINE_TRANSFER_TOPIC = TRANSFER_TOPIC + ".timeline";
    private static final String SETS_TRANSFER_TOPIC = TRANSFER_TOPIC + ".sets";
    /**
     * How far a standby copy may trail its changelog's end, read after the read arrived: the last
     * commit marker, nothing more (a lag of 20 let reads miss a change acknowledged a moment before).
     */
    public static final long MAX_STANDBY_LAG = 1;
    private static final long RETRY_PAUSE_MS = 100;
    /** How many reads may wait at once for their data (see {@link WaitingReads}). */
    public static final int MAX_WAITING_READS = 32;

    private final KafkaStreams streams;
    private final ReplicaRouter router;
    private final RemoteStores remote;
    private final Serde<ConnectorState> states;
    private final Serde<ConnectorObservation> observations;
    private final Serde<ConnectorHistory> histories;
    private final int partitions;
    private final Duration readWait;
    private final WaitingReads waitingReads;
    private final LocalCopies local;
    /** Null until {@link #keepsTimelines} is called: the topology keeps no timelines (and no sets). */
    private volatile Serde<ConnectorTimeline> timelines;
    private volatile Serde<SetState> sets;
    /** Null until {@link #checkCoverage} is called: then a copy's answer is checked against the command topic. */
    private volatile CommandCoverage coverage;

    /**
     * @param histories       serde of the history store; null when the topology keeps no history
     * @param partitions      the number of partitions of the stores (those of the command topic)
     * @param readWait        how long a read waits for some copy of its data to become available
     * @param maxWaitingReads how many reads may wait at once for their data; more are answered 503 at once
     */
    public ConnectorQueries(KafkaStreams streams, ReplicaRouter router, RemoteStores remote,
                            Serde<ConnectorState> states, Serde<ConnectorObservation> observations,
                            Serde<ConnectorHistory> histories, int partitions, Duration readWait, int maxWaitingReads) {
        this.waitingReads = new WaitingReads(maxWaitingReads);
        this.histories = histories;
        this.streams = streams;
        this.local = new LocalCopies(streams, histories != null);
        this.router = router;
        this.remote = remote;
        this.states = states;
        this.observations = observations;
        this.partitions = partitions;
        this.readWait = readWait;
    }

    /**
     * From now on, a copy answers what a connector is (or that it is absent) only when it holds the
     * decision of every command that was in the partition when the read arrived ({@link CommandCoverage}).
     *
     * @param groupId the command processor's consumer group (its application id)
     */
    public void checkCoverage(CommandProgress progress, Admin admin, String commandTopic, String groupId) {
        this.coverage = new CommandCoverage(progress, admin, commandTopic, groupId);
        local.checkCoverage(coverage);
    }

    /** See {@link ConnectorStore#changeMark}: the command topic's and the statuses changelog's end offsets, read now. */
    @Override
    public Optional<Object> changeMark() {
        return coverage == null ? Optional.empty() : coverage.changeMark();
    }

    /** The topology keeps each connector's incident timeline, and connector sets, in values of these serdes. */
    public ConnectorQueries keepsTimelines(Serde<ConnectorTimeline> serde, Serde<SetState> setSerde) {
        this.timelines = serde;
        this.sets = setSerde;
        local.keepsTimelines();
        return this;
    }

    /** Read like a connector: a store of decisions in the connectors' task, whose owner alone says a set is absent. */
    @Override
    public Optional<SetState> set(ConnectorKey key) {
        return read(StoreNames.SETS, key, sets.deserializer(), true, readWait);
    }

    @Override
    public Optional<ConnectorState> connector(ConnectorKey key) {
        return read(StoreNames.CONNECTORS, key, states.deserializer(), true, readWait);
    }

    /**
     * A connector's state when this replica holds it at hand: in its partition's active copy, which
     * the processor in this JVM writes before it commits any decision, so it holds every decision
     * already answered. Never a standby copy: however small its lag, it can miss a delete decided
     * and answered a moment ago, and an early answer from it acknowledged a change of a connector
     * that no longer existed (a lost write under real-time order). Empty when the active copy is
     * elsewhere or does not hold the connector: the caller then waits for the decision. Never asks
     * another replica.
     */
    @Override
    public Optional<ConnectorState> connectorAtHand(ConnectorKey key) {
        try {
            return atHand(key);
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("The connector store is not available on this replica right now", e);
        }
    }

    private Optional<ConnectorState> atHand(ConnectorKey key) {
        Optional<KeyQueryMetadata> where = router.locate(key);
        if (where.isEmpty()) {
            return Optional.empty();
        }
        KeyQueryMetadata metadata = where.get();
        int partition = metadata.partition();
        if (router.isSelf(metadata.activeHost())) {
            return Optional.ofNullable(local.get(StoreNames.CONNECTORS, key.toString(), partition, false));
        }
        return Optional.empty();
    }

    /** The last status the data plane reported for a connector, if any. */
    @Override
    public Optional<ConnectorObservation> status(ConnectorKey key) {
        return read(StoreNames.STATUSES, key, observations.deserializer(), false, readWait);
    }

    /**
     * Like {@link #status}, without waiting: for a caller that asks again anyway (and must not hold
     * its thread), a copy that cannot answer right now is {@link StoreUnavailableException} at once.
     */
    public Optional<ConnectorObservation> statusNow(ConnectorKey key) {
        return read(StoreNames.STATUSES, key, observations.deserializer(), false, Duration.ZERO);
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
    public Optional<ConnectorHistory> history(ConnectorKey key) {
        if (histories == null) {
            throw new IllegalStateException("This replica keeps no connector history");
        }
        return read(StoreNames.HISTORY, key, histories.deserializer(), true, readWait);
    }

    /**
     * A connector's recent incidents. Written in the statuses store's task; an absence means only
     * that none was recorded, so a current standby copy may say so too.
     */
    @Override
    public Optional<ConnectorTimeline> timeline(ConnectorKey key) {
        Serde<ConnectorTimeline> serde = timelines;
        if (serde == null) {
            return Optional.empty();
        }
        return read(StoreNames.TIMELINE, key, serde.deserializer(), false, readWait);
    }

    /** Every connector of a cluster, from every partition, ordered by name. */
    @Override
    public List<ConnectorState> connectors(String cluster) {
        List<ConnectorState> all = scanAll(StoreNames.CONNECTORS, ConnectorKey.clusterPrefix(cluster), false, states.deserializer());
        all.sort((a, b) -> a.getName().compareTo(b.getName()));
        return all;
    }

    /**
     * The names of every connector of a cluster, ordered: the store's keys only, so that a list of
     * many connectors holds a name each, not each connector's config.
     */
    @Override
    public List<String> names(String cluster) {
        String prefix = ConnectorKey.clusterPrefix(cluster);
        List<String> names = new ArrayList<>();
        for (String key : scanAll(StoreNames.CONNECTORS, prefix, true, new StringDeserializer())) {
            names.add(key.substring(prefix.length()));
        }
        names.sort(null);
        return names;
    }

    /** The last reported status of every connector of a cluster, by connector name. */
    @Override
    public Map<String, ConnectorObservation> statuses(String cluster) {
        Map<String, ConnectorObservation> byName = new HashMap<>();
        for (ConnectorObservation observation : scanAll(StoreNames.STATUSES, ConnectorKey.clusterPrefix(cluster), false,
                observations.deserializer())) {
            byName.put(observation.getConnector(), observation);
        }
        return byName;
    }

    // ---- reads of one key ------------------------------------------------------------------------
    /**
     * @param absenceNeedsOwner whether only the owner's copy may say a key is absent (a connector's
     *                          existence); otherwise a current standby's absence is an answer too
     */
    private <V> Optional<V> read(String store, ConnectorKey key, Deserializer<V> decode, boolean absenceNeedsOwner,
                                 Duration wait) {
        long arrived = System.nanoTime();
        long deadline = arrived + wait.toNanos();
        String why = "no replica knows where it is yet";
        boolean waiting = false;
        try {
            while (true) {
                Optional<KeyQueryMetadata> where = router.locate(key);
                if (where.isPresent()) {
                    KeyQueryMetadata metadata = where.get();
                    int partition = metadata.partition();
                    HostInfo active = metadata.activeHost();
                    try {
                        if (router.isSelf(active)) {
                            return Optional.ofNullable(ownersAnswer(store, partition, arrived,
                                    () -> local.<V>get(store, key.toString(), partition, false)));
                        }
                        if (ReplicaRouter.usable(active)) {
                            return remote.get(active, store, key.toString(), partition, false).value()
                                    .map(bytes -> decode.deserialize(TRANSFER_TOPIC, bytes));
                        }
                        why = "partition " + partition + " has no running owner";
                    } catch (StoreUnavailableException | InvalidStateStoreException e) {
                        why = "partition " + partition + " cannot be read on its owner " + active + ": " + e.getMessage();
                    }
                    for (HostInfo copy : router.fallbacks(active, metadata.standbyHosts())) {
                        // Only the owner may say a connector does not exist (absenceNeedsOwner).
                        try {
                            Optional<V> value;
                            boolean owners;
                            if (router.isSelf(copy)) {
                                owners = local.isActiveHere(partition);
                                if (!owners && !local.currentEnough(store, partition, arrived, LocalCopies.LAG_READING_WAIT_MS)) {
                                    continue;
                                }
                                Supplier<V> here = () -> local.<V>get(store, key.toString(), partition, true);
                                value = Optional.ofNullable(owners ? ownersAnswer(store, partition, arrived, here) : here.get());
                            } else {
                                RemoteStores.Copy answer = remote.get(copy, store, key.toString(), partition, true);
                                owners = answer.owner();
                                value = answer.value().map(bytes -> decode.deserialize(TRANSFER_TOPIC, bytes));
                            }
                            if (value.isPresent() || owners || !absenceNeedsOwner) {
                                return value;
                            }
                            why = "it is not in the standby copy on " + copy + " and its owner " + active
                                    + " cannot confirm that it does not exist";
                        } catch (StoreUnavailableException | InvalidStateStoreException e) {
                            // try the next copy
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreUnavailableException("The connector's data is not available on any replica right now ("
                            + why + "); retry shortly.", null);
                }
                if (!waiting) {
                    waitingReads.enter();
                    waiting = true;
                }
                WaitingReads.pause(RETRY_PAUSE_MS);
            }
        } finally {
            if (waiting) {
                waitingReads.leave();
            }
        }
    }

    /**
     * One value of this replica's copy of a partition, for another replica (the internal endpoint).
     * With {@code stale}, a standby copy answers if it is current enough.
     */
    public RemoteStores.Copy localEncoded(String store, String key, int partition, boolean stale) {
        long arrived = System.nanoTime();
        boolean owner = !stale || local.isActiveHere(partition);
        if (!owner && !local.currentEnough(store, partition, arrived, LocalCopies.LAG_READING_WAIT_MS)) {
            throw new StoreUnavailableException("The copy of partition " + partition + " here is behind; retry shortly.", null);
        }
        Supplier<Object> read = () -> local.get(store, key, partition, stale);
        Object value = owner ? ownersAnswer(store, partition, arrived, read) : read.get();
        return new RemoteStores.Copy(Optional.ofNullable(value).map(v -> encode(store, v)), owner);
    }

    /** Whether this replica's active copies may answer: it reached Kafka lately ({@link CommandCoverage#reachedKafkaLately}). */
    private boolean ownerMayAnswer() {
        return coverage == null || coverage.reachedKafkaLately(LocalCopies.LAG_READING_WAIT_MS);
    }

    /**
     * What the owner's copy says of a key, once the owner has decided every command sent before the
     * read arrived (for a store of decisions: {@link CommandCoverage#ownerCovers}); else
     * {@link StoreUnavailableException}, which the read waits out like any copy it cannot use. A copy
     * that has just become active holds only what its previous owner committed, and that owner may
     * have answered later decisions (a value from it would be stale, and an absence would deny a
     * create). The processor's progress is taken before the copy is read, so that the copy is judged
     * by what it held ({@link CommandProgress}).
     */
    private <V> V ownersAnswer(String store, int partition, long arrived, Supplier<V> read) {
        CommandCoverage check = coverage;
        if (check != null && !check.reachedKafkaLately(LocalCopies.LAG_READING_WAIT_MS)) {
            throw new StoreUnavailableException("This replica has not reached Kafka lately, so another may own partition "
                    + partition + " by now; retry shortly.", null);
        }
        if (check == null || !LocalCopies.holdsDecisions(store)) {
            return read.get();
        }
        CommandProgress.Mark before = check.mark(partition);
        V value = read.get();
        if (!check.ownerCovers(partition, before, arrived, LocalCopies.LAG_READING_WAIT_MS)) {
            throw new StoreUnavailableException("Partition " + partition + " has commands its owner has not decided yet; retry shortly.", null);
        }
        return value;
    }

    // ---- lists -------------------------------------------------------------------------------------

    /**
     * The values (with {@code keys}, the keys as strings) under a prefix in every partition: each
     * partition from its active copy, else from a standby copy current enough, waiting up to
     * {@code readWait} for those that have neither.
     */
    private <V> List<V> scanAll(String store, String prefix, boolean keys, Deserializer<V> decode) {
        long arrived = System.nanoTime();
        long deadline = arrived + readWait.toNanos();
        Map<Integer, List<V>> got = new HashMap<>();
        boolean waiting = false;
        try {
            while (true) {
                Map<Integer, ReplicaRouter.Placement> placements = router.placements();
                // The active copies first, then standbys for what is still missing.
                Map<HostInfo, List<Integer>> byHost = new LinkedHashMap<>();
                for (int p = 0; p < partitions; p++) {
                    ReplicaRouter.Placement placement = placements.get(p);
                    if (!got.containsKey(p) && placement != null && ReplicaRouter.usable(placement.active())) {
                        byHost.computeIfAbsent(placement.active(), h -> new ArrayList<>()).add(p);
                    }
                }
                gather(store, prefix, keys, byHost, false, arrived, decode, got);
                // Then the other copies, current enough, one level of fallback at a time.
                for (int level = 0; level < 3 && got.size() < partitions; level++) {
                    byHost.clear();
                    for (int p = 0; p < partitions; p++) {
                        ReplicaRouter.Placement placement = placements.get(p);
                        if (!got.containsKey(p) && placement != null) {
                            List<HostInfo> fallbacks = router.fallbacks(placement.active(), placement.standbys());
                            if (level < fallbacks.size()) {
                                byHost.computeIfAbsent(fallbacks.get(level), h -> new ArrayList<>()).add(p);
                            }
                        }
                    }
                    gather(store, prefix, keys, byHost, true, arrived, decode, got);
                }
                if (got.size() >= partitions) {
                    List<V> all = new ArrayList<>();
                    got.values().forEach(all::addAll);
                    return all;
                }
                if (System.nanoTime() > deadline) {
                    TreeSet<Integer> missing = new TreeSet<>();
                    for (int p = 0; p < partitions; p++) {
                        if (!got.containsKey(p)) {
                            missing.add(p);
                        }
                    }
                    throw new StoreUnavailableException("Partitions " + missing + " of the " + store
                            + " store are not available on any replica right now, so the list would be incomplete; retry shortly.", null);
                }
                if (!waiting) {
                    waitingReads.enter();
                    waiting = true;
                }
                WaitingReads.pause(RETRY_PAUSE_MS);
            }
        } finally {
            if (waiting) {
                waitingReads.leave();
            }
        }
    }

    private <V> void gather(String store, String prefix, boolean keys, Map<HostInfo, List<Integer>> byHost, boolean stale,
                            long arrived, Deserializer<V> decode, Map<Integer, List<V>> got) {
        Map<HostInfo, CompletableFuture<Map<Integer, List<byte[]>>>> asked = new LinkedHashMap<>();
        byHost.forEach((host, parts) -> {
            if (!router.isSelf(host)) {
                asked.put(host, remote.scan(host, store, prefix, keys, parts, stale));
            }
        });
        List<Integer> mine = stale || ownerMayAnswer() ? byHost.getOrDefault(router.self(), List.of()) : List.of();
        for (int p : mine) {
            this.<V>localScan(store, prefix, keys, p, stale, arrived).ifPresent(values -> got.put(p, values));
        }
        asked.forEach((host, answer) -> answer.join().forEach((p, values) -> {
            List<V> decoded = new ArrayList<>(values.size());
            for (byte[] bytes : values) {
                decoded.add(decode.deserialize(TRANSFER_TOPIC, bytes));
            }
            got.putIfAbsent(p, decoded);
        }));
    }

    /**
     * This replica's copy of some partitions, encoded for another replica: the partitions it cannot
     * serve now are absent from the answer.
     */
    public Map<Integer, List<byte[]>> localEncodedScan(String store, String prefix, boolean keys, List<Integer> parts, boolean stale) {
        long arrived = System.nanoTime();
        Map<Integer, List<byte[]>> out = new LinkedHashMap<>();
        if (!stale && !ownerMayAnswer()) {
            return out;
        }
        for (int p : parts) {
            localScan(store, prefix, keys, p, stale, arrived).ifPresent(values -> out.put(p, values.stream()
                    .map(v -> keys ? ((String) v).getBytes(StandardCharsets.UTF_8) : encode(store, v)).toList()));
        }
        return out;
    }

    /**
     * This replica's copy of one partition under a prefix; empty when it cannot serve it now: a
     * standby not current enough ({@link LocalCopies#currentEnough}), or an active copy of decisions
     * that has not decided every command sent before the list arrived ({@link #ownersAnswer}).
     */
    private <V> Optional<List<V>> localScan(String store, String prefix, boolean keys, int partition, boolean stale, long arrived) {
        CommandCoverage check = coverage;
        if (stale || check == null || !LocalCopies.holdsDecisions(store)) {
            return local.scan(store, prefix, keys, partition, stale, arrived);
        }
        CommandProgress.Mark before = check.mark(partition);
        Optional<List<V>> values = local.scan(store, prefix, keys, partition, false, arrived);
        return values.isPresent() && check.ownerCovers(partition, before, arrived, LocalCopies.LAG_READING_WAIT_MS)
                ? values : Optional.empty();
    }

    private byte[] encode(String store, Object value) {
        return switch (store) {
            case StoreNames.STATUSES -> observations.serializer().serialize(STATUS_TRANSFER_TOPIC, (ConnectorObservation) value);
            case StoreNames.HISTORY -> histories.serializer().serialize(HISTORY_TRANSFER_TOPIC, (ConnectorHistory) value);
            case StoreNames.TIMELINE -> timelines.serializer().serialize(TIMELINE_TRANSFER_TOPIC, (ConnectorTimeline) value);
            case StoreNames.SETS -> sets.serializer().serialize(SETS_TRANSFER_TOPIC, (SetState) value);
            default -> states.serializer().serialize(TRANSFER_TOPIC, (ConnectorState) value);
        };
    }
}
