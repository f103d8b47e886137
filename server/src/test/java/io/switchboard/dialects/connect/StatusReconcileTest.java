package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.Views;
import io.switchboard.testing.ApiContract;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A status while the data plane cannot make the connector as desired carries Switchboard's
 * {@code reconcile} addition, which the Kafka Connect dialect's OpenAPI document allows: with the
 * next attempt's time and without it.
 */
class StatusReconcileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "http://status-reconcile";

    private static String status(Instant nextAttemptAt) throws Exception {
        Views.ReconcileView failing = new Views.ReconcileView("PAUSED", "UNASSIGNED", 1,
                "PUT /connectors/c/pause answered 404: Unknown connector c", Instant.parse("2026-11-29T18:02:27.136Z"), nextAttemptAt);
        Views.StatusView view = new Views.StatusView("c", "UNASSIGNED", "w:8083", null, null, List.of(), "unknown", null, null,
                failing, null);
        return JSON.writeValueAsString(Entities.status(view));
    }

    private static void meetsTheDocument(String body) {
        ApiContract.watch(BASE);
        for (String path : List.of("/connectors/c/status", "/clusters/default/connectors/c/status")) {
            ApiContract.check(BASE, "GET", path, 200, Map.of("Content-Type", List.of("application/json")), body);
        }
    }

    @Test
    void aStatusWithItsReconcileFailureMeetsTheDocument() throws Exception {
        String body = status(Instant.parse("2026-11-29T18:02:28.136Z"));
        JsonNode reconcile = JSON.readTree(body).path("reconcile");
        assertEquals("PAUSED", reconcile.path("desired").asText(), body);
        assertEquals("2026-11-29T18:02:28.136Z", reconcile.path("next_attempt_at").asText(), body);
        meetsTheDocument(body);
    }

    @Test
    void aStatusWhoseNextAttemptIsUnknownMeetsTheDocument() throws Exception {
        String body = status(null);
        assertFalse(JSON.readTree(body).path("reconcile").has("next_attempt_at"), body);
        meetsTheDocument(body);
    }
}
