package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.AvroTrust;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.PipelinePhaseChanged;
import io.switchboard.schemas.ReconcileFailed;
import io.switchboard.secrets.Redactor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a worker wrote, as an event shows it: whole to those who see values, shaped as the status routes shape it to viewers. */
class LifecycleViewsTest {
    private static final String TRACE = "org.apache.kafka.connect.errors.ConnectException: Couldn't find or create file '/data/orders.txt'";
    private final LifecycleViews views = new LifecycleViews(Redactor.DEFAULT, key -> key.equals(new ConnectorKey("default", "orders"))
            ? Optional.of(Map.of("file", "/data/orders.txt", "name", "orders")) : Optional.empty());

    @BeforeAll
    static void trustTheGeneratedClasses() {
        AvroTrust.install();
    }

    private static LifecycleEvent event(String connector, Object payload) {
        return LifecycleEvent.newBuilder().setCommandId("c-1").setCluster("default").setConnector(connector).setVersion(1)
                .setOccurredAt(0).setEvent(payload).build();
    }

    private static String trace(LifecycleEvent event) {
        return ((ConnectorStatusChanged) event.getEvent()).getTrace();
    }

    @Test
    void aViewerReadsATraceWithTheConnectorsConfigValuesMasked() {
        LifecycleEvent failed = event("orders", ConnectorStatusChanged.newBuilder().setCurrent("FAILED").setTrace(TRACE).build());
        assertEquals(TRACE, trace(views.shape(failed, Visibility.FULL)));
        String shown = trace(views.shape(failed, Visibility.KEYS_ONLY));
        assertFalse(shown.contains("/data/orders.txt"), shown);
        assertTrue(shown.contains("Couldn't find or create file '" + Redactor.MASK + "'"), shown);

        LifecycleEvent refused = event("orders", ReconcileFailed.newBuilder().setDesired("RUNNING").setObserved("ABSENT")
                .setAttempts(1).setError("the worker refused: file /data/orders.txt").build());
        assertFalse(((ReconcileFailed) views.shape(refused, Visibility.KEYS_ONLY).getEvent()).getError().contains("/data/orders.txt"));
    }

    @Test
    void aTextWhoseConnectorsConfigCannotBeReadIsMaskedWhole() {
        LifecycleEvent gone = event("gone", ConnectorStatusChanged.newBuilder().setCurrent("FAILED").setTrace(TRACE).build());
        assertEquals(Redactor.MASK, trace(views.shape(gone, Visibility.KEYS_ONLY)));
        LifecycleEvent unreadable = event("orders", ConnectorStatusChanged.newBuilder().setCurrent("FAILED").setTrace(TRACE).build());
        LifecycleViews failing = new LifecycleViews(Redactor.DEFAULT, key -> {
            throw new StoreUnavailableException("loading", null);
        });
        assertEquals(Redactor.MASK, trace(failing.shape(unreadable, Visibility.KEYS_ONLY)));
        LifecycleEvent running = event("gone", ConnectorStatusChanged.newBuilder().setCurrent("RUNNING").build());
        assertEquals(null, trace(views.shape(running, Visibility.KEYS_ONLY)));
    }

    @Test
    void aPipelinePhasesCauseIsMaskedWholeForAViewer() {
        LifecycleEvent phase = event("orders", PipelinePhaseChanged.newBuilder().setPipeline("p").setPhase("failed")
                .setCause("sink: password authentication failed for user \"lake\"").build());
        assertEquals(Redactor.MASK, ((PipelinePhaseChanged) views.shape(phase, Visibility.KEYS_ONLY).getEvent()).getCause());
        assertTrue(((PipelinePhaseChanged) views.shape(phase, Visibility.FULL).getEvent()).getCause().contains("lake"));
    }
}
