package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reactive reconciler's threads run only on the replica that holds the cluster's lease: none
 * before it is taken, all of them once it is, none once it is lost; and a lease lost and taken
 * again while a connector is being carried out never makes more than {@link ReactiveReconciler#THREADS}
 * workers and one watcher. Against a fake worker whose creates wait for the test.
 */
class LeaseThreadsTest {
    private static final int ALL = ReactiveReconciler.THREADS + 1;

    private FakeWorker server;
    private ConnectClusterClient worker;
    private final CountDownLatch createArrived = new CountDownLatch(1);
    private final CountDownLatch createHeld = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = new FakeWorker(4, this::answer);
        worker = server.client();
    }

    @AfterEach
    void stop() {
        createHeld.countDown();
        worker.close();
        server.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        if ("POST".equals(exchange.getRequestMethod())) {
            createArrived.countDown();
            try {
                createHeld.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FakeWorker.send(exchange, 201, "{}");
        } else if (exchange.getRequestURI().getPath().endsWith("/status")) {
            FakeWorker.send(exchange, 404, "{\"error_code\":404,\"message\":\"not found\"}");
        } else {
            FakeWorker.send(exchange, 200, "{}");
        }
    }

    private Reconciler reconciler(Map<String, ConnectorState> desired) {
        return new Reconciler("lease-threads", worker,
                DesiredConnectors.byName(() -> List.copyOf(desired.values()), name -> Optional.ofNullable(desired.get(name))),
                UnaryOperator.identity(), Reconciler.Reports.to(observation -> { }), Clock.systemUTC());
    }

    /** Threads of the cluster alive in this JVM, by name. */
    private static long namedThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("switchboard-reconcile-lease-threads-")
                        || t.getName().equals("switchboard-watch-lease-threads"))
                .count();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void threadsRunOnlyWhileTheLeaseIsHeld() throws Exception {
        try (ReactiveReconciler reactive = new ReactiveReconciler("lease-threads", reconciler(Map.of())).start()) {
            assertEquals(0, namedThreads(), "threads of a replica that does not hold the lease");
            reactive.active(true);
            assertEquals(ALL, namedThreads(), "threads once the lease is taken");
            reactive.active(false);
            await("every thread to end once the lease is lost (" + namedThreads() + " left)", () -> namedThreads() == 0);
            reactive.active(true);
            assertEquals(ALL, namedThreads(), "threads once the lease is taken again");
        }
        await("every thread to end once closed", () -> namedThreads() == 0);
    }

    @Test
    void aLeaseTakenAgainWhileAConnectorIsCarriedOutStartsNoThreadTooMany() throws Exception {
        ConnectorState state = ConnectorState.newBuilder().setCluster("default").setName("held")
                .setConfig(Map.of("connector.class", "FileStreamSource")).setTargetState(TargetState.RUNNING)
                .setVersion(1).setCreatedAt(1).setUpdatedAt(1).setLastCommandId("create-held").build();
        try (ReactiveReconciler reactive = new ReactiveReconciler("lease-threads", reconciler(Map.of("held", state))).start()) {
            reactive.active(true);
            reactive.offer("held", Desired.decided(Optional.of(state)));
            assertTrue(createArrived.await(10, TimeUnit.SECONDS), "the create reached the worker");
            reactive.active(false);
            await("the idle threads to end (" + namedThreads() + " left)", () -> namedThreads() == 1);
            reactive.active(true);
            assertEquals(ALL, namedThreads(), "the worker still carrying out the create is one of THREADS");
            createHeld.countDown();
            await("the create to be carried out", () -> !reactive.busy());
            assertEquals(ALL, namedThreads(), "threads after the create was answered");
        }
    }
}
