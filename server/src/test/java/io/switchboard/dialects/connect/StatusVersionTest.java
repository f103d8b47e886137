package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.Views;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A status's {@code version} in the Kafka Connect dialect, field for field as a Kafka Connect 4.3.1
 * worker writes its {@code ConnectorStateInfo}: the version the worker reported, as it reported it
 * (an empty one too), and none for "undefined", a plugin's that states no version.
 */
class StatusVersionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String status(String version) throws Exception {
        Views.StatusView view = new Views.StatusView("c", "RUNNING", "w:8083", null, version,
                List.of(new Views.TaskStatusView(0, "RUNNING", "w:8083", null, version)), "source", null, null, null, null);
        return JSON.writeValueAsString(Entities.status(view));
    }

    @Test
    void theVersionIsShownAsTheWorkerReportsIt() throws Exception {
        assertEquals("{\"name\":\"c\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"w:8083\",\"version\":\"2.0.0\"},"
                + "\"tasks\":[{\"id\":0,\"state\":\"RUNNING\",\"worker_id\":\"w:8083\",\"version\":\"2.0.0\"}],\"type\":\"source\"}",
                status("2.0.0"));
        assertEquals("{\"name\":\"c\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"w:8083\",\"version\":\"\"},"
                + "\"tasks\":[{\"id\":0,\"state\":\"RUNNING\",\"worker_id\":\"w:8083\",\"version\":\"\"}],\"type\":\"source\"}",
                status(""));
    }

    @Test
    void undefinedAndUnreportedVersionsAreLeftOut() throws Exception {
        String none = "{\"name\":\"c\",\"connector\":{\"state\":\"RUNNING\",\"worker_id\":\"w:8083\"},"
                + "\"tasks\":[{\"id\":0,\"state\":\"RUNNING\",\"worker_id\":\"w:8083\"}],\"type\":\"source\"}";
        assertEquals(none, status("undefined"));
        assertEquals(none, status(null));
    }
}
