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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pauses, resumes and stops reach a worker at most {@link TargetStateCalls#AT_MOST} at a time, however
 * many of the reconciler's threads carry them out, and more than {@link TargetStateCalls#AT_LEAST} while
 * its answers come as quickly with more in flight; config puts are not held to that bound. The worker
 * is a plain HTTP server that takes each call for a fixed time and counts the calls it holds at once.
 */
class TargetStateCallsTest {
    private static final int CALLERS = 32;
    /** How long the worker takes for each call, however many it holds. */
    private volatile long answerMillis = 100;

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
            Thread.sleep(answerMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
        FakeWorker.send(exchange, exchange.getRequestURI().getPath().endsWith("/config") ? 200 : 202, "{}");
    }

    @Test
    void aBurstOfPausesResumesAndStopsGoesFasterWhileTheWorkerAnswersAsQuickly() throws Exception {
        answerMillis = 20;
        List<ReconcileAction> kinds = List.of(new SetTargetState(TargetState.PAUSED, null),
                new SetTargetState(TargetState.RUNNING, null), new SetTargetState(TargetState.STOPPED, null));
        List<Executed> done = carriedOut(300, i -> kinds.get(i % kinds.size()));

        done.forEach(each -> {
            assertNull(each.stopped());
            assertEquals(1, each.calls());
        });
        assertTrue(most.get() <= TargetStateCalls.AT_MOST, "target-state calls the worker held at once: " + most.get());
        assertTrue(most.get() > TargetStateCalls.AT_LEAST, "the bound grew while answers came as quickly: " + most.get());
    }

    @Test
    void configPutsAreNotHeldToThatBound() throws Exception {
        // Long enough that every caller's put is held at once, on a loaded machine too.
        answerMillis = 1_000;
        List<Executed> done = carriedOut(CALLERS, i -> new PutConfig(Map.of("connector.class", "FileStreamSource", "topic", "t" + i), null));

        done.forEach(each -> assertNull(each.stopped()));
        assertTrue(most.get() > TargetStateCalls.AT_MOST, "config puts the worker held at once: " + most.get());
    }

    private List<Executed> carriedOut(int calls, java.util.function.IntFunction<ReconcileAction> action) throws Exception {
        List<Future<Executed>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
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
