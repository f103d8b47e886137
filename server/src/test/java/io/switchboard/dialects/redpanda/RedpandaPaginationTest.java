package io.switchboard.dialects.redpanda;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Http;
import io.switchboard.unit.UnitApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redpanda's paginated connector list over a few hundred connectors: every connector that exists
 * throughout is listed exactly once across the pages, in name order, while others are created and
 * deleted between page requests. Over the core in memory ({@link UnitApi}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedpandaPaginationTest {
    private static final String CONNECTORS = "/v1/kafka-connect/clusters/default/connectors";
    private static final int COUNT = 300;
    private UnitApi api;

    @BeforeAll
    void start() throws Exception {
        api = new UnitApi(UnitApi.Security.NONE);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Integer>> creates = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                String name = String.format("kept-%03d", i);
                creates.add(CompletableFuture.supplyAsync(() -> create(name), pool));
            }
            creates.forEach(c -> assertEquals(201, c.join()));
        } finally {
            pool.shutdown();
        }
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private int create(String name) {
        return Http.call(api.url(), "POST", CONNECTORS, Http.json(Map.of("name", name,
                "config", Map.of("connector.class", "FileStreamSource", "topic", "t", "file", "/tmp/" + name)))).status();
    }

    @Test
    void everyConnectorOnceAcrossPagesWhileOthersComeAndGo() {
        List<String> seen = new ArrayList<>();
        String token = "";
        int pages = 0;
        int churn = 0;
        do {
            JsonNode page = Http.call(api.url(), "GET", CONNECTORS + "?page_size=37" + (token.isEmpty() ? "" : "&page_token=" + token), null).json();
            page.path("connectors").forEach(c -> seen.add(c.path("name").asText()));
            token = page.path("next_page_token").asText();
            pages++;
            // Between pages: a connector before the cursor and one after it come, and one goes.
            assertEquals(201, create("aaa-churn-" + churn));
            assertEquals(201, create("zzz-churn-" + churn));
            if (churn > 0) {
                assertEquals(204, Http.call(api.url(), "DELETE", CONNECTORS + "/zzz-churn-" + (churn - 1), null).status());
            }
            churn++;
        } while (!token.isEmpty() && pages < 100);

        List<String> kept = seen.stream().filter(n -> n.startsWith("kept-")).toList();
        assertEquals(COUNT, kept.size(), "each kept connector once: " + kept.size());
        assertEquals(COUNT, new HashSet<>(kept).size());
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        assertEquals(sorted, seen, "in name order");
        assertTrue(pages >= COUNT / 37, "pages: " + pages);

        JsonNode all = Http.call(api.url(), "GET", CONNECTORS + "?page_size=-1", null).json();
        Set<String> everything = new HashSet<>();
        all.path("connectors").forEach(c -> everything.add(c.path("name").asText()));
        assertEquals("", all.path("next_page_token").asText());
        assertTrue(everything.size() >= COUNT + churn, "page_size=-1 lists all: " + everything.size());
        JsonNode first = Http.call(api.url(), "GET", CONNECTORS, null).json();
        assertEquals(100, first.path("connectors").size(), "100 by default");
    }
}
