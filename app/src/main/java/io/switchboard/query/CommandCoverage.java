package io.switchboard.query;

import io.switchboard.processor.CommandProgress;
import io.switchboard.processor.StoreNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether a copy of a partition holds every decision that may have been acknowledged before a read
 * arrived. A decision is acknowledged as soon as it is made, before its transaction commits
 * ({@link io.switchboard.commands.DecisionListener}), so neither "this replica runs the partition"
 * nor "this standby is at the end of its changelog" is enough:
 * <ul>
 *   <li>a copy that has just become active (its previous owner died or froze) has processed only
 *       what was committed: a command the previous owner decided and answered, and did not commit,
 *       is still to be decided again, and the copy meanwhile answers as if it had never been sent
 *       (a 404 for a create, an older config for an update);</li>
 *   <li>a standby holds only committed decisions, and the changelog record of one made a moment
 *       ago may not even have reached the broker yet (the producer lingers), so a standby at the
 *       end of its changelog can still miss it.</li>
 * </ul>
 * So the owner's copy counts only when every command that was in the partition when the read
 * arrived has been processed here, or committed by the group (the copy is then restored up to it);
 * a standby's only when every such command is committed, and its changelog is read to the end
 * after that. Both are judged against the command topic's end offsets in a reading begun after the
 * read arrived.
 *
 * <p>Not every offset below an end offset is a command. A transaction's commit (or abort) marker
 * takes one after the transaction's last record in each partition it wrote to, and a set's change,
 * decided on the set's partition, writes its connectors' commands into their partitions in the
 * transaction of its decision: right after an apply, each of those partitions ends one past its last
 * command. Were the processed mark to stop at that command, the owner's copy would count only once
 * the group's committed offset passed the marker, and Kafka Streams commits the position past a
 * marker on its own schedule, not as part of deciding anything, so not always within a read's 10 s
 * wait: reads right after an apply would be answered 503 ({@code ApplySetsTest}). So the processed mark
 * also covers what the processor's own read-committed consumer skipped after the last command it
 * returned, once that command is processed ({@link CommandProgress#polled}): markers, and records of
 * aborted transactions, none of which is a command anyone was answered for (a command acknowledged
 * before the read arrived is committed, so that consumer returns it, and the mark stays below it
 * until it is decided). Comparing with the consumer's position alone would not do: the consumer is
 * ahead of what the processor has decided by whatever it has fetched and not processed yet. Readings of each kind (the end offsets alone, or with the committed offsets) are made
 * on daemon threads, at most {@link #MAX_IN_FLIGHT} at once, and each is shared by every caller
 * that arrived before it was requested ({@link Readings}).
 *
 * <p>The same readings say whether the owner may answer at all ({@link #reachedKafkaLately}): an
 * owner cut from Kafka keeps its partitions in its own eyes while the group, once its session has
 * expired, hands them to another replica that decides new commands; its copy would then answer
 * reads with what is no longer so. The {@link KafkaLease}
 * decides from these readings, which a daemon thread renews every {@link SessionTimers#renewMs} whether
 * reads come or not, so that only a real lapse (out of reach, or frozen) ends the lease.
 */
final class CommandCoverage implements AutoCloseable {
    private final CommandProgress progress;
    private final Admin admin;
    private final String commandTopic;
    private final String groupId;
    /** How many readings of one kind may be under way at once. */
    static final int MAX_IN_FLIGHT = 2;
    /** A thread for each reading that may be under way, so that a caller waits for its reading, not for another first. */
    private final ExecutorService fetcher = Executors.newFixedThreadPool(2 * MAX_IN_FLIGHT, r -> {
        Thread t = new Thread(r, "switchboard-command-ends");
        t.setDaemon(true);
        return t;
    });
    /** Readings of the end offsets alone: what an owner that has processed its partition needs, and the lease. */
    private final Readings endsOnly = new Readings(false);
    /** Readings of the end offsets and the group's committed offsets: what a standby, or an owner behind, needs. */
    private final Readings withCommitted = new Readings(true);
    /** The command topic's partitions, once known (asked again until known; the same whichever thread asks). */
    private volatile Map<TopicPartition, OffsetSpec> partitions;
    private final KafkaLease lease;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-kafka-lease");
        t.setDaemon(true);
        return t;
    });

    /** The command topic's end offsets and the group's committed offsets, by partition, in a reading begun at {@code startedAt}. */
    record Reading(Map<Integer, Long> ends, Map<Integer, Long> committed, long startedAt) {
        static final Reading NONE = new Reading(Map.of(), Map.of(), 0);

        /** Whether the reading reached Kafka (a failed one holds no end offsets). */
        boolean reached() {
            return !ends.isEmpty();
        }

        /**
         * Whether a copy that has processed up to {@code processedNext} holds every command of the
         * partition read; with 0, whether the group has committed every one.
         */
        boolean covers(int partition, long processedNext) {
            Long end = ends.get(partition);
            return end != null && end <= Math.max(processedNext, committed.getOrDefault(partition, 0L));
        }
    }

    /** @param timers the processor's group session: how long the lease lasts, how often it is renewed */
    CommandCoverage(CommandProgress progress, Admin admin, String commandTopic, String groupId, SessionTimers timers) {
        this.progress = progress;
        this.admin = admin;
        this.commandTopic = commandTopic;
        this.groupId = groupId;
        this.lease = new KafkaLease(timers);
        renewer.scheduleWithFixedDelay(endsOnly::refresh, 0, timers.renewMs(), TimeUnit.MILLISECONDS);
    }

    /** The processor's progress on the partition, taken before its copy is read. */
    CommandProgress.Mark mark(int partition) {
        return progress.mark(partition);
    }

    /**
     * Whether this replica's active copy of the partition, read after {@code before} was taken, holds
     * every decision made before the read arrived (at {@code arrived}, a {@link System#nanoTime}),
     * waiting at most {@code waitMs} for a reading begun since.
     */
    boolean ownerCovers(int partition, CommandProgress.Mark before, long arrived, long waitMs) {
        return coveredUpTo(partition, () -> progress.stillHeld(partition, before), arrived, waitMs);
    }

    /**
     * Whether every command that was in the partition when the read arrived has been committed by
     * the group, so that a standby copy read to its changelog's end from now on holds its decision.
     */
    boolean allCommitted(int partition, long arrived, long waitMs) {
        return coveredUpTo(partition, () -> 0L, arrived, waitMs);
    }

    /**
     * Whether the end offsets read after {@code asked} are at most {@code processedNext} (taken once
     * the reading is in) or what the group has committed. The end offsets alone settle it when the
     * copy has processed that far, which a running owner almost always has, so the committed
     * offsets are asked for only when they do not.
     */
    private boolean coveredUpTo(int partition, LongSupplier processedNext, long asked, long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        Reading ends = endsOnly.after(asked, deadline);
        if (ends.covers(partition, processedNext.getAsLong())) {
            return true;
        }
        return ends.reached() && withCommitted.after(asked, deadline).covers(partition, processedNext.getAsLong());
    }

    /**
     * Whether this replica reached Kafka recently enough that the group cannot have given its
     * partitions to another yet, waiting at most {@code waitMs} for a reading when the last one is
     * too old or failed.
     */
    boolean reachedKafkaLately(long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            while (true) {
                long now = System.nanoTime();
                if (lease.valid(now)) {
                    return true;
                }
                long left = deadline - now;
                if (left <= 0) {
                    return false;
                }
                if (lease.settling(now)) {
                    // Reached again after a lapse: answer once the group has had time to say otherwise.
                    TimeUnit.NANOSECONDS.sleep(Math.min(left, lease.answersFrom() - now));
                    continue;
                }
                Reading reading = endsOnly.refresh().get(left, TimeUnit.NANOSECONDS);
                if (!reading.reached()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception unknown) {
            return false;
        }
    }

    /**
     * Readings of one kind, each shared by every caller that arrived before it was requested, at most
     * {@link #MAX_IN_FLIGHT} under way at once.
     *
     * <p>Why a shared reading keeps a read linearizable: a reading's time ({@link Reading#startedAt})
     * is taken before its request is handed to the admin client, so the broker answers it after
     * that time. A command acknowledged before a read arrived was in the log before the read
     * arrived, so a reading requested at or after the read's arrival holds it in its end offsets,
     * whoever requested the reading and whichever other reads share it. A reading requested before
     * the read arrived does not serve it, even if its answer comes later: the broker may have
     * answered before a command acknowledged in between. So a read joins the latest reading when
     * that one was requested after it arrived; otherwise it requests one at once, beside the one
     * under way, rather than waiting for that one to finish first (which would cost up to two round
     * trips a read).
     */
    private final class Readings {
        private final boolean committed;
        private CompletableFuture<Reading> latest;
        private long latestRequestedAt;
        /** The readings under way, at most {@link #MAX_IN_FLIGHT}. */
        private final List<CompletableFuture<Reading>> underWay = new ArrayList<>();

        Readings(boolean committed) {
            this.committed = committed;
        }

        /** The latest reading, requested now if none is under way or was requested since {@code asked}. */
        CompletableFuture<Reading> refresh() {
            return requestedSince(System.nanoTime(), true);
        }

        /**
         * A reading requested at or after {@code asked}: the latest if it was, else one requested
         * now; or, when {@link #MAX_IN_FLIGHT} are under way and {@code orLatest}, the latest one
         * (to wait for before asking again).
         */
        synchronized CompletableFuture<Reading> requestedSince(long asked, boolean orLatest) {
            if (latest != null && latestRequestedAt - asked >= 0) {
                return latest;
            }
            if (underWay.size() >= MAX_IN_FLIGHT) {
                return orLatest ? latest : null;
            }
            long requested = System.nanoTime();
            CompletableFuture<Reading> reading = new CompletableFuture<>();
            underWay.add(reading);
            latest = reading;
            latestRequestedAt = requested;
            try {
                fetcher.execute(() -> {
                    Reading done = Reading.NONE;
                    try {
                        done = read(committed, requested);
                    } finally {
                        synchronized (this) {
                            underWay.remove(reading);
                        }
                        reading.complete(done);
                    }
                });
            } catch (RejectedExecutionException closed) {
                // The replica is stopping: no reading reaches Kafka any more.
                underWay.remove(reading);
                reading.complete(Reading.NONE);
            }
            return reading;
        }

        /** Any one of the readings under way (each was requested before the caller arrived). */
        private synchronized CompletableFuture<Object> anyUnderWay() {
            return underWay.isEmpty() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.anyOf(underWay.toArray(CompletableFuture[]::new));
        }

        /** A reading requested at or after {@code asked}, waiting until {@code deadline}; {@link Reading#NONE} if none comes by then. */
        Reading after(long asked, long deadline) {
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return Reading.NONE;
                    }
                    CompletableFuture<Reading> mine = requestedSince(asked, false);
                    if (mine == null) {
                        // As many readings under way as allowed, all requested before this read arrived.
                        anyUnderWay().get(left, TimeUnit.NANOSECONDS);
                        continue;
                    }
                    Reading reading = mine.get(left, TimeUnit.NANOSECONDS);
                    if (reading.startedAt() - asked >= 0) {
                        return reading;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Reading.NONE;
            } catch (Exception unknown) {
                return Reading.NONE;
            }
        }
    }

    /** A reading, requested at {@code started}: before its requests are handed to the admin client. */
    private Reading read(boolean withCommitted, long started) {
        try {
            Map<TopicPartition, OffsetSpec> wanted = partitions();
            // Both requests at once: every read of a connector waits for a reading begun after it arrived.
            var endsAsked = admin.listOffsets(wanted).all();
            var committedAsked = withCommitted ? admin.listConsumerGroupOffsets(
                    Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(wanted.keySet())))
                    .partitionsToOffsetAndMetadata(groupId) : KafkaFuture.completedFuture(Map.<TopicPartition, OffsetAndMetadata>of());
            Map<Integer, Long> ends = new HashMap<>();
            endsAsked.get(5, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            Map<Integer, Long> committed = new HashMap<>();
            committedAsked.get(5, TimeUnit.SECONDS).forEach((tp, at) -> {
                if (at != null) {
                    committed.put(tp.partition(), at.offset());
                }
            });
            if (!ends.isEmpty()) {
                lease.reached(started, System.nanoTime());
            }
            return new Reading(ends, committed, started);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Reading(Map.of(), Map.of(), started);
        }
    }

    /**
     * The end offsets of the command topic and of the statuses store's changelog, read now: they
     * move whenever a connector may change (every change is a command) or a status is stored. Empty
     * when they cannot be read.
     */
    Optional<Object> changeMark() {
        try {
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>(partitions());
            for (TopicPartition command : partitions().keySet()) {
                wanted.put(new TopicPartition(groupId + "-" + StoreNames.STATUSES + "-changelog", command.partition()), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(wanted).all().get(2, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            return Optional.of(Map.copyOf(ends));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception unreadable) {
            return Optional.empty();
        }
    }

    /** Stops the lease's renewals and the readings' threads: the replica is stopping. */
    @Override
    public void close() {
        renewer.shutdownNow();
        fetcher.shutdownNow();
    }

    /** The command topic's partitions, asked once: a topic's partitions are not taken away. */
    private Map<TopicPartition, OffsetSpec> partitions() throws Exception {
        if (partitions == null) {
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            admin.describeTopics(List.of(commandTopic)).allTopicNames().get(5, TimeUnit.SECONDS).get(commandTopic)
                    .partitions().forEach(p -> wanted.put(new TopicPartition(commandTopic, p.partition()), OffsetSpec.latest()));
            partitions = Map.copyOf(wanted);
        }
        return partitions;
    }
}
