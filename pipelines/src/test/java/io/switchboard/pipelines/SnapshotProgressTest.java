package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot's progress folded from Debezium's initial snapshot notifications, as its sink channel writes them. */
class SnapshotProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode notification(String type, String data, long at) {
        try {
            return JSON.readTree("{\"id\": \"n\", \"aggregate_type\": \"Initial Snapshot\", \"type\": \"" + type
                    + "\", \"additional_data\": {\"connector_name\": \"pl_p1\"" + data + "}, \"timestamp\": " + at + "}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSnapshotIsFollowedTableByTableToItsEnd() {
        SnapshotProgress p = SnapshotProgress.after(null, notification("STARTED", "", 1));
        assertTrue(p.copying());
        p = SnapshotProgress.after(p, notification("IN_PROGRESS",
                ", \"current_collection_in_progress\": \"crm.public.big\", \"data_collections\": \"crm.public.big,crm.public.small\"", 2));
        assertEquals("crm.public.big", p.table());
        assertEquals(2, p.tables());
        p = SnapshotProgress.after(p, notification("TABLE_SCAN_COMPLETED", ", \"scanned_collection\": \"crm.public.big\","
                + " \"total_rows_scanned\": \"100000\", \"status\": \"SUCCEEDED\", \"data_collections\": \"crm.public.big,crm.public.small\"", 3));
        assertNull(p.table());
        assertEquals(100_000, p.rowsCopied());
        assertEquals(1, p.tablesCopied());
        p = SnapshotProgress.after(p, notification("IN_PROGRESS", ", \"current_collection_in_progress\": \"crm.public.small\"", 4));
        p = SnapshotProgress.after(p, notification("TABLE_SCAN_COMPLETED", ", \"scanned_collection\": \"crm.public.small\","
                + " \"total_rows_scanned\": \"2\", \"status\": \"SUCCEEDED\"", 5));
        assertTrue(p.copying(), "not over until the snapshot says so");
        p = SnapshotProgress.after(p, notification("COMPLETED", "", 6));
        assertFalse(p.copying());
        assertTrue(p.completed());
        assertEquals(100_002, p.rowsCopied());
        assertEquals(2, p.tablesCopied());
        assertEquals(6, p.at());

        SnapshotProgress again = SnapshotProgress.after(p, notification("STARTED", "", 7));
        assertEquals(0, again.rowsCopied(), "a new snapshot counts from nothing");
        assertTrue(again.copying());
    }

    @Test
    void aPipelinesHeartbeatTableIsNotCountedNorShownAsCopied() {
        SnapshotProgress p = SnapshotProgress.after(null, notification("STARTED", "", 1));
        String all = ", \"data_collections\": \"crm.public.big,crm.switchboard.sb_heartbeat_p1\"";
        SnapshotProgress heartbeat = SnapshotProgress.after(p, notification("IN_PROGRESS",
                ", \"current_collection_in_progress\": \"crm.switchboard.sb_heartbeat_p1\"" + all, 2));
        assertEquals(p, heartbeat);
        heartbeat = SnapshotProgress.after(heartbeat, notification("TABLE_SCAN_COMPLETED",
                ", \"scanned_collection\": \"crm.switchboard.sb_heartbeat_p1\", \"total_rows_scanned\": \"1\"" + all, 3));
        assertEquals(p, heartbeat);
        SnapshotProgress big = SnapshotProgress.after(heartbeat, notification("IN_PROGRESS",
                ", \"current_collection_in_progress\": \"crm.public.big\"" + all, 4));
        assertEquals(1, big.tables());
        assertEquals(0, big.tablesCopied());
        // Each pipeline captures its own heartbeat table and no other pipeline's.
        String others = HeartbeatTable.othersExcluded("p-1");
        assertTrue("switchboard.sb_heartbeat_p2".matches(others));
        assertFalse("switchboard.sb_heartbeat_p_1".matches(others));
        assertFalse("public.sb_heartbeat_p2".matches(others));
    }

    @Test
    void otherNotificationsChangeNothing() {
        SnapshotProgress p = SnapshotProgress.after(null, notification("STARTED", "", 1));
        JsonNode incremental = JSON.createObjectNode().put("aggregate_type", "Incremental Snapshot").put("type", "COMPLETED");
        assertEquals(p, SnapshotProgress.after(p, incremental));
    }

    @Test
    void theFeedReadsConnectsJsonEnvelopeAndSkipsWhatIsNotANotification() {
        SnapshotProgressFeedTestAccess feed = new SnapshotProgressFeedTestAccess();
        feed.accept("{\"schema\": {\"type\": \"struct\"}, \"payload\": " + notification("STARTED", "", 1) + "}");
        feed.accept("not json");
        feed.accept("{\"schema\": {}, \"payload\": {\"no\": \"connector\"}}");
        feed.accept("{\"schema\": {}, \"payload\": " + notification("IN_PROGRESS", ", \"current_collection_in_progress\": \"t\"", 2) + "}");
        assertEquals("t", feed.of("pl_p1").table());
        assertNull(feed.of("pl_other"));
    }

    /** The feed's decoding without its Kafka consumer. */
    private static final class SnapshotProgressFeedTestAccess {
        private final Map<String, SnapshotProgress> progress = new HashMap<>();

        void accept(String value) {
            SnapshotProgressFeed.decode(value.getBytes(StandardCharsets.UTF_8)).ifPresent(n -> progress.put(n.connector(),
                    SnapshotProgress.after(progress.get(n.connector()), n.payload())));
        }

        SnapshotProgress of(String connector) {
            return progress.get(connector);
        }
    }
}
