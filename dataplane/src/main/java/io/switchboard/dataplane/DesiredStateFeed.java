package io.switchboard.dataplane;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.SignedStates;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One Connect cluster's desired connectors, as the replica that holds the cluster's reconcile lease
 * reads them: from the changelog topic of the processor's connectors store
 * ({@code <application.id>-connectors-changelog}, keyed {@code <cluster>/<name>}, each value a
 * connector's Avro {@link ConnectorState}, a null value a delete), rather than by asking the
 * replicas that own the store's partitions over HTTP on every full pass. The changelog is written
 * under exactly-once, so only committed records are read.
 * <p>
 * Only what a replica's processor wrote is acted on: a state whose signature ({@link SignedStates})
 * does not verify for its key and partition (written to the changelog by someone else, or stored before
 * states were signed), a signed state that does not come after every state read before from its
 * partition ({@link SignedStates.Order}: a copy written again, of a live connector's or of one deleted
 * since, whose tombstone carries nothing), and a delete of a connector the feed holds (a tombstone
 * carries no signature), are taken as the store answers for that connector at that moment; when the
 * store cannot answer, the feed gives up as for a value it cannot read.
 * <p>
 * The feed reads only while this replica holds the lease ({@link #active}): it starts from the
 * beginning of the topic when the lease is taken and stops when it is lost, as the reactive
 * reconciler's threads do. A replica that does not reconcile the cluster then holds none of its
 * connectors and reads no changelog; the cost is a read of the changelog from its beginning at each
 * takeover, during which the store is asked instead. The replica's feeds share one reader of the
 * changelog ({@link DesiredStateChangelog}), which starts again from the beginning for a feed that
 * starts reading while others read; they skip what they had read, and ask the store meanwhile.
 * <p>
 * The gate: the feed answers only once it has read the changelog as far as it went when the feed
 * started, and then only after reading it as far as it goes at the moment of the question (every
 * decision committed before a full pass began is in what the pass gets, so a connector created a
 * moment ago is never taken for a stray and deleted). Until then, when that read does not end
 * within {@link #READ_TO_END_WAIT}, or when the feed cannot be trusted (a value it cannot read, more
 * than {@link #MAX_CONNECTORS} connectors), the store is asked instead. Memory: this cluster's
 * connectors only; other clusters' records are skipped unread.
 */
public final class DesiredStateFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DesiredStateFeed.class);
    /** The most connectors of one cluster the feed holds; past that it gives up and the store is asked. */
    static final int MAX_CONNECTORS = WorkerStatusFeed.MAX_CONNECTORS;
    /** How long a question waits for the feed to read the changelog to its end before the store is asked instead. */
    static final Duration READ_TO_END_WAIT = Duration.ofSeconds(5);

    /** Where a reading's records come from: the replica's reader of the changelog, or a test's records. */
    interface Source extends AutoCloseable {
        void start();

        /** Whether every record committed before the call was read, waiting up to {@code wait}; false at once before catching up. */
        boolean readToEnd(Duration wait) throws InterruptedException;

        @Override
        void close();
    }

    private final String cluster;
    private final String prefix;
    private final Deserializer<ConnectorState> values;
    private final SignedStates signed;
    private final Function<Function<Iterable<TopicRecord<String, byte[]>>, Set<String>>, Source> sources;
    private final Supplier<List<ConnectorState>> storeAll;
    private final Function<String, Optional<ConnectorState>> storeOne;
    /** The reading under way while the lease is held, else null. */
    private volatile Reading reading;
    private boolean closed;

    /**
     * A feed whose readings are the replica's one reader of the changelog, which every cluster's feed
     * shares: one consumer however many clusters' leases the replica holds.
     *
     * @param changelog the reader of the connectors store's changelog
     * @param values    reads a changelog value (the store's serde)
     * @param signed    the processor's signatures of the states it stores
     * @param storeAll  the cluster's connectors as the store answers them, asked while the feed cannot answer
     * @param storeOne  one connector as the store answers it, likewise, and for a record the feed does not take as it is
     */
    public DesiredStateFeed(String cluster, DesiredStateChangelog changelog, Deserializer<ConnectorState> values, SignedStates signed,
                            Supplier<List<ConnectorState>> storeAll, Function<String, Optional<ConnectorState>> storeOne) {
        this(cluster, values, signed, changelog::source, storeAll, storeOne);
    }

    DesiredStateFeed(String cluster, Deserializer<ConnectorState> values, SignedStates signed,
                     Function<Function<Iterable<TopicRecord<String, byte[]>>, Set<String>>, Source> sources,
                     Supplier<List<ConnectorState>> storeAll, Function<String, Optional<ConnectorState>> storeOne) {
        this.cluster = cluster;
        this.prefix = ConnectorKey.clusterPrefix(cluster);
        this.values = values;
        this.signed = signed;
        this.sources = sources;
        this.storeAll = storeAll;
        this.storeOne = storeOne;
    }

    /**
     * Whether this replica holds the cluster's lease: the feed starts reading the changelog from its
     * beginning when it is taken and stops when it is lost. Called on the reconciler loop's thread.
     */
    public void active(boolean holds) {
        Reading stopped = null;
        synchronized (this) {
            if (holds && reading == null && !closed) {
                Reading started = new Reading();
                started.source = sources.apply(started::read);
                reading = started;
                started.source.start();
            } else if (!holds && reading != null) {
                stopped = reading;
                reading = null;
            }
        }
        if (stopped != null) {
            stopped.source.close();
        }
    }

    /** Whether the feed reads the changelog now (this replica holds the lease). */
    public boolean active() {
        return reading != null;
    }

    /** The cluster's desired connectors, in name order: from the changelog once it is read to its end, else from the store. */
    public List<ConnectorState> connectors() {
        Reading now = current();
        if (now == null) {
            return storeAll.get();
        }
        List<ConnectorState> all = new ArrayList<>(now.states.values());
        all.sort((a, b) -> a.getName().compareTo(b.getName()));
        return all;
    }

    /** One connector's desired state: from the changelog once it is read to its end, else from the store. */
    public Optional<ConnectorState> connector(String name) {
        Reading now = current();
        return now == null ? storeOne.apply(name) : Optional.ofNullable(now.states.get(name));
    }

    /** The reading, once it has read every record committed before now; null when the store must be asked. */
    private Reading current() {
        Reading now = reading;
        if (now == null || now.broken) {
            return null;
        }
        try {
            if (!now.source.readToEnd(READ_TO_END_WAIT) || now.broken) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return now;
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        active(false);
    }

    /** One reading of the changelog from its beginning, with what it read; the records come on the source's thread. */
    private final class Reading {
        private final Map<String, ConnectorState> states = new ConcurrentHashMap<>();
        /** The latest state read from each partition: a state is taken as it is only after it (read on the source's thread). */
        private final SignedStates.Order order = new SignedStates.Order();
        private Source source;
        private volatile boolean broken;

        /** Applies a batch of records; answers the connectors of this cluster it changed. */
        Set<String> read(Iterable<TopicRecord<String, byte[]>> records) {
            Set<String> changed = new HashSet<>();
            for (TopicRecord<String, byte[]> record : records) {
                String key = record.key();
                if (broken || key == null || !key.startsWith(prefix)) {
                    continue;
                }
                String name = key.substring(prefix.length());
                if (record.value() == null) {
                    // A tombstone carries no signature: a connector held is taken as deleted when the store says so.
                    if (states.containsKey(name)) {
                        asStored(name, record, changed);
                    }
                    continue;
                }
                ConnectorState state;
                try {
                    state = values.deserialize(record.topic(), record.value());
                } catch (RuntimeException e) {
                    // Skipping it could take a desired connector for a stray: the store answers instead.
                    giveUp("a value it cannot read at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                            + " (" + WorkerMessages.oneLine(e.toString()) + ")");
                    continue;
                }
                if (state == null) {
                    continue;
                }
                if (signed.verify(key, record.partition(), state) != Verdict.SIGNED || !order.advances(record.partition(), state)) {
                    asStored(name, record, changed);
                    continue;
                }
                if (!states.containsKey(name) && states.size() >= MAX_CONNECTORS) {
                    giveUp("more than " + MAX_CONNECTORS + " connectors");
                    continue;
                }
                states.put(name, state);
                changed.add(name);
            }
            return changed;
        }

        /** The connector as the store answers for it now, in place of a record the feed does not take as it is. */
        private void asStored(String name, TopicRecord<String, byte[]> record, Set<String> changed) {
            Optional<ConnectorState> stored;
            try {
                stored = storeOne.apply(name);
            } catch (RuntimeException e) {
                giveUp("a record it cannot check with the store at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                        + " (" + WorkerMessages.oneLine(e.toString()) + ")");
                return;
            }
            if (stored.isEmpty()) {
                if (states.remove(name) != null) {
                    changed.add(name);
                }
            } else if (states.containsKey(name) || states.size() < MAX_CONNECTORS) {
                states.put(name, stored.get());
                changed.add(name);
            } else {
                giveUp("more than " + MAX_CONNECTORS + " connectors");
            }
        }

        private void giveUp(String why) {
            broken = true;
            states.clear();
            log.warn("The connectors changelog holds {} for cluster {}; its desired state is read from the store instead until"
                    + " this replica takes the cluster's lease again", why, cluster);
        }
    }
}
