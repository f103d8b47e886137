package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A connector the worker refuses to create is tried again when its status says, on the watcher's
 * look, not only on the next full pass. The worker is a plain HTTP server that lists no connector
 * and refuses every create; the clock is the test's.
 */
class RetryPacingTest {
    private final AtomicInteger creates = new AtomicInteger();
    private final List<ConnectorObservation> reports = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new SettableClock(now);
    private final ConnectorState desired = ConnectorState.newBuilder().setCluster("default").setName("c1")
            .setConfig(Map.of("connector.class", "org.example.Missing")).setTargetState(TargetState.RUNNING)
            .setVersion(1).setCreatedAt(1).setUpdatedAt(1).setLastCommandId("cmd-1").build();
    private FakeWorker server;
    private ConnectClusterClient worker;

    @BeforeEach
    void start() throws IOException {
        server = new FakeWorker(2, this::answer);
        worker = server.client();
    }

    @AfterEach
    void stop() {
        worker.close();
        server.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        boolean create = "POST".equals(exchange.getRequestMethod()) && "/connectors".equals(exchange.getRequestURI().getPath());
        if (create) {
            creates.incrementAndGet();
        }
        String path = exchange.getRequestURI().getPath();
        if (create) {
            FakeWorker.send(exchange, 400, "{\"error_code\":400,\"message\":\"Failed to find any class that implements Connector: org.example.Missing\"}");
        } else {
            FakeWorker.send(exchange, path.equals("/connectors") ? 200 : 404,
                    path.equals("/connectors") ? "{}" : "{\"error_code\":404,\"message\":\"no\"}");
        }
    }

    @Test
    void aRefusedCreateIsTriedAgainOnTheWatchersLookOnceItsWaitIsOver() {
        Reconciler reconciler = new Reconciler("default", worker,
                DesiredConnectors.byName(() -> List.of(desired), name -> Optional.of(desired)),
                UnaryOperator.identity(), Reconciler.Reports.to(reports::add), clock);
        reconciler.reconcile();
        assertEquals(1, creates.get(), "the full pass tries it");

        now.addAndGet(500);
        reconciler.reconcile(new HashSet<>(Set.of("c1")));
        assertEquals(1, creates.get(), "not before its wait (1 s) is over");

        now.addAndGet(600);
        reconciler.reconcile(new HashSet<>(Set.of("c1")));
        assertEquals(2, creates.get(), "the watcher's look tries it again once the wait is over");
    }
}
