package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watcher reads a worker's whole status list while many connectors are starting; that read
 * costs the worker time in proportion to its connectors, so the watcher must leave the worker a
 * bounded share of its time however often it is asked to look. The worker here is a plain HTTP
 * server whose list takes 100 ms and whose connectors never start, since only the pacing of the
 * reads is under test.
 */
class WatchPacingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LIST_MILLIS = 100;
    private static final int CONNECTORS = 20;

    private FakeWorker server;
    private final Map<String, Boolean> created = new ConcurrentHashMap<>();
    private final AtomicInteger listReads = new AtomicInteger();
    private final AtomicInteger statusReads = new AtomicInteger();
    /** Creates wait for this before they are answered, as during a rebalance of the worker. */
    private volatile CountDownLatch createsHeld = new CountDownLatch(0);
    private final CountDownLatch createArrived = new CountDownLatch(1);
    /** The full pass's list (with configs) waits for this before it is answered, as behind a burst on the worker. */
    private volatile CountDownLatch passHeld = new CountDownLatch(0);
    private final CountDownLatch passArrived = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = new FakeWorker(8, this::answer);
    }

    @AfterEach
    void stop() {
        // A create still held (a test that failed before releasing it) must not keep a server thread waiting.
        createsHeld.countDown();
        passHeld.countDown();
        if (worker != null) {
            worker.close();
        }
        server.close();
    }

    /** The client the reconciler under test calls the fake worker with; closed after each test. */
    private ConnectClusterClient worker;

    private void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getQuery();
        byte[] request = exchange.getRequestBody().readAllBytes();
        if ("POST".equals(method) && "/connectors".equals(path)) {
            createArrived.countDown();
            try {
                createsHeld.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            created.put(JSON.readTree(request).path("name").asText(), true);
            FakeWorker.send(exchange, 201, "{}");
        } else if ("GET".equals(method) && "/connectors".equals(path) && query != null && query.contains("expand=info")) {
            passArrived.countDown();
            try {
                passHeld.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FakeWorker.send(exchange, 200, "{}");
        } else if ("GET".equals(method) && "/connectors".equals(path) && query != null && query.contains("expand=status")) {
            listReads.incrementAndGet();
            sleep(LIST_MILLIS);
            StringBuilder body = new StringBuilder("{");
            for (int i = 0; i < CONNECTORS; i++) {
                body.append(i == 0 ? "" : ",").append('"').append(name(i)).append("\":{\"status\":").append(status(name(i))).append('}');
            }
            FakeWorker.send(exchange, 200, body.append('}').toString());
        } else if ("GET".equals(method) && path.endsWith("/status")) {
            statusReads.incrementAndGet();
            FakeWorker.send(exchange, 200, status(path.split("/")[2]));
        } else if ("GET".equals(method) && path.endsWith("/config")) {
            FakeWorker.send(exchange, 200, "{\"connector.class\":\"FileStreamSource\"}");
        } else {
            FakeWorker.send(exchange, 200, "{}");
        }
    }

    private static String status(String name) {
        return "{\"name\":\"" + name + "\",\"connector\":{\"state\":\"UNASSIGNED\",\"worker_id\":\"w\"},\"tasks\":[],\"type\":\"source\"}";
    }


    private static String name(int i) {
        return "c" + i;
    }

    private static ConnectorState state(String name) {
        return ConnectorState.newBuilder()
                .setCluster("default")
                .setName(name)
                .setConfig(Map.of("connector.class", "FileStreamSource"))
                .setTargetState(TargetState.RUNNING)
                .setVersion(1)
                .setCreatedAt(1)
                .setUpdatedAt(1)
                .setLastCommandId("create-" + name)
                .build();
    }

    private final Map<String, ConnectorState> desired = new LinkedHashMap<>();

    /** Reads of every connector's desired state, and of one connector's (each a round trip to Kafka in a replica). */
    private final AtomicInteger everyDesiredRead = new AtomicInteger();
    private final AtomicInteger oneDesiredRead = new AtomicInteger();

    /** The state each connector was last reported in, by name. */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    /** A reconciler of {@link #CONNECTORS} connectors on the fake worker. */
    private Reconciler reconciler() {
        return reconciler(Clock.systemUTC());
    }

    /** A reconciler of {@link #CONNECTORS} connectors on the fake worker, on {@code clock}. */
    private Reconciler reconciler(Clock clock) {
        for (int i = 0; i < CONNECTORS; i++) {
            desired.put(name(i), state(name(i)));
        }
        worker = server.client();
        DesiredConnectors read = DesiredConnectors.byName(() -> {
            everyDesiredRead.incrementAndGet();
            return List.copyOf(desired.values());
        }, name -> {
            oneDesiredRead.incrementAndGet();
            return Optional.ofNullable(desired.get(name));
        });
        return new Reconciler("default", worker, read, UnaryOperator.identity(),
                Reconciler.Reports.to(observation -> reported.put(observation.getConnector(), observation.getState())), clock);
    }

    /** Offers every connector as just decided and waits until the created ones are watched. */
    private ReactiveReconciler createdAndWatched(Reconciler reconciler) throws InterruptedException {
        return createdAndWatched(reconciler, ReactiveReconciler.WATCH_TICK_MS);
    }

    private ReactiveReconciler createdAndWatched(Reconciler reconciler, long watchTickMs) throws InterruptedException {
        ReactiveReconciler reactive = new ReactiveReconciler("default", reconciler, watchTickMs).start();
        reactive.active(true);
        desired.forEach((name, state) -> reactive.offer(name, Desired.decided(Optional.of(state))));
        long deadline = System.currentTimeMillis() + 10_000;
        while (reactive.watchedCount() < CONNECTORS && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        return reactive;
    }

    /** Waits (10 s at most) until only the half the status topic does not show RUNNING is watched. */
    private static void awaitHalfSettled(ReactiveReconciler reactive) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (reactive.watchedCount() > CONNECTORS / 2 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(CONNECTORS / 2, reactive.watchedCount(), "the connectors the topic shows RUNNING are settled");
    }

    /** The status topic, as the feed reads it, shows the first half of the connectors and their tasks RUNNING; answers their names. */
    private static Set<String> firstHalfRunning(WorkerStatusFeed feed) {
        byte[] running = "{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w:8083\",\"generation\":1}"
                .getBytes(StandardCharsets.UTF_8);
        Set<String> started = new HashSet<>();
        for (int i = 0; i < CONNECTORS / 2; i++) {
            feed.read(WorkerStatusFeed.CONNECTOR_PREFIX + name(i), running);
            feed.read(WorkerStatusFeed.TASK_PREFIX + name(i) + "-0", running);
            started.add(name(i));
        }
        return started;
    }

    @Test
    void theWorkersListIsReadAtABoundedShareOfItsTime() throws Exception {
        Reconciler reconciler = reconciler();
        try (ReactiveReconciler reactive = createdAndWatched(reconciler)) {
            assertEquals(CONNECTORS, reactive.watchedCount(), "every created connector is watched until it runs");
            assertEquals(CONNECTORS, created.size());

            // Asked to look every 20 ms for at least 2 s (longer while no read has happened, on a
            // loaded machine): without pacing that is a list read every 120 ms.
            listReads.set(0);
            long began = System.nanoTime();
            long elapsedMs = 0;
            while (elapsedMs < 2_000 || (listReads.get() == 0 && elapsedMs < 20_000)) {
                reactive.checkWatched();
                Thread.sleep(20);
                elapsedMs = (System.nanoTime() - began) / 1_000_000;
            }
            int reads = listReads.get();
            // Each read of 100 ms is followed by at least 400 ms without one: at most one per 500 ms.
            assertTrue(reads >= 1 && reads <= elapsedMs / 500 + 1, "list reads in " + elapsedMs + " ms: " + reads);
        }
    }

    /**
     * With the worker's status topic read, watching asks the worker nothing: the connectors the
     * topic shows RUNNING are settled, the others stay watched, and neither the list nor a single
     * status is read from the worker's REST API.
     */
    @Test
    void withItsStatusTopicTheWorkerIsNotAskedForStatuses() throws Exception {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        Reconciler reconciler = reconciler();
        reconciler.readStatusesFrom(feed);
        try (ReactiveReconciler reactive = createdAndWatched(reconciler)) {
            assertEquals(CONNECTORS, created.size());
            firstHalfRunning(feed);
            // Asked to look every 20 ms for 2 s, as in the test above.
            listReads.set(0);
            statusReads.set(0);
            long began = System.nanoTime();
            while (System.nanoTime() - began < 2_000_000_000L) {
                reactive.checkWatched();
                Thread.sleep(20);
            }
            assertEquals(0, listReads.get(), "list reads");
            assertEquals(0, statusReads.get(), "single status reads");
            assertEquals(CONNECTORS / 2, reactive.watchedCount(), "the connectors the topic shows RUNNING are settled");
        }
    }

    /**
     * A status change the worker's status topic shows is reported when the feed tells the watcher,
     * not on its next look at every watched connector: here those looks are a minute apart, so only
     * being told can report the connectors in time. The others stay watched. Each read of the desired
     * state waits for a round trip to Kafka in a replica, so the look at these ten reads every
     * connector's desired state once, not each one's in turn (with 500 connectors, that held their
     * statuses back until the next full pass).
     */
    @Test
    void aWatchedConnectorIsLookedAtAsSoonAsTheTopicShowsItsChange() throws Exception {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        Reconciler reconciler = reconciler();
        reconciler.readStatusesFrom(feed);
        try (ReactiveReconciler reactive = createdAndWatched(reconciler, 60_000)) {
            assertEquals(CONNECTORS, reactive.watchedCount());
            Set<String> started = firstHalfRunning(feed);
            everyDesiredRead.set(0);
            oneDesiredRead.set(0);
            reactive.statusesChanged(started);

            awaitHalfSettled(reactive);
            for (String name : started) {
                assertEquals("RUNNING", reported.get(name), "reported RUNNING: " + name);
            }
            assertEquals(0, listReads.get() + statusReads.get(), "the worker was not asked");
            assertEquals(0, oneDesiredRead.get(), "reads of one connector's desired state");
            assertEquals(1, everyDesiredRead.get(), "reads of every connector's desired state");
        }
    }

    /**
     * A full pass waits on the worker's list for as long as the worker takes (behind a burst of
     * creates, seconds). Meanwhile the status topic shows connectors RUNNING: the watcher, on its
     * own thread, must report them and stop watching them without waiting for the pass, and
     * without anyone asking it to look.
     */
    @Test
    void statusesAreReportedWhileAFullPassWaitsOnTheWorker() throws Exception {
        WorkerStatusFeed feed = WorkerStatusFeed.detached();
        Reconciler reconciler = reconciler();
        reconciler.readStatusesFrom(feed);
        passHeld = new CountDownLatch(1);
        try (ReactiveReconciler reactive = createdAndWatched(reconciler)) {
            assertEquals(CONNECTORS, reactive.watchedCount());
            Thread pass = new Thread(reconciler::reconcile, "full-pass");
            pass.start();
            assertTrue(passArrived.await(10, TimeUnit.SECONDS), "the full pass reached the worker");

            Set<String> started = firstHalfRunning(feed);

            long deadline = System.currentTimeMillis() + 5_000;
            while (reactive.watchedCount() > CONNECTORS / 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(pass.isAlive(), "the full pass still waits on the worker");
            assertEquals(CONNECTORS / 2, reactive.watchedCount(), "the connectors the topic shows RUNNING are settled");
            for (String name : started) {
                assertEquals("RUNNING", reported.get(name), "reported RUNNING: " + name);
            }
            passHeld.countDown();
            pass.join(10_000);
        }
    }

    /**
     * A create the worker holds for longer than {@link Reconciler#BUSY_MS} completes no change and
     * starts no watch; the full pass must still count the worker as busy, or its list with configs
     * queues behind the creates on the worker and holds the watcher that reports what starts. The
     * reconciler's clock is the test's: the hold outlasts BUSY_MS by moving it, not by waiting.
     */
    @Test
    void aCreateTheWorkerHoldsKeepsTheFullPassWaiting() throws Exception {
        createsHeld = new CountDownLatch(1);
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        Reconciler reconciler = reconciler(new SettableClock(now));
        try (ReactiveReconciler reactive = new ReactiveReconciler("default", reconciler).start()) {
            reactive.active(true);
            assertFalse(ReconcilerLoop.workerBusy(reconciler, reactive, System.currentTimeMillis()), "idle at first");
            reactive.offer(name(0), Desired.decided(Optional.of(desired.get(name(0)))));
            assertTrue(createArrived.await(10, TimeUnit.SECONDS), "the create reached the worker");
            now.addAndGet(Reconciler.BUSY_MS + 500);
            assertTrue(ReconcilerLoop.workerBusy(reconciler, reactive, System.currentTimeMillis()),
                    "a create held by the worker for longer than BUSY_MS");
            createsHeld.countDown();
            long deadline = System.currentTimeMillis() + 10_000;
            while (reactive.watchedCount() < 1 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, created.size());
            assertTrue(reconciler.busyWithin(Reconciler.BUSY_MS), "the create just carried out is a change within BUSY_MS");
            // Once carried out, the create stops counting after BUSY_MS (the clock moved on; the rest waited for,
            // with room for a loaded machine).
            now.addAndGet(Reconciler.BUSY_MS);
            long settle = System.currentTimeMillis() + 10_000;
            while (ReconcilerLoop.workerBusy(reconciler, reactive, System.currentTimeMillis() + ReconcilerLoop.STARTING_MS)
                    && System.currentTimeMillis() < settle) {
                Thread.sleep(50);
            }
            long later = System.currentTimeMillis() + ReconcilerLoop.STARTING_MS + Reconciler.BUSY_MS;
            assertFalse(ReconcilerLoop.workerBusy(reconciler, reactive, later),
                    "once the create is carried out and the worker had time to start it, the pass may run");
        }
    }

    @Test
    void aSlowOrFailedReadPausesTheWatcherForFiveSecondsAtMost() {
        assertEquals(400_000_000L, ReactiveReconciler.listPauseNanos(100_000_000L));
        assertEquals(5_000_000_000L, ReactiveReconciler.listPauseNanos(30_000_000_000L), "a read that timed out after 30 s");
        assertEquals(0L, ReactiveReconciler.listPauseNanos(0L));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
