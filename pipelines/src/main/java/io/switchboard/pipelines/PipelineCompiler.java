package io.switchboard.pipelines;

import io.switchboard.rules.PipelineOwnership;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Compiles a Postgres-to-Postgres pipeline into the two Kafka Connect connectors that carry it out:
 * Debezium's PostgreSQL connector (logical replication with pgoutput, a replication slot of its own,
 * and a publication of its own for the captured tables or one an administrator made) writing change events to topics {@code pl_<id>.<schema>.<table>}, and
 * Debezium's JDBC sink reading those topics and upserting (and deleting) rows into the target
 * schema. Change events are JSON with their schemas, which the sink needs to create and evolve the
 * target tables; they hold row data, so the topics are the pipeline's own.
 */
public final class PipelineCompiler {
    static final String SOURCE_CLASS = "io.debezium.connector.postgresql.PostgresConnector";
    static final String SINK_CLASS = "io.debezium.connector.jdbc.JdbcSinkConnector";
    private static final String JSON = "org.apache.kafka.connect.json.JsonConverter";

    /**
     * The largest change event a pipeline carries, as its JSON is serialized (a row's values and its
     * schema): 16 MiB. A larger one fails the pipeline, its status naming the table and this limit
     * ({@link OversizedEvents}).
     */
    public static final int MAX_EVENT_BYTES = 16 * 1024 * 1024;

    private PipelineCompiler() {
    }

    /** Config keys that tie a connector to its pipeline; the source's also hold the pipeline as given and its run. */
    public static final String PIPELINE_ID = PipelineOwnership.PIPELINE_ID;
    public static final String PIPELINE_SPEC = "switchboard.pipeline.spec";
    public static final String PIPELINE_RUN = "switchboard.pipeline.run_id";
    /** When the current run began (epoch milliseconds): a scheduled pipeline's next run is counted from it. */
    public static final String PIPELINE_RUN_STARTED = "switchboard.pipeline.run_started";

    /**
     * The pipeline's two connectors, with its id, its description (passwords hidden) and its run id
     * in their configs, and its limits as Debezium settings: cdc.max_buffer_rows is the source's
     * queue ({@code max.queue.size}, batches of at most 2048 below it), cdc.flush_interval_ms its
     * poll interval ({@code poll.interval.ms}), snapshot.max_buffer_rows its snapshot fetch size.
     */
    public static Compiled compile(PipelineSpec spec, String runId, long runStartedAt, String notificationsTopic) {
        return compile(spec, runId, runStartedAt, notificationsTopic, SourceShapes.NONE);
    }

    /** The same, with what the source holds that its connector must be told ({@link SourceShapes}). */
    static Compiled compile(PipelineSpec spec, String runId, long runStartedAt, String notificationsTopic, SourceShapes shapes) {
        Compiled compiled = compile(spec.id(), spec.source(), spec.publication(), spec.skipSnapshots(), null, spec.sink(),
                spec.targetSchema());
        Map<String, String> source = new LinkedHashMap<>(compiled.source());
        Map<String, String> sink = new LinkedHashMap<>(compiled.sink());
        if (spec.snapshotOnly()) {
            // A run copies the rows there are, then streams nothing; the next run starts from no offsets.
            source.put("snapshot.mode", "initial_only");
        }
        source.put(PIPELINE_RUN_STARTED, String.valueOf(runStartedAt));
        // The snapshot's progress (each table begun, and finished with its rows) as records on a topic
        // of Switchboard's, outside the sink's pattern; every replica reads it (SnapshotProgressFeed).
        source.put("notification.enabled.channels", "sink");
        source.put("notification.sink.topic.name", notificationsTopic);
        // Another pipeline's heartbeat table in the same database is that pipeline's, not a table to replicate;
        // partitions are copied through their root, generated columns left to the target (SourceShapes).
        // Tables it cannot replicate are left out (SourceShapes) of what the connector captures, and of its own
        // publication, which the pipeline builds before it streams (PublicationTables.build).
        source.putAll(shapes.settings(spec.publication() == null ? HeartbeatTable.othersExcluded(spec.id()) : null));
        if (HeartbeatTable.wanted(spec)) {
            // Built by the pipeline on its way into running (PublicationTables.build), so that what it leaves out stays
            // out: the connector would otherwise set it to every table its filters match each time it starts.
            source.put("publication.autocreate.mode", "disabled");
            // The slot moves on while the captured tables are quiet, and the lag in seconds can be read (HeartbeatTable).
            source.put("heartbeat.interval.ms", String.valueOf(HeartbeatTable.INTERVAL.toMillis()));
            source.put("heartbeat.action.query", HeartbeatTable.actionQuery(spec.id()));
            // Its row is not data to copy: a snapshot shows the user's tables only. Anchored, and with or
            // without a database name first, whether the pattern is matched whole or searched.
            source.put("snapshot.include.collection.list", "^(?!([^.]+\\.)?" + HeartbeatTable.SCHEMA + "\\.sb_heartbeat_).*$");
        }
        PipelineSpec.Limits limits = spec.limits();
        if (limits.cdcMaxBufferRows() != null) {
            long rows = Math.max(2, limits.cdcMaxBufferRows());
            source.put("max.queue.size", String.valueOf(rows));
            source.put("max.batch.size", String.valueOf(Math.min(2048, rows - 1)));
        }
        if (limits.cdcFlushIntervalMs() != null) {
            source.put("poll.interval.ms", String.valueOf(limits.cdcFlushIntervalMs()));
        }
        if (limits.snapshotMaxBufferRows() != null) {
            source.put("snapshot.fetch.size", String.valueOf(limits.snapshotMaxBufferRows()));
        }
        source.put(PIPELINE_ID, spec.id());
        source.put(PIPELINE_SPEC, spec.json().toString());
        source.put(PIPELINE_RUN, runId);
        sink.put(PIPELINE_ID, spec.id());
        return new Compiled(compiled.sourceName(), source, compiled.sinkName(), sink);
    }

    /** The compiled pipeline: its connectors' names and configs. */
    public record Compiled(String sourceName, Map<String, String> source, String sinkName, Map<String, String> sink) {
    }

    /**
     * @param id            the pipeline's id: lowercase letters, digits and '-'
     * @param skipSnapshots replicate changes only, without copying the rows already there
     * @param tables        tables to replicate ("schema.table", comma-separated), or null for all
     */
    public static Compiled compile(String id, PostgresConnection from, String publication, boolean skipSnapshots, String tables,
                                   PostgresConnection to, String targetSchema) {
        String slot = slotName(id);
        String prefix = topicPrefix(id);
        Map<String, String> source = new LinkedHashMap<>();
        source.put("name", sourceName(id));
        source.put("connector.class", SOURCE_CLASS);
        source.put("tasks.max", "1");
        source.put("database.hostname", from.host());
        source.put("database.port", String.valueOf(from.port()));
        source.put("database.user", from.user());
        source.put("database.password", from.password());
        source.put("database.dbname", from.database());
        if (from.sslMode() != null) {
            source.put("database.sslmode", from.jdbcSslMode());
        }
        source.put("topic.prefix", prefix);
        source.put("plugin.name", "pgoutput");
        source.put("slot.name", slot);
        source.put("publication.name", publication == null ? slot : publication);
        // A publication an administrator made is used as it is. Otherwise the pipeline's own names the
        // tables it captures (FOR TABLE, which their owner may create) rather than FOR ALL TABLES,
        // which only a superuser may: a replication role needs no more than it replicates.
        source.put("publication.autocreate.mode", publication != null ? "disabled" : "filtered");
        if (tables != null) {
            source.put("table.include.list", tables);
        }
        source.put("snapshot.mode", skipSnapshots ? "no_data" : "initial");
        // At each start the source checks that its slot still holds the changes from its offset on (the
        // slot is there, its restart_lsn not past the offset) and fails otherwise: a slot dropped, or
        // invalidated, and made again would leave a gap no event shows (FailureReasons.slotLost).
        source.put("log.position.check.enable", "true");
        source.put("key.converter", JSON);
        source.put("value.converter", JSON);
        source.put("key.converter.schemas.enable", "true");
        source.put("value.converter.schemas.enable", "true");
        // A deleted row is its delete event; no tombstone follows it.
        source.put("tombstones.on.delete", "false");
        // A change event may be up to MAX_EVENT_BYTES (a row of some megabytes): the source's producer may
        // send it (the worker must allow client overrides, as for the sink's consumer below) and the
        // pipeline's topics, which the worker creates with the broker's defaults otherwise, keep it.
        source.put("producer.override.max.request.size", String.valueOf(MAX_EVENT_BYTES));
        source.put("topic.creation.default.replication.factor", "-1");
        source.put("topic.creation.default.partitions", "-1");
        source.put("topic.creation.default.max.message.bytes", String.valueOf(MAX_EVENT_BYTES));

        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("name", sinkName(id));
        sink.put("connector.class", SINK_CLASS);
        sink.put("tasks.max", "1");
        sink.put("connection.url", to.jdbcUrl());
        sink.put("connection.username", to.user());
        sink.put("connection.password", to.password());
        sink.put("topics.regex", Pattern.quote(prefix) + "\\..*");
        // The sink finds the source's topics by pattern; a topic created after the sink started is
        // found at the consumer's next metadata refresh, which would otherwise be up to 5 minutes away.
        sink.put("consumer.override.metadata.max.age.ms", "2000");
        sink.put("insert.mode", "upsert");
        sink.put("delete.enabled", "true");
        sink.put("primary.key.mode", "record_key");
        sink.put("schema.evolution", "basic");
        sink.put("collection.name.format", (targetSchema == null ? "public" : targetSchema) + ".${source.table}");
        sink.put("key.converter", JSON);
        sink.put("value.converter", JSON);
        sink.put("key.converter.schemas.enable", "true");
        sink.put("value.converter.schemas.enable", "true");
        return new Compiled(sourceName(id), source, sinkName(id), sink);
    }

    public static String sourceName(String id) {
        return "pipeline-" + id + "-source";
    }

    public static String sinkName(String id) {
        return "pipeline-" + id + "-sink";
    }

    /** Replication slot and publication names: PostgreSQL identifiers, so lowercase letters, digits and '_'. */
    public static String slotName(String id) {
        return "sb_" + id.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** The prefix of the pipeline's topics, which Debezium also gives as the source's connector_name. */
    public static String topicPrefix(String id) {
        return "pl_" + id.toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
