package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.dataplane.ReconcileAction.PutConfig;
import io.switchboard.dataplane.ReconcileAction.SetTargetState;
import io.switchboard.dataplane.ReconcileExecutor.Executed;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Pauses, resumes and stops reach a worker at most {@link ReconcileExecutor#TARGET_STATE_CALLS_AT_ONCE} at a
 * time, however many of the reconciler's threads carry them out; config puts are not held to it. The
 * worker is a plain HTTP server that takes each call for 100 ms and counts the calls it holds at once.
 */
class TargetStateCallsTest {
    private static final int CALLERS = 12;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger most = new AtomicInteger();
    private FakeWorker server;
    private ConnectClusterClient worker;
    private ReconcileExecutor executor;
    private ExecutorService callers;

    @BeforeEach
    void start() throws IOException {
        server = new FakeWorker(CALLERS + 4, this::answer);
        worker = server.client();
        executor = new ReconcileExecutor("default", worker, new SettableClock(new AtomicLong(1_700_000_000_000L)), name -> Optional.empty());
        callers = Executors.newFixedThreadPool(CALLERS);
    }

    @AfterEach
    void stop() {
        callers.shutdownNow();
        worker.close();
        server.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
        FakeWorker.send(exchange, exchange.getRequestURI().getPath().endsWith("/config") ? 200 : 202, "{}");
    }

    @Test
    void pausesResumesAndStopsFromManyThreadsReachTheWorkerFourAtATime() throws Exception {
        List<ReconcileAction> kinds = List.of(new SetTargetState(TargetState.PAUSED, null),
                new SetTargetState(TargetState.RUNNING, null), new SetTargetState(TargetState.STOPPED, null));
        List<Executed> done = carriedOut(i -> kinds.get(i % kinds.size()));

        done.forEach(each -> {
            assertNull(each.stopped());
            assertEquals(1, each.calls());
        });
        assertEquals(ReconcileExecutor.TARGET_STATE_CALLS_AT_ONCE, most.get(), "target-state calls the worker held at once");
    }

    @Test
    void configPutsAreNotHeldToThatBound() throws Exception {
        List<Executed> done = carriedOut(i -> new PutConfig(Map.of("connector.class", "FileStreamSource", "topic", "t" + i), null));

        done.forEach(each -> assertNull(each.stopped()));
        assertEquals(CALLERS, most.get(), "config puts the worker held at once");
    }

    private List<Executed> carriedOut(java.util.function.IntFunction<ReconcileAction> action) throws Exception {
        List<Future<Executed>> futures = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            int n = i;
            futures.add(callers.submit(() -> executor.execute("c" + n, List.of(action.apply(n)), new ConnectorMemory())));
        }
        List<Executed> done = new ArrayList<>();
        for (Future<Executed> each : futures) {
            done.add(each.get(30, TimeUnit.SECONDS));
        }
        return done;
    }
}
