package io.switchboard.pipelines;

import io.switchboard.core.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A logical-replication pipeline's heartbeat: one row in a table of its own in its source,
 * {@code switchboard.sb_heartbeat_<id>}, that the source connector rewrites with the source's
 * {@code now()} every {@link #INTERVAL} (Debezium's {@code heartbeat.action.query}).
 *
 * <p>Why: a replication slot is confirmed only up to the last change it carried. A pipeline whose
 * tables are quiet while other databases of the server write WAL would keep its slot where it was,
 * holding that WAL on the server's disk and reading as ever more {@code lag_bytes} although every
 * change has reached the target. The heartbeat is a change of the pipeline's own, in its own
 * publication, so the slot moves on at least every interval.
 *
 * <p>It also gives the lag in seconds: the row travels the pipeline's whole way and the sink
 * upserts it into the target schema as {@code sb_heartbeat_<id>}, so the source's clock now minus
 * the time that row holds in the target is how old the newest change known to be in the target is.
 * That is read truthfully with the pipeline's own roles: the source role owns the table, the sink
 * role made its copy. (The slot's position cannot be turned into a time without a superuser or
 * {@code track_commit_timestamp}, and would leave out what Kafka and the sink still hold.)
 *
 * <p>The table lives in schema {@code switchboard}, which the source role creates with the
 * {@code CREATE} on the database its own publication already needs; each pipeline captures its own
 * heartbeat and none of another's. A pipeline given a publication an administrator made has no
 * heartbeat: it could not add the table to that publication.
 */
public final class HeartbeatTable {
    static final String SCHEMA = "switchboard";
    /** How often the source writes the row: the resolution of lag_seconds, and how far the slot may trail at rest. */
    static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(HeartbeatTable.class);

    private HeartbeatTable() {
    }

    /**
     * Whether the pipeline has a heartbeat: it streams (a snapshot pipeline has no slot to move on)
     * from a publication of its own (one an administrator made cannot be given the table).
     */
    public static boolean wanted(PipelineSpec spec) {
        return !spec.snapshotOnly() && spec.publication() == null;
    }

    /** The table's name: {@code sb_heartbeat_} and the pipeline id, as PostgreSQL identifiers allow ([a-z0-9_]). */
    public static String table(String id) {
        return "sb_heartbeat_" + PipelineCompiler.slotName(id).substring("sb_".length());
    }

    /** The table in its schema, as Debezium names captured tables. */
    static String qualified(String id) {
        return SCHEMA + "." + table(id);
    }

    /** The statement the source runs at each heartbeat: the one row, with the source's time. */
    static String actionQuery(String id) {
        return "INSERT INTO " + qualified(id) + " (id, at) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at";
    }

    /**
     * Debezium's {@code table.exclude.list} for a pipeline: every other pipeline's heartbeat table in
     * the same database. Without it the pipeline would capture them too, and its own publication
     * would need to own tables another role made.
     */
    static String othersExcluded(String id) {
        // Anchored: Debezium may search for a pattern rather than match it whole.
        return "^" + SCHEMA + "\\.sb_heartbeat_(?!" + table(id).substring("sb_heartbeat_".length()) + "$).*$";
    }

    /** {@link #ensure} for a pipeline that wants one, a refusal naming the database's words. */
    static void ensureOrRefuse(PostgresConnection source, PipelineSpec spec) {
        if (!wanted(spec)) {
            return;
        }
        try {
            ensure(source, spec.id());
        } catch (SQLException e) {
            throw new ServiceException.InvalidRequest("source.postgres.connection", "the pipeline's heartbeat table "
                    + qualified(spec.id()) + " cannot be made: " + FailureReasons.of(SourcePrivileges.described(e)));
        }
    }

    /**
     * Makes the schema (if missing) and the table (if missing) as the source's role, before the
     * source starts: its publication names the tables there are when it starts.
     */
    static void ensure(PostgresConnection source, String id) throws SQLException {
        try (Connection c = source.connect(5); Statement s = c.createStatement()) {
            // CREATE SCHEMA IF NOT EXISTS still asks for CREATE on the database: only when it is missing.
            boolean schemaThere;
            try (ResultSet r = s.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '" + SCHEMA + "')")) {
                schemaThere = r.next() && r.getBoolean(1);
            }
            if (!schemaThere) {
                s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            }
            s.execute("CREATE TABLE IF NOT EXISTS " + qualified(id) + " (id int PRIMARY KEY, at timestamptz NOT NULL)");
        }
    }

    /**
     * Drops the table in the source, and the schema once no table is left in it and the role owns
     * it; a failure is the caller's to report (the pipeline is then deleted but not yet cleaned up).
     */
    static void drop(Connection source, String id) throws SQLException {
        try (Statement s = source.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + qualified(id));
            boolean emptyAndOurs;
            try (ResultSet r = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = n.oid)"
                    + " AND pg_has_role(n.nspowner, 'USAGE') FROM pg_namespace n WHERE n.nspname = '" + SCHEMA + "'")) {
                emptyAndOurs = r.next() && r.getBoolean(1);
            }
            if (emptyAndOurs) {
                s.execute("DROP SCHEMA IF EXISTS " + SCHEMA);
            }
        }
    }

    /**
     * Drops the heartbeat's copy in the target. It is Switchboard's, not the user's data, but the
     * target is theirs: a failure is logged and the delete goes on.
     */
    static void dropCopy(PostgresConnection sink, String targetSchema, String id) {
        try (Connection c = sink.connect(5); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + copy(targetSchema, id));
        } catch (SQLException e) {
            log.warn("Cannot drop the heartbeat table {} of deleted pipeline {}: {}", copy(targetSchema, id), id, e.getMessage());
        }
    }

    /**
     * The copy in the target, as the sink names it ({@code <target schema>.${source.table}},
     * unquoted, so PostgreSQL folds it as the sink's statements do).
     */
    static String copy(String targetSchema, String id) {
        return (targetSchema == null ? "public" : targetSchema) + "." + table(id);
    }

    /** The query of the copy's time in epoch milliseconds. */
    static String copyTimeQuery(String targetSchema, String id) {
        return "SELECT (extract(epoch FROM at) * 1000)::bigint FROM " + copy(targetSchema, id) + " WHERE id = 1";
    }

    /** Whether the table is there and the role may write it (it is then the role's own, or granted). */
    static boolean writable(Connection source, String id) throws SQLException {
        try (PreparedStatement s = source.prepareStatement("SELECT has_table_privilege(c.oid, 'INSERT, UPDATE') FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            s.setString(1, SCHEMA);
            s.setString(2, table(id));
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }
}
