package io.switchboard.api;

import io.switchboard.http.HttpServer.Route;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The access table of docs/access.md, rendered from the route table. */
final class AccessTable {
    private static final Map<String, String> DIALECTS = new LinkedHashMap<>();

    static {
        DIALECTS.put("/connect/v1/", "Confluent Cloud connect/v1");
        DIALECTS.put("/v1/kafka-connect/", "Redpanda Cloud Kafka Connect");
        DIALECTS.put("/api/v1/", "Typed pipelines");
        DIALECTS.put("/console", "Web console");
        DIALECTS.put("/internal/", "Between replicas");
    }

    private AccessTable() {
    }

    static String render(List<Route> routes) {
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        sections.put("Kafka Connect (at the root for cluster `default`, and under `/clusters/{cluster}`)", new StringBuilder());
        DIALECTS.values().forEach(name -> sections.put(name, new StringBuilder()));
        sections.put("Every dialect", new StringBuilder());
        for (Route route : routes) {
            if (route.path().startsWith("/clusters/")) {
                continue; // the same table as at the root
            }
            String section = DIALECTS.entrySet().stream().filter(e -> route.path().startsWith(e.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (section == null) {
                section = List.of("/health", "/health/started", "/health/ready", "/health/live", "/metrics", "/metrics/connectors",
                        "/events").contains(route.path()) ? "Every dialect"
                        : sections.keySet().iterator().next();
            }
            sections.get(section).append("| ").append(route.method()).append(" | `").append(route.path()).append("` | ")
                    .append(route.access().describe()).append(" |\n");
        }
        StringBuilder out = new StringBuilder("""
                # Who may call what

                Generated from the route table: each route declares what it needs where it is registered, and
                one check decides it on the parsed request. `view`, `operate`, `edit` and `admin` need that
                role (or a greater one) on the Connect cluster the path names (a Confluent environment's grant,
                `env:ID`, covers its clusters; a grant on `*` covers all); `open` needs nothing; `replicas` needs
                another replica's signature. A viewer sees a config's keys, not its values. Lists across
                clusters (`/v1/kafka-connect/clusters`, `/events` and `/metrics/connectors` without `?cluster=`)
                need any grant and show only what the grants cover; `/metrics` needs a role on `*`.
                The route's own role is checked first, before its body is read or anything is worked on, and
                a refusal names that role whatever the cluster (one that exists or not) and the body; what a
                request needs beyond it (`; edit when ...`) is checked next, on its parsed content, or, for a
                set's apply, on its plan, made in the write pre-flight's bounded pool. With `--rate-limit`,
                a principal's request is charged before any of this, so a refusal costs what an answer does.
                """);
        sections.forEach((name, rows) -> {
            if (!rows.isEmpty()) {
                out.append("\n## ").append(name).append("\n\n| method | path | needs |\n|---|---|---|\n").append(rows);
            }
        });
        return out.toString();
    }
}
