package io.switchboard.http;

import io.switchboard.testing.HostileAnswers;

import java.io.IOException;
import java.util.List;

/**
 * Hostile requests to the health routes ({@code /connectors/{name}/health}, {@code /health/connectors},
 * and the same under {@code /clusters/{cluster}}; the app's {@code /metrics/connectors} is
 * HostileWorkerRoutesTest's): bad and reversed
 * windows, windows as wide as an instant can say, bad numbers, unknown connectors and clusters, and
 * path tricks. Each is answered 4xx in Kafka Connect's format (or 200 where the request is good),
 * never 5xx.
 */
final class HostileHealthRequests {
    private HostileHealthRequests() {
    }

    static void send(HostileAnswers answers, String connector) throws IOException {
        for (String base : List.of("", "/clusters/default")) {
            String one = base + "/connectors/" + connector + "/health";
            String all = base + "/health/connectors";
            for (String query : List.of("from=yesterday", "to=%zz", "from=-1", "from=" + "9".repeat(100), "to=2026-13-01T00:00:00Z",
                    "from=2026-11-26T08:00:00Z&to=2026-11-26T08:00:00Z", "from=2026-11-26T09:00:00Z&to=2026-11-26T08:00:00Z",
                    "from=9999999999999999", "flap_window_s=0", "flap_window_s=-1", "flap_window_s=99999999999",
                    "flap_window_s=abc", "flap_window_s=")) {
                answers.expect(400, "GET", one + "?" + query, null);
                answers.expect(400, "GET", all + "?" + query, null);
            }
            for (String query : List.of("limit=0", "limit=501", "limit=-1", "limit=x", "limit=" + "9".repeat(30))) {
                answers.expect(400, "GET", all + "?" + query, null);
            }
            // Windows as wide as an instant can say, and windows far in the future or the past.
            for (String query : List.of("from=0", "from=0&to=" + Long.MAX_VALUE, "to=" + Long.MAX_VALUE,
                    "from=-1000000000-01-01T00:00:00Z", "from=-1000000000-01-01T00:00:00Z&to=+1000000000-12-31T23:59:59.999999999Z",
                    "from=1970-01-01T00:00:00Z&to=+1000000000-12-31T23:59:59.999999999Z", "from=3000-01-01T00:00:00Z&to=3000-01-02T00:00:00Z",
                    "flap_window_s=2147483647", "after=%00", "after=" + "z".repeat(5000), "from=%00", "expand=%zz")) {
                answers.expectNoServerError("GET", one + "?" + query, null);
                answers.expectNoServerError("GET", all + "?" + query, null);
            }
            answers.expect(404, "GET", base + "/connectors/ghost/health", null);
            answers.expect(404, "GET", base + "/connectors/ghost/health?from=0", null);
            for (String path : List.of("/connectors/" + connector + "%2F..%2Fghost/health", "/connectors/..%2F" + connector + "/health",
                    "/connectors/%2e%2e/health", "/connectors/" + connector + "/health/..", "/connectors/" + connector + "/health%00",
                    "/connectors/" + connector + "/health/extra", "/health/connectors/" + connector, "/health/connectors/..%2F..",
                    "/connectors/" + connector + "/health;x=1", "/connectors/" + "x".repeat(10_000) + "/health")) {
                answers.expectNoServerError("GET", base + path, null);
            }
        }
        answers.expect(404, "GET", "/clusters/nowhere/connectors/" + connector + "/health", null);
        answers.expect(404, "GET", "/clusters/nowhere/health/connectors", null);
        answers.expectError("GET", "/clusters/%2e%2e/health/connectors", null);
    }
}
