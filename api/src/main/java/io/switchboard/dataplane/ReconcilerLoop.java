package io.switchboard.dataplane;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a cluster's reconciler on exactly one replica at a time. Kafka's group membership elects it:
 * every replica joins the group {@code <prefix>-reconciler-<cluster>} on a one-partition lease
 * topic, and the member that holds the partition reconciles. When it dies, the group hands the
 * partition to another member within the session timeout (10 s).
 */
public final class ReconcilerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconcilerLoop.class);

    private final String cluster;
    private final Reconciler reconciler;
    private final KafkaConsumer<byte[], byte[]> lease;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean leader;

    public ReconcilerLoop(String cluster, Reconciler reconciler, String bootstrapServers, String leaseTopic,
                          String groupId, Duration interval) {
        this.cluster = cluster;
        this.reconciler = reconciler;
        this.interval = interval;
        this.lease = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.lease.subscribe(List.of(leaseTopic));
        this.thread = new Thread(this::run, "switchboard-reconciler-" + cluster);
        this.thread.setDaemon(true);
    }

    public ReconcilerLoop start() {
        thread.start();
        return this;
    }

    public boolean isLeader() {
        return leader;
    }

    private void run() {
        while (running) {
            long started = System.nanoTime();
            try {
                lease.poll(Duration.ofMillis(100));
                boolean holds = !lease.assignment().isEmpty();
                if (holds != leader) {
                    log.info("{} the reconciler of Connect cluster {}", holds ? "This replica is now" : "This replica is no longer", cluster);
                    leader = holds;
                }
                if (leader) {
                    reconciler.reconcile();
                }
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                log.warn("Reconciling Connect cluster {} failed; will retry: {}", cluster, e.getMessage());
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            sleep(Math.max(0, interval.toMillis() - elapsedMs));
        }
        Thread.interrupted(); // close() interrupts a sleep; leaving the group must not fail on it
        lease.close(Duration.ofSeconds(5));
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        lease.wakeup();
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reconciler.close();
    }
}
