package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkerRequestCountsTest {

    @Test
    void namesArePutAsideSoThatRequestsOfOneKindAreCountedTogether() {
        assertEquals("PUT /connectors/{name}/pause", WorkerRequestCounts.kindOf("PUT", "/connectors/orders%2Fv1/pause"));
        assertEquals("POST /connectors/{name}/tasks/{task}/restart",
                WorkerRequestCounts.kindOf("POST", "/connectors/orders/tasks/3/restart?x=1"));
        assertEquals("PUT /connector-plugins/{plugin}/config/validate",
                WorkerRequestCounts.kindOf("PUT", "/connector-plugins/FileStreamSource/config/validate"));
        assertEquals("GET /connectors", WorkerRequestCounts.kindOf("GET", "/connectors?expand=status&expand=info"));
        assertEquals("GET /", WorkerRequestCounts.kindOf("GET", "/"));
    }

    @Test
    void countsEachKindAndTellsOfEachNewKindOnce() {
        WorkerRequestCounts counts = new WorkerRequestCounts();
        counts.record("PUT", "/connectors/a/pause");
        List<String> told = new ArrayList<>();
        counts.onNewKind(told::add);
        counts.record("PUT", "/connectors/b/pause");
        counts.record("DELETE", "/connectors/a");
        assertEquals(Map.of("PUT /connectors/{name}/pause", 2L, "DELETE /connectors/{name}", 1L), counts.snapshot());
        assertEquals(List.of("PUT /connectors/{name}/pause", "DELETE /connectors/{name}"), told);
    }

    /** Paths a caller chose (the calls passed through to the worker) cannot make the kinds grow without end. */
    @Test
    void pastTheLimitTheRestAreCountedTogether() {
        WorkerRequestCounts counts = new WorkerRequestCounts();
        for (int i = 0; i < 1_000; i++) {
            counts.record("GET", "/x" + i);
        }
        assertEquals(WorkerRequestCounts.MAX_KINDS + 1, counts.snapshot().size());
        assertEquals(1_000 - WorkerRequestCounts.MAX_KINDS, counts.count(WorkerRequestCounts.OTHER));
    }
}
