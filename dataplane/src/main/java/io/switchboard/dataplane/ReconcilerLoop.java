package io.switchboard.dataplane;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.LeaseGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs a cluster's reconciler on exactly one replica at a time. Kafka's group membership elects it
 * ({@link LeaseGroup}): every replica joins the group {@code <prefix>-reconciler-<cluster>} on a
 * one-partition lease topic, and the member that holds the partition reconciles. The lease stays
 * where it is when a replica joins or comes back (a rolling restart): moving it would stop the
 * holder's reactive threads and make both replicas start a full pass on a worker that is still busy.
 * <p>
 * The leader reconciles each connector as its changes are decided and watches it until the worker
 * shows it as desired ({@link ReactiveReconciler}, on threads of its own), and makes a full pass
 * over the cluster every {@code interval}, which repairs what was changed on the worker directly.
 */
public final class ReconcilerLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReconcilerLoop.class);
    static final Duration TICK = Duration.ofMillis(250);
    static final Duration PASS_DELAY_MAX = Duration.ofSeconds(60);
    static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(15);
    /** How long after it was given to the worker a connector not yet running counts as the worker still starting it. */
    static final long STARTING_MS = 5_000;

    private final String cluster;

    /** The Connect cluster this loop reconciles. */
    public String cluster() {
        return cluster;
    }
    private final Reconciler reconciler;
    private final ReactiveReconciler reactive;
    private final LeaseGroup lease;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;
    /** Counted down by close(): wakes the loop's sleep without interrupting the thread that then leaves the group. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean leader;
    /** How many times this replica took or lost the lease. */
    private final AtomicLong leaseChanges = new AtomicLong();
    /** The last failure of a pass, logged once until it changes or a pass succeeds. */
    private String lastFailure;
    /** Told on the loop's thread, before the first pass, when this replica takes the lease, and when it loses it. */
    private final List<Consumer<Boolean>> onLease = new CopyOnWriteArrayList<>();

    public ReconcilerLoop(String cluster, Reconciler reconciler, String bootstrapServers, Map<String, String> kafkaSettings,
                          String leaseTopic, String groupId, Duration interval) {
        this(cluster, reconciler, new ReactiveReconciler(cluster, reconciler), bootstrapServers, kafkaSettings, leaseTopic, groupId,
                interval);
    }

    /** @param interval how often the full pass runs */
    public ReconcilerLoop(String cluster, Reconciler reconciler, ReactiveReconciler reactive, String bootstrapServers,
                          Map<String, String> kafkaSettings, String leaseTopic, String groupId, Duration interval) {
        this.cluster = cluster;
        this.reconciler = reconciler;
        this.reactive = reactive;
        this.interval = interval;
        this.lease = new LeaseGroup(new KafkaClients(bootstrapServers, kafkaSettings), leaseTopic, groupId);
        this.thread = new Thread(this::run, "switchboard-reconciler-" + cluster);
        this.thread.setDaemon(true);
    }

    public ReactiveReconciler reactive() {
        return reactive;
    }

    /**
     * Also tells {@code listener} (on the loop's thread) when this replica takes the cluster's lease
     * (true, before the pass that follows) and when it loses it (false). Set before {@link #start}.
     */
    public ReconcilerLoop onLease(Consumer<Boolean> listener) {
        onLease.add(listener);
        return this;
    }

    /** Full passes over the cluster this replica has made since it started. */
    public long fullPasses() {
        return reconciler.fullPasses();
    }

    public ReconcilerLoop start() {
        reactive.start();
        thread.start();
        return this;
    }

    public boolean isLeader() {
        return leader;
    }

    /** How many times this replica took or lost the cluster's lease since it started. */
    public long leaseChanges() {
        return leaseChanges.get();
    }

    private void run() {
        long nextPass = 0;
        while (running) {
            long started = System.nanoTime();
            try {
                boolean holds = lease.holds(Duration.ofMillis(50));
                if (holds != leader) {
                    log.info("{} the reconciler of Connect cluster {}", holds ? "This replica is now" : "This replica is no longer", cluster);
                    leader = holds;
                    leaseChanges.incrementAndGet();
                    reactive.active(holds);
                    for (Consumer<Boolean> listener : onLease) {
                        listener.accept(holds);
                    }
                    nextPass = started;
                }
                if (leader) {
                    // The pass waits while the worker is busy (see workerBusy): at most
                    // PASS_DELAY_MAX past its time. The watcher, on its own thread, reports what starts.
                    boolean workerBusy = workerBusy(reconciler, reactive, System.currentTimeMillis());
                    boolean due = started - nextPass >= 0 && (!workerBusy || started - nextPass >= PASS_DELAY_MAX.toNanos());
                    if (due) {
                        nextPass = started + interval.toNanos();
                        reconciler.reconcile();
                        if (lastFailure != null) {
                            log.info("Reconciling Connect cluster {} works again", cluster);
                            lastFailure = null;
                        }
                    }
                }
            } catch (LeaseGroup.Woken e) {
                break;
            } catch (RuntimeException e) {
                String failure = WorkerMessages.oneLine(String.valueOf(e.getMessage()));
                if (!failure.equals(lastFailure)) {
                    log.warn("Reconciling Connect cluster {} failed; will retry: {}", cluster, failure);
                    lastFailure = failure;
                }
            }
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            sleep(Math.max(0, TICK.toMillis() - elapsedMs));
        }
        // Leaving the group takes a round trip a loaded broker can hold for seconds. An interrupt
        // would abort it (the client logs that as an error), so close() never interrupts this thread
        // while it leaves: it signals `stopping` and waits up to LEAVE_TIMEOUT plus a margin.
        Thread.interrupted();
        lease.close(LEAVE_TIMEOUT);
    }

    /**
     * Whether the worker is busy with what the reactive reconciler gave it: connectors waiting or
     * being carried out (a burst of creates, which a rebalance can hold for seconds without one
     * completing), a change completed within {@link Reconciler#BUSY_MS}, or connectors the worker
     * is still starting (watched since the last {@link #STARTING_MS}). The full pass's list with
     * configs and its reads of task configs and offsets would queue behind that work on the
     * worker's herder thread and slow it down. A connector that never starts stops counting after STARTING_MS and one that keeps
     * failing is retried with back-off, so neither holds the pass back for long.
     */
    static boolean workerBusy(Reconciler reconciler, ReactiveReconciler reactive, long nowMillis) {
        return reactive.busy()
                || reconciler.busyWithin(Reconciler.BUSY_MS)
                || reactive.watchedSince(nowMillis - STARTING_MS) > 0;
    }

    private void sleep(long ms) {
        try {
            if (stopping.await(ms, TimeUnit.MILLISECONDS)) {
                running = false;
            }
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /**
     * Stops the loop and leaves the group. The thread is only woken (a latch for its sleep, a
     * wakeup for its poll); it is interrupted only if a pass is still stuck once leaving had its time.
     */
    @Override
    public void close() {
        running = false;
        stopping.countDown();
        lease.wakeup();
        try {
            thread.join(LEAVE_TIMEOUT.toMillis() + 5_000);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reactive.close();
        reconciler.close();
    }
}
