package io.switchboard.http;

import io.switchboard.testing.HostileAnswers;

import java.io.IOException;
import java.util.List;

/**
 * Hostile requests to a sink's lag in the console ({@code /console/clusters/{cluster}/connectors/{name}/lag}):
 * a connector that is not there, a cluster that is not there, and names
 * with odd characters and encodings (percent-encoded slashes and dots, NUL, bad escapes, other scripts,
 * markup, a name of 10,000 characters), and a cluster with a slash in it (on the connector's other console
 * routes too). Each is a 4xx, as the console's problem
 * ({@code {"title", "status", "detail"}}), never a 5xx nor a sparkline.
 */
final class HostileLagRequests {
    private HostileLagRequests() {
    }

    /**
     * @param source the name of a connector that exists on cluster default (that a source connector's
     *               lag is refused needs the worker to tell its type: HostileWorkerRoutesTest)
     */
    static void send(HostileAnswers answers, String source) throws IOException {
        String base = "/console/clusters/default/connectors/";
        answers.expect(404, "GET", base + "ghost/lag", null);
        answers.expect(404, "GET", "/console/clusters/nowhere/connectors/" + source + "/lag", null);
        answers.expect(404, "GET", base + "%C3%A9t%C3%A9%20%F0%9F%98%80/lag", null);
        answers.expect(404, "GET", base + "%3Cscript%3Ealert(1)%3C%2Fscript%3E/lag", null);
        for (String name : List.of(source + "%2F..%2Fghost", "..%2F" + source, "%2e%2e", "%2E", source + "%00", "%00", "%zz", "%",
                "%C0%AF", "%FF%FE", source + "%3Bx=1", source + ";x=1", "a%2Fb", "%5C..%5C", "x".repeat(10_000), "%20",
                "$%7Benv:HOME%7D")) {
            answers.expectError("GET", base + name + "/lag", null);
        }
        for (String path : List.of("/console/clusters/%2e%2e/connectors/" + source + "/lag", "/console/clusters/%00/connectors/ghost/lag",
                "/console/clusters/default%2F..%2Fprod/connectors/" + source + "/lag", base + source + "/lag/..", base + source + "/lag%00",
                base + source + "/lag/extra")) {
            answers.expectError("GET", path, null);
        }
        // A slash smuggled into the cluster is no cluster, on the connector's other console routes too.
        for (String route : List.of("", "/status", "/health", "/timeline", "/offsets")) {
            answers.expect(404, "GET", "/console/clusters/default%2F..%2Fdefault/connectors/" + source + route, null);
        }
    }
}
