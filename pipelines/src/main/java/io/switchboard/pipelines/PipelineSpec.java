package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.ServiceException.Violation;
import io.switchboard.secrets.Redactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A typed pipeline as the API describes it: a Postgres source read by logical replication (or
 * copied by snapshots, on a schedule) and a Postgres sink, with the options that map to something
 * real. What Switchboard cannot carry out (query-based replication, an object-store buffer, TLS
 * client certificates) is refused naming the field, never silently ignored.
 *
 * @param json the pipeline as given, with every password replaced by {@link #HIDDEN}: what is stored and answered
 */
public record PipelineSpec(String id, String name, boolean disabled, PostgresConnection source, String publication,
                           boolean skipSnapshots, PostgresConnection sink, String targetSchema, Limits limits, ObjectNode json,
                           boolean snapshotOnly, Schedule schedule) {
    public static final String HIDDEN = Redactor.MASK;
    private static final Set<String> TOP = Set.of("id", "name", "disabled", "source", "sink", "limits", "buffer", "schedule");

    /** Batching: CDC queue size and poll interval of the source, and the snapshot's fetch size. */
    public record Limits(Long cdcMaxBufferRows, Long cdcFlushIntervalMs, Long snapshotMaxBufferRows) {
    }

    /** Thrown with every field at fault. */
    public static final class Invalid extends RuntimeException {
        private final List<Violation> violations;

        Invalid(List<Violation> violations) {
            super(violations.size() + " field(s) of the pipeline are invalid");
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    /**
     * Reads a pipeline; {@code id} is the pipeline's (the path's, or a new one). A password given as
     * {@link #HIDDEN} (as reads show it) means "keep": {@code current} supplies it.
     */
    public static PipelineSpec parse(String id, JsonNode body, PipelineSpec current) {
        List<Violation> v = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw new Invalid(List.of(new Violation("body", "must be a JSON object with source and sink")));
        }
        body.fieldNames().forEachRemaining(field -> {
            if (!TOP.contains(field)) {
                v.add(new Violation(field, "unknown field"));
            }
        });
        ObjectNode json = ((ObjectNode) body).deepCopy();
        json.put("id", id);
        String name = optionalText(body, "name", "name", v);
        boolean disabled = body.path("disabled").asBoolean(false);
        if (body.has("disabled") && !body.get("disabled").isBoolean() && !body.get("disabled").isNull()) {
            v.add(new Violation("disabled", "must be true or false"));
        }
        if (body.hasNonNull("buffer")) {
            v.add(new Violation("buffer", "an object-store buffer is not supported: changes flow through Kafka topics"));
        }
        Schedule schedule = body.hasNonNull("schedule") ? Schedule.parse(body.get("schedule"), v) : null;
        JsonNode source = body.path("source").path("postgres");
        if (!body.path("source").isObject() || !source.isObject() || body.path("source").size() != 1) {
            v.add(new Violation("source", "must be {\"postgres\": {...}}, the only source type"));
        }
        JsonNode sink = body.path("sink").path("postgres");
        if (!body.path("sink").isObject() || !sink.isObject() || body.path("sink").size() != 1) {
            v.add(new Violation("sink", "must be {\"postgres\": {...}}, the only sink type"));
        }
        PostgresConnection from = connection(source.path("connection"), "source.postgres.connection",
                current == null ? null : current.source(), v);
        PostgresConnection to = connection(sink.path("connection"), "sink.postgres.connection",
                current == null ? null : current.sink(), v);
        JsonNode type = source.path("replication_type");
        String publication = null;
        boolean skip = false;
        boolean snapshotOnly = false;
        if (source.isObject()) {
            if (type.has("logical_replication") && type.size() == 1) {
                JsonNode logical = type.get("logical_replication");
                publication = optionalText(logical, "publication_name", "source.postgres.replication_type.logical_replication.publication_name", v);
                if (publication != null && !publication.matches("[a-z_][a-z0-9_]{0,62}")) {
                    v.add(new Violation("source.postgres.replication_type.logical_replication.publication_name",
                            "must be a PostgreSQL identifier of lowercase letters, digits and _"));
                }
                skip = logical.path("skip_snapshots").asBoolean(false);
            } else if (type.has("snapshot") && type.size() == 1) {
                snapshotOnly = true;
            } else if (type.has("query_based")) {
                v.add(new Violation("source.postgres.replication_type", "query_based replication is not supported: use "
                        + "logical_replication, or snapshot with a schedule"));
            } else {
                v.add(new Violation("source.postgres.replication_type", "must be {\"logical_replication\": {...}}"));
            }
        }
        String targetSchema = optionalText(sink, "target_schema", "sink.postgres.target_schema", v);
        if (targetSchema != null && !targetSchema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            v.add(new Violation("sink.postgres.target_schema", "must be a PostgreSQL identifier"));
        }
        Limits limits = limits(body.path("limits"), v);
        if (!v.isEmpty()) {
            throw new Invalid(v);
        }
        hidePasswords(json);
        return new PipelineSpec(id, name, disabled, from, publication, skip, to, targetSchema, limits, json, snapshotOnly, schedule);
    }

    private static PostgresConnection connection(JsonNode c, String at, PostgresConnection current, List<Violation> v) {
        if (!c.isObject()) {
            v.add(new Violation(at, "is required"));
            return null;
        }
        String host = requiredText(c, "host", at, v);
        String user = requiredText(c, "user", at, v);
        String database = requiredText(c, "database", at, v);
        String password = requiredText(c, "password", at, v);
        if (host != null && !PostgresConnection.HOST.matcher(host).matches()) {
            v.add(new Violation(at + ".host", "must be a host name, an IPv4 address or an IPv6 address in brackets"));
            host = null;
        }
        if (database != null && !PostgresConnection.DATABASE.matcher(database).matches()) {
            v.add(new Violation(at + ".database", "must be a database name of at most 63 letters, digits, spaces and _ $ . -"
                    + " (driver parameters are not accepted here)"));
            database = null;
        }
        int port = 5432;
        if (c.hasNonNull("port")) {
            if (!c.get("port").canConvertToInt() || c.get("port").asInt() < 1 || c.get("port").asInt() > 65535) {
                v.add(new Violation(at + ".port", "must be a port number"));
            } else {
                port = c.get("port").asInt();
            }
        }
        for (String unsupported : List.of("ssl_cert", "ssl_key", "ssl_root_cert")) {
            if (c.hasNonNull(unsupported)) {
                v.add(new Violation(at + "." + unsupported, "TLS client certificates are not supported yet; use ssl_mode"));
            }
        }
        String ssl = c.hasNonNull("ssl_mode") ? c.get("ssl_mode").asText() : null;
        if (ssl != null && !Set.of("Disable", "Prefer", "Require", "VerifyCa", "VerifyFull").contains(ssl)) {
            v.add(new Violation(at + ".ssl_mode", "must be Disable, Prefer, Require, VerifyCa or VerifyFull"));
        }
        if (HIDDEN.equals(password)) {
            if (current == null) {
                v.add(new Violation(at + ".password", "is required (it is never read back: give it, or clone_from a pipeline that has it)"));
            } else if (!current.host().equals(host) || current.port() != port || !current.database().equals(database)
                    || !current.user().equals(user)) {
                // A kept password goes only where it went before: else whoever may edit could send it to a host of their own.
                v.add(new Violation(at + ".password", "must be given again: a kept password is used only with the same host, "
                        + "port, database and user"));
            } else if (PostgresConnection.weaker(ssl, current.sslMode())) {
                // Nor over a connection less protected than the one it was given for (Disable: in clear text).
                v.add(new Violation(at + ".password", "must be given again: a kept password is not sent with an ssl_mode weaker"
                        + " than " + (current.sslMode() == null ? "Prefer" : current.sslMode()) + ", the one it was given with"));
            } else {
                password = current.password();
            }
        }
        if (host == null || user == null || database == null || password == null || HIDDEN.equals(password)) {
            return null;
        }
        return new PostgresConnection(host, port, user, password, database, ssl);
    }

    private static Limits limits(JsonNode limits, List<Violation> v) {
        if (limits.isMissingNode() || limits.isNull()) {
            return new Limits(null, null, null);
        }
        Long rows = positive(limits.path("cdc").path("max_buffer_rows"), "limits.cdc.max_buffer_rows", v);
        Long flush = positive(limits.path("cdc").path("flush_interval_ms"), "limits.cdc.flush_interval_ms", v);
        Long snapshot = positive(limits.path("snapshot").path("max_buffer_rows"), "limits.snapshot.max_buffer_rows", v);
        return new Limits(rows, flush, snapshot);
    }

    private static Long positive(JsonNode n, String at, List<Violation> v) {
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.canConvertToLong() || n.asLong() < 1 || n.asLong() > 10_000_000) {
            v.add(new Violation(at, "must be a whole number from 1 to 10000000"));
            return null;
        }
        return n.asLong();
    }

    private static String requiredText(JsonNode n, String field, String at, List<Violation> v) {
        JsonNode value = n.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            v.add(new Violation(at + "." + field, "is required"));
            return null;
        }
        return value.asText();
    }

    private static String optionalText(JsonNode n, String field, String at, List<Violation> v) {
        JsonNode value = n.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            v.add(new Violation(at, "must be a non-empty string"));
            return null;
        }
        return value.asText();
    }

    /** The same pipeline with every value of its connections hidden, for a caller who sees keys only. */
    public PipelineSpec withConnectionsHidden() {
        ObjectNode hidden = json.deepCopy();
        for (String side : List.of("source", "sink")) {
            if (hidden.path(side).path("postgres").path("connection") instanceof ObjectNode c) {
                // The port is an integer in the API's document: it cannot show as the mask, so it is left out (it is optional).
                c.remove("port");
                c.fieldNames().forEachRemaining(key -> c.put(key, HIDDEN));
            }
        }
        return new PipelineSpec(id, name, disabled, source, publication, skipSnapshots, sink, targetSchema, limits, hidden,
                snapshotOnly, schedule);
    }

    private static void hidePasswords(ObjectNode json) {
        for (String side : List.of("source", "sink")) {
            JsonNode connection = json.path(side).path("postgres").path("connection");
            if (connection instanceof ObjectNode c && c.has("password")) {
                c.put("password", HIDDEN);
            }
        }
    }

    /**
     * Fields that cannot change once a pipeline exists: where its databases are. Read from the
     * request as given, before it is parsed, so that a move is named as such rather than as the
     * password it would need.
     */
    public List<Violation> immutableChanges(JsonNode next) {
        List<Violation> v = new ArrayList<>();
        compare(source, next.path("source").path("postgres").path("connection"), "source.postgres.connection", v);
        compare(sink, next.path("sink").path("postgres").path("connection"), "sink.postgres.connection", v);
        return v;
    }

    private static void compare(PostgresConnection current, JsonNode next, String at, List<Violation> v) {
        if (next.hasNonNull("host") && !current.host().equals(next.get("host").asText())) {
            v.add(new Violation(at + ".host", "cannot change once the pipeline exists"));
        }
        int port = next.hasNonNull("port") ? next.get("port").asInt(-1) : 5432;
        if (current.port() != port) {
            v.add(new Violation(at + ".port", "cannot change once the pipeline exists"));
        }
        if (next.hasNonNull("database") && !current.database().equals(next.get("database").asText())) {
            v.add(new Violation(at + ".database", "cannot change once the pipeline exists"));
        }
    }
}
