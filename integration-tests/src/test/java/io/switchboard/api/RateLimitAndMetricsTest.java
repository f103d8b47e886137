package io.switchboard.api;

import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --rate-limit over real HTTP (429 with the headers, in each dialect's shape) and GET /metrics moving. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitAndMetricsTest {
    private static final Pattern CONNECTORS_COUNT = Pattern.compile(
            "switchboard_http_requests_seconds_count\\{dialect=\"/\",method=\"GET\",route=\"/connectors\",status=\"200\",?\\} ([0-9.E]+)");
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = new SwitchboardFixture(options -> options.flags("--rate-limit", "20/60"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    private double count(String metrics) {
        Matcher m = CONNECTORS_COUNT.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void metricsMoveAndABurstPastTheLimitIs429() {
        Http.Response first = Http.get(fx.app.url(), "/metrics");
        assertEquals(200, first.status());
        assertTrue(first.body().contains("kafka_stream"), "Kafka Streams' own metrics");
        assertTrue(first.body().contains("jvm_memory_used_bytes"));
        double before = count(first.body());
        Http.Response list = Http.get(fx.app.url(), "/connectors");
        assertEquals(200, list.status());
        assertEquals("20", list.header("X-RateLimit-Limit"));
        assertNotNull(list.header("X-RateLimit-Remaining"));
        assertNotNull(list.header("X-RateLimit-Reset"));
        Http.Response second = Http.get(fx.app.url(), "/metrics");
        assertTrue(count(second.body()) >= before + 1, "the request count moved: " + before + " -> " + count(second.body()));
        assertTrue(second.body().contains("switchboard_http_requests_seconds_bucket"), "a latency histogram");

        assertEquals(201, Http.call(fx.app.url(), "POST", "/connectors", Http.json(Map.of("name", "metered", "config",
                Map.of("connector.class", "FileStreamSource", "file", "/tmp/switchboard-test-files/metered", "topic", "t"), "initial_state", "PAUSED")),
                Map.of()).status());
        String third = Http.get(fx.app.url(), "/metrics").body();
        assertTrue(third.contains("switchboard_decisions_seconds_count{outcome=\"CREATED\"") , "decision latency");
        assertTrue(third.contains("switchboard_connectors{cluster=\"default\",kind=\"desired\",state=\"PAUSED\"} 1.0"), "connectors by state");
        assertTrue(third.contains("kafka_consumer"), "the decisions consumer's metrics");

        int status = 200;
        for (int i = 0; i < 30 && status != 429; i++) {
            status = Http.get(fx.app.url(), "/connectors").status();
        }
        assertEquals(429, status);
        Http.Response limited = Http.get(fx.app.url(), "/connectors");
        assertEquals(429, limited.json().path("error_code").asInt());
        assertNotNull(limited.header("Retry-After"));
        assertEquals("0", limited.header("X-RateLimit-Remaining"));
        Http.Response redpanda = Http.call(fx.app.url(), "GET", "/v1/kafka-connect/clusters", null, Map.of());
        assertEquals(429, redpanda.status());
        assertEquals("RESOURCE_EXHAUSTED", redpanda.json().path("code").asText());
        assertEquals(200, Http.get(fx.app.url(), "/health").status(), "health is not limited");
    }
}
