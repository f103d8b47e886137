package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A desired state read after the one that replaced it (the changelog, committed a moment after the
 * decision another thread was handed) is neither tried on the worker nor the start of a new failure:
 * the connector's failure begins once per change of its desired state, as its lifecycle events say.
 * The worker is a plain HTTP server that lists no connector and refuses every create.
 */
class StaleDesiredStateTest {
    private final AtomicInteger creates = new AtomicInteger();
    private final List<ConnectorObservation> reports = new CopyOnWriteArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new SettableClock(now);
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
        String path = exchange.getRequestURI().getPath();
        if ("POST".equals(exchange.getRequestMethod()) && "/connectors".equals(path)) {
            creates.incrementAndGet();
            FakeWorker.send(exchange, 400, "{\"error_code\":400,\"message\":\"Failed to find any class that implements Connector: org.example.Missing\"}");
        } else {
            FakeWorker.send(exchange, path.equals("/connectors") ? 200 : 404,
                    path.equals("/connectors") ? "{}" : "{\"error_code\":404,\"message\":\"no\"}");
        }
    }

    private static ConnectorState stopped(String commandId) {
        return ConnectorState.newBuilder().setCluster("default").setName("c1")
                .setConfig(Map.of("connector.class", "org.example.Missing")).setTargetState(TargetState.STOPPED)
                .setVersion(2).setCreatedAt(1).setUpdatedAt(2).setLastCommandId(commandId).build();
    }

    @Test
    void aDesiredStateReadAfterTheOneThatReplacedItIsNotTriedAndBeginsNoFailure() throws Exception {
        ConnectorState stop = stopped("stop");
        ConnectorState offsets = stopped("offsets");
        // What the changelog holds: the stop, until the offsets request is committed.
        AtomicReference<ConnectorState> changelog = new AtomicReference<>(stop);
        Reconciler reconciler = new Reconciler("default", worker,
                DesiredConnectors.byName(() -> List.of(changelog.get()), name -> Optional.of(changelog.get())),
                UnaryOperator.identity(), Reconciler.Reports.to(reports::add), clock);

        reconciler.reconcileConnector("c1", Desired.decided(Optional.of(stop)));
        now.addAndGet(10);
        reconciler.reconcileConnector("c1", Desired.decided(Optional.of(offsets)));
        now.addAndGet(10);
        // The watcher's look reads the changelog, which has not the offsets request yet, then has it.
        reconciler.reconcile(new HashSet<>(Set.of("c1")));
        now.addAndGet(10);
        changelog.set(offsets);
        reconciler.reconcile(new HashSet<>(Set.of("c1")));

        assertEquals(2, creates.get(), "tried once per desired state, the late read of the stop not again");
        List<Long> began = reports.stream().map(ConnectorObservation::getReconcileFailure).filter(Objects::nonNull)
                .map(ReconcileFailure::getFirstFailedAt).distinct().toList();
        assertEquals(List.of(1_000_000L, 1_000_010L), began, "when each failure the status showed began");
    }

    @Test
    void aReplacedDesiredStateStillReadLongAfterIsTried() throws Exception {
        ConnectorState stop = stopped("stop");
        ConnectorState offsets = stopped("offsets");
        Reconciler reconciler = new Reconciler("default", worker,
                DesiredConnectors.byName(() -> List.of(stop), name -> Optional.of(stop)),
                UnaryOperator.identity(), Reconciler.Reports.to(reports::add), clock);

        reconciler.reconcileConnector("c1", Desired.decided(Optional.of(stop)));
        now.addAndGet(10);
        reconciler.reconcileConnector("c1", Desired.decided(Optional.of(offsets)));
        // A decision that never reached the changelog: what it holds is what is desired, and is tried.
        now.addAndGet(ReconcileFailures.LATE_READ_MS);
        reconciler.reconcile(new HashSet<>(Set.of("c1")));

        assertEquals(3, creates.get(), "the stop tried again once it is no late read");
    }
}
