package io.switchboard.auth;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each request needs, by dialect: the action it takes and the Connect cluster (and Confluent
 * environment) it addresses. Open to anyone: {@code /health}, {@code GET /} (Kafka Connect clients
 * probe it before anything else) and the OpenAPI documents. {@code /internal/...} is for replicas
 * only (see {@link InternalRequests}).
 */
public final class AccessRules {
    /** What a request needs; {@code cluster} null means every cluster ("*"). */
    public record Need(Kind kind, Action action, String cluster, String environment) {
        static Need open() {
            return new Need(Kind.OPEN, null, null, null);
        }

        static Need internal() {
            return new Need(Kind.INTERNAL, null, null, null);
        }

        static Need of(Action action, String cluster, String environment) {
            return new Need(Kind.PRINCIPAL, action, cluster, environment);
        }
    }

    public enum Kind { OPEN, INTERNAL, PRINCIPAL }

    private static final Pattern CONFLUENT = Pattern.compile("^/connect/v1/environments/([^/]+)/clusters/([^/]+)(/.*)?$");
    private static final Pattern REDPANDA = Pattern.compile("^/v1/kafka-connect/clusters/([^/]+)(/.*)?$");
    private static final Pattern CLUSTERS = Pattern.compile("^/clusters/([^/]+)(/.*)?$");
    private static final Pattern OPERATE = Pattern.compile(".*/(pause|resume|stop)$");
    private static final Pattern RESTART = Pattern.compile(".*/restart$");
    private static final Pattern VALIDATE = Pattern.compile(".*/connector-plugins/[^/]+/config/validate$");

    private final String defaultCluster;
    /** "ENVIRONMENT/KAFKA_CLUSTER" to Connect cluster, as the Confluent dialect maps them. */
    private final Map<String, String> confluentScopes;

    public AccessRules(String defaultCluster, Map<String, String> confluentScopes) {
        this.defaultCluster = defaultCluster;
        this.confluentScopes = confluentScopes;
    }

    /** @param body the request's body, read only for the pipeline command route, whose command decides */
    public Need need(String method, String path, java.util.function.Supplier<String> body) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/health") || (p.equals("/") && method.equals("GET")) || p.endsWith("/openapi.yaml")) {
            return Need.open();
        }
        if (p.startsWith("/internal/")) {
            return Need.internal();
        }
        if (p.equals("/metrics")) {
            return Need.of(Action.VIEW, null, null);
        }
        if (p.equals("/events")) {
            // Narrowed to one cluster by ?cluster=; see AuthFilter.
            return Need.of(Action.VIEW, null, null);
        }
        Matcher m = CONFLUENT.matcher(p);
        if (m.matches()) {
            String cluster = confluentScopes.getOrDefault(m.group(1) + "/" + m.group(2), "(unknown)");
            String rest = m.group(3) == null ? "" : m.group(3);
            return Need.of(kafkaConnectStyle(method, rest), cluster, m.group(1));
        }
        m = REDPANDA.matcher(p);
        if (m.matches()) {
            String rest = m.group(2) == null ? "" : m.group(2);
            return Need.of(rest.endsWith("/topics/reset") ? Action.EDIT : kafkaConnectStyle(method, rest), m.group(1), null);
        }
        if (p.equals("/v1/kafka-connect/clusters")) {
            // Lists only the clusters the principal has a role on.
            return Need.of(Action.VIEW, "", null);
        }
        if (p.startsWith("/api/v1/")) {
            if (p.startsWith("/api/v1/connector/command/")) {
                String command = body.get();
                boolean destructive = command.contains("Delete") || command.contains("ReIntialize");
                return Need.of(destructive ? Action.EDIT : Action.OPERATE, defaultCluster, null);
            }
            return Need.of(method.equals("GET") ? Action.VIEW : Action.EDIT, defaultCluster, null);
        }
        m = CLUSTERS.matcher(p);
        String cluster = defaultCluster;
        String rest = p;
        if (m.matches()) {
            cluster = m.group(1);
            rest = m.group(2) == null ? "" : m.group(2);
        }
        if (rest.startsWith("/admin/")) {
            return Need.of(Action.ADMIN, cluster, null);
        }
        return Need.of(kafkaConnectStyle(method, rest), cluster, null);
    }

    /** Reads view, pause/resume/stop/restart operate, a plugin's validation views, every other write edits. */
    private static Action kafkaConnectStyle(String method, String rest) {
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return Action.VIEW;
        }
        if (VALIDATE.matcher(rest).matches()) {
            return Action.VIEW;
        }
        if ((method.equals("PUT") && OPERATE.matcher(rest).matches()) || (method.equals("POST") && RESTART.matcher(rest).matches())) {
            return Action.OPERATE;
        }
        return Action.EDIT;
    }
}
