package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.events.EventsResource;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each {@code /events} client holds a thread and a Kafka consumer, so a replica serves a bounded
 * number at once: the next one is answered 503 with Retry-After, and those already open go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamBoundTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.plain();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void streamsPastTheCapAreRefusedAndTheOthersStillStream() throws Exception {
        String events = fx.app.url() + "/events?connector=bounded";
        List<SseReader> open = new ArrayList<>();
        try {
            for (int i = 0; i < EventsResource.MAX_STREAMS; i++) {
                SseReader reader = new SseReader(events, Map.of());
                open.add(reader);
                assertEquals(200, reader.response.statusCode());
            }
            for (SseReader reader : open) {
                reader.awaitStarted();
            }

            HttpResponse<InputStream> extra = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(events))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = extra.body()) {
                assertEquals(503, extra.statusCode());
                assertNotNull(extra.headers().firstValue("Retry-After").orElse(null));
                JsonNode error = Http.JSON.readTree(body);
                assertEquals(503, error.get("error_code").asInt(), error.toString());
                assertTrue(error.get("message").asText().contains(EventsResource.MAX_STREAMS + " event streams"), error.toString());
            }

            Map<String, Object> config = Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector",
                    "file", "/dev/null", "topic", "bounded-lines");
            assertEquals(201, fx.call("POST", "/connectors", Http.json(Map.of("name", "bounded", "config", config))).status());
            for (SseReader reader : open) {
                assertEquals("ConnectorCreated", reader.next().event());
            }

            // A client that leaves frees its place for another.
            open.remove(0).close();
            SseReader again = Await.atMost(Duration.ofSeconds(30)).until("a place freed for another stream (200)", () -> {
                SseReader reader = new SseReader(events, Map.of());
                if (reader.response.statusCode() != 200) {
                    reader.close();
                }
                return reader;
            }, reader -> reader.response.statusCode() == 200);
            open.add(again);
            again.awaitStarted();
        } finally {
            open.forEach(SseReader::close);
        }
    }
}
