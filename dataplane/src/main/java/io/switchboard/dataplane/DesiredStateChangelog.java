package io.switchboard.dataplane;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The replica's one reader of the connectors store's changelog, for every cluster's
 * {@link DesiredStateFeed}: one consumer and one thread, however many clusters' leases the replica
 * holds, so a decision's changelog record costs one fetch per broker rather than one per cluster.
 * <ul>
 *   <li><b>Readings:</b> a feed's reading joins when the replica takes its cluster's lease and leaves
 *       when it loses it; the reader runs while any reading is joined (read_committed: the processor
 *       writes the changelog in transactions).</li>
 *   <li><b>From the start for each:</b> a reading that joins reads the changelog from its
 *       beginning, as a reader of its own would: the reader starts again from the beginning with a
 *       new consumer, and each reading already joined skips what it had read (by partition and
 *       offset), so it takes no record twice.</li>
 *   <li><b>Caught up:</b> a reading answers ({@link DesiredStateFeed.Source#readToEnd}) only while
 *       the reader, started since it joined, has caught up (read as far as the changelog went when
 *       it started), and then after it has read as far as the changelog goes at the question. So
 *       while a reader started again for a reading that joins reads the changelog again, the
 *       readings already joined answer nothing and the store is asked, as before they first caught
 *       up.</li>
 *   <li><b>A failure</b> stops the reader: every reading answers nothing (the store is asked
 *       instead) until a reading joins or leaves, which starts the reader again.</li>
 * </ul>
 * Threading: records go to each reading on the reader's thread, in the order read (a reading that
 * checks a record with the store holds up the others meanwhile); join and leave come from the
 * clusters' loops and are serialized here.
 */
public final class DesiredStateChangelog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DesiredStateChangelog.class);

    private final KafkaClients clients;
    private final String changelog;
    private final String name;
    /** The readings joined, each with the reader generation it joined at. */
    private final List<Joined> joined = new CopyOnWriteArrayList<>();
    /** The reader now and its generation, or null while no reading is joined; replaced under this object's lock. */
    private volatile Current current;
    private long generation;
    /** The generation of the last reader that stopped at a failure. */
    private volatile long failed;
    private boolean closed;

    /** @param kafkaSettings settings every Kafka client gets (security, for one), under the reader's own */
    public DesiredStateChangelog(String bootstrapServers, Map<String, String> kafkaSettings, String changelog) {
        this.clients = new KafkaClients(bootstrapServers, kafkaSettings);
        this.changelog = changelog;
        this.name = "switchboard-desired-feed-" + changelog;
    }

    /** A reader, and how many were started before it (plus one). */
    private record Current(TopicReader<String, byte[]> reader, long generation) {
    }

    /** A source of the changelog's records for one reading ({@code read} applies a batch); it joins when started. */
    DesiredStateFeed.Source source(Function<Iterable<TopicRecord<String, byte[]>>, Set<String>> read) {
        return new Joined(read);
    }

    /** One reading's part: what it has read of each partition, and the first reader it reads with. */
    private final class Joined implements DesiredStateFeed.Source {
        private final Function<Iterable<TopicRecord<String, byte[]>>, Set<String>> read;
        /** The next offset the reading takes in each partition: a reader started again skips the records before it. */
        private final Map<Integer, Long> next = new ConcurrentHashMap<>();
        /** The generation of the first reader it reads with; set when it joins. */
        private volatile long since = Long.MAX_VALUE;
        private volatile boolean member;

        Joined(Function<Iterable<TopicRecord<String, byte[]>>, Set<String>> read) {
            this.read = read;
        }

        @Override
        public void start() {
            join(this);
        }

        @Override
        public boolean readToEnd(Duration wait) throws InterruptedException {
            Current now = current;
            return member && now != null && now.generation() >= since && now.reader().caughtUp() && now.reader().readToEnd(wait);
        }

        @Override
        public void close() {
            leave(this);
        }

        /** Takes the records it has not read yet, of the reader of generation {@code from} while it is the current one. */
        void take(long from, List<TopicRecord<String, byte[]>> records) {
            Current now = current;
            if (!member || from < since || now == null || now.generation() != from) {
                return;
            }
            List<TopicRecord<String, byte[]>> unread = new ArrayList<>(records.size());
            for (TopicRecord<String, byte[]> record : records) {
                if (record.offset() >= next.getOrDefault(record.partition(), 0L)) {
                    unread.add(record);
                    next.put(record.partition(), record.offset() + 1);
                }
            }
            if (!unread.isEmpty() || records.isEmpty()) {
                read.apply(unread);
            }
        }
    }

    private synchronized void join(Joined reading) {
        if (closed || reading.member) {
            return;
        }
        reading.since = generation + 1;
        reading.member = true;
        joined.add(reading);
        restart();
    }

    private void leave(Joined reading) {
        TopicReader<String, byte[]> stopped = null;
        synchronized (this) {
            if (!reading.member) {
                return;
            }
            reading.member = false;
            joined.remove(reading);
            if (joined.isEmpty()) {
                stopped = current == null ? null : current.reader();
                current = null;
            } else if (current == null || current.generation() == failed) {
                // A reader that stopped at a failure: the readings left read again from the beginning.
                restart();
            }
        }
        if (stopped != null) {
            stopped.close();
        }
    }

    /** Stops the reader (bounded), and starts a new one from the beginning of the changelog; under the lock. */
    private void restart() {
        Current old = current;
        current = null;
        if (old != null) {
            old.reader().close();
        }
        long started = ++generation;
        TopicReader<String, byte[]> reader = TopicReader.of(clients, changelog, new StringDeserializer(), new ByteArrayDeserializer())
                .settings(Map.of(
                        "auto.offset.reset", "earliest",
                        // The processor writes its changelogs in transactions (exactly-once): read only what committed.
                        "isolation.level", "read_committed",
                        "allow.auto.create.topics", false,
                        "client.id", name))
                .threadName(name)
                .onRecords(records -> joined.forEach(reading -> reading.take(started, records)))
                .onCaughtUp(() -> log.info("Reading the connectors changelog {} as it is written, for {} cluster(s)", changelog, joined.size()))
                .onMissingTopic(() -> log.info("The connectors changelog {} does not exist yet; the connectors store is read until it does",
                        changelog))
                .onFailure(TopicReader.OnFailure.STOP, Duration.ZERO, e -> {
                    failed = started;
                    log.warn("Stopped reading the connectors changelog {};"
                        + " the connectors store is read instead until this replica takes or loses a cluster's lease: {}",
                            changelog, WorkerMessages.oneLine(e.toString()));
                })
                .build();
        current = new Current(reader, started);
        reader.start();
    }

    @Override
    public void close() {
        TopicReader<String, byte[]> stopped;
        synchronized (this) {
            closed = true;
            stopped = current == null ? null : current.reader();
            current = null;
            joined.forEach(reading -> reading.member = false);
            joined.clear();
        }
        if (stopped != null) {
            stopped.close();
        }
    }
}
