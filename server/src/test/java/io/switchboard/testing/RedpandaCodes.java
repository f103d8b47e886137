package io.switchboard.testing;

import java.util.Map;
import java.util.Set;

/** The HTTP statuses gRPC-gateway answers each google.rpc code with (a few codes cover several). */
final class RedpandaCodes {
    private static final Map<String, Set<Integer>> STATUSES = Map.ofEntries(
            Map.entry("INVALID_ARGUMENT", Set.of(400, 411, 413, 414, 415, 417, 422, 431)),
            Map.entry("FAILED_PRECONDITION", Set.of(400, 412)),
            Map.entry("OUT_OF_RANGE", Set.of(400)),
            Map.entry("UNAUTHENTICATED", Set.of(401)),
            Map.entry("PERMISSION_DENIED", Set.of(403)),
            Map.entry("NOT_FOUND", Set.of(404)),
            Map.entry("ALREADY_EXISTS", Set.of(409)),
            Map.entry("ABORTED", Set.of(409)),
            Map.entry("RESOURCE_EXHAUSTED", Set.of(429)),
            Map.entry("CANCELLED", Set.of(499)),
            Map.entry("UNKNOWN", Set.of(500)),
            Map.entry("INTERNAL", Set.of(500)),
            Map.entry("DATA_LOSS", Set.of(500)),
            Map.entry("UNIMPLEMENTED", Set.of(405, 501)),
            Map.entry("UNAVAILABLE", Set.of(503)),
            Map.entry("DEADLINE_EXCEEDED", Set.of(504)));

    private RedpandaCodes() {
    }

    static Set<Integer> statusOf(String code) {
        return STATUSES.getOrDefault(code, Set.of());
    }
}
