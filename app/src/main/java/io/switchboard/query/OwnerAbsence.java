package io.switchboard.query;

import io.switchboard.processor.CommandProgress;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Whether the owner of a partition may say that a connector does not exist. Its active copy holds
 * the effect of every command it has processed, but a copy that has just become active (its
 * previous owner died or froze) has processed only what was committed: a create that the previous
 * owner decided and answered, and did not commit, is still to be decided again, and a 404 meanwhile
 * would deny a write already acknowledged (the fault run caught one). So an absence counts only
 * when every command that was in the partition when the read arrived has been processed here, or
 * committed by the group (the copy is then restored up to it): the command topic's end offset, in
 * a reading begun after the read arrived, is at most the larger of the two. Readings are made one at
 * a time, on one daemon thread, and shared by the callers waiting for one.
 *
 * <p>The same readings say whether the owner may answer at all ({@link #reachedKafkaLately}): an
 * owner cut from Kafka keeps its partitions in its own eyes while the group, once its session has
 * expired, hands them to another replica that decides new commands; its copy would then answer
 * reads with what is no longer so (the fault run's cut-broker caught it). The {@link KafkaLease}
 * decides from these readings, which a daemon thread renews every {@link #RENEW_EVERY_MS} whether
 * reads come or not, so that only a real lapse (out of reach, or frozen) ends the lease.
 */
final class OwnerAbsence {
    private final CommandProgress progress;
    private final Admin admin;
    private final String commandTopic;
    private final String groupId;
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "switchboard-command-ends");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Reading> inFlight;
    /** How often the lease is renewed. */
    static final long RENEW_EVERY_MS = 2_000;
    private final KafkaLease lease = new KafkaLease();
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

        /** Whether a copy that has processed up to {@code processedNext} holds every command of the partition read. */
        boolean covers(int partition, long processedNext) {
            Long end = ends.get(partition);
            return end != null && end <= Math.max(processedNext, committed.getOrDefault(partition, 0L));
        }
    }

    OwnerAbsence(CommandProgress progress, Admin admin, String commandTopic, String groupId) {
        this.progress = progress;
        this.admin = admin;
        this.commandTopic = commandTopic;
        this.groupId = groupId;
        renewer.scheduleWithFixedDelay(this::refresh, 0, RENEW_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    /** The processor's progress on the partition, taken before its copy is read. */
    CommandProgress.Mark mark(int partition) {
        return progress.mark(partition);
    }

    /**
     * Whether this replica's active copy of the partition, read after {@code before} was taken, may
     * answer that a key is absent, waiting at most {@code waitMs} for a reading.
     */
    boolean confirmed(int partition, CommandProgress.Mark before, long waitMs) {
        long asked = System.nanoTime();
        long deadline = asked + TimeUnit.MILLISECONDS.toNanos(waitMs);
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Reading reading = refresh().get(left, TimeUnit.NANOSECONDS);
                if (reading.startedAt() - asked >= 0) {
                    return reading.covers(partition, progress.stillHeld(partition, before));
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
                Reading reading = refresh().get(left, TimeUnit.NANOSECONDS);
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

    private synchronized CompletableFuture<Reading> refresh() {
        if (inFlight == null || inFlight.isDone()) {
            inFlight = CompletableFuture.supplyAsync(this::read, fetcher);
        }
        return inFlight;
    }

    private Reading read() {
        long started = System.nanoTime();
        try {
            Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
            admin.describeTopics(java.util.List.of(commandTopic)).allTopicNames().get(5, TimeUnit.SECONDS).get(commandTopic)
                    .partitions().forEach(p -> wanted.put(new TopicPartition(commandTopic, p.partition()), OffsetSpec.latest()));
            Map<Integer, Long> ends = new HashMap<>();
            admin.listOffsets(wanted).all().get(5, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            Map<Integer, Long> committed = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                    Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(wanted.keySet())))
                    .partitionsToOffsetAndMetadata(groupId).get(5, TimeUnit.SECONDS);
            offsets.forEach((tp, at) -> {
                if (at != null) {
                    committed.put(tp.partition(), at.offset());
                }
            });
            if (!ends.isEmpty()) {
                lease.reached(started);
            }
            return new Reading(ends, committed, started);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Reading(Map.of(), Map.of(), started);
        }
    }
}
