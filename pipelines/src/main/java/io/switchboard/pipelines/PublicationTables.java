package io.switchboard.pipelines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A pipeline's own publication takes the tables that appear in its source while it runs. Its
 * publication names its tables ({@code FOR TABLE}: on PostgreSQL 15 only a superuser may make one
 * {@code FOR ALL TABLES}, which would take them by itself), so the pipeline adds each new table its
 * source role owns ({@code ALTER PUBLICATION ... ADD TABLE} asks for ownership of both), every few
 * seconds ({@link PipelineScheduler}). The source connector then streams the table's changes from
 * the first one after it was added; rows written before that are not in the WAL it reads (a
 * ReIntialize copies them). A table another role owns cannot be added: it is left, the others go
 * on; so is a table without a primary key. Both are listed in the pipeline's status and recorded
 * once on its source connector ({@link TablesLeftOut}, {@link PublicationRefresh}). Partitioned
 * tables are added as their root (partitions are not listed).
 */
final class PublicationTables {
    private static final Logger log = LoggerFactory.getLogger(PublicationTables.class);
    /** At most this many tables are added to one publication a round; the next round adds the rest. */
    static final int MAX_PER_ROUND = 50;

    private PublicationTables() {
    }

    /**
     * Builds the pipeline's own publication on its way into running (create or update enabled, Start,
     * Restart, ReIntialize alike), before its source starts: exactly the tables it can replicate
     * (each user table, or partitioned table's root, with a primary key that the role owns; see
     * {@link SourceShapes}) and its heartbeat table, published through the roots from PostgreSQL 13.
     * Made when missing, else set to those tables: a table left out that an earlier start took in is
     * dropped from it, so PostgreSQL no longer refuses its UPDATE and DELETE. A publication of its name
     * that another role made cannot be set so: the database's refusal is thrown, naming it and its owner.
     */
    static void build(Connection c, String publication, String heartbeatTable, boolean viaRoot) throws SQLException {
        // Identifiers cannot be bound; the names are [a-z0-9_] (PipelineCompiler.slotName), checked again here.
        if (!publication.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("Not a publication name: " + publication);
        }
        List<String> tables = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND "
                + (viaRoot ? "NOT c.relispartition" : "c.relkind = 'r'")
                + " AND n.nspname NOT IN ('information_schema', '" + HeartbeatTable.SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_%'"
                + " AND " + SourceShapes.KEYED + " AND " + SourceShapes.OWNED + " ORDER BY 1 LIMIT " + SourceShapes.MAX_NAMED)) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
        }
        tables.add(heartbeatTable);
        boolean exists;
        try (PreparedStatement s = c.prepareStatement("SELECT pg_has_role(pubowner, 'USAGE'), pg_get_userbyid(pubowner)"
                + " FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet r = s.executeQuery()) {
                exists = r.next();
                if (exists && !r.getBoolean(1)) {
                    throw new SQLException("publication " + publication + " exists and belongs to role " + r.getString(2)
                            + ", not to the pipeline's source user; drop it (DROP PUBLICATION " + publication + ") or make the user its"
                            + " owner (ALTER PUBLICATION " + publication + " OWNER TO <source user>)", "42501");
                }
            }
        }
        try (Statement s = c.createStatement()) {
            // The names come from format('%I.%I'): quoted as identifiers where they need to be.
            String list = String.join(", ", tables);
            s.execute(exists ? "ALTER PUBLICATION " + publication + " SET TABLE " + list
                    : "CREATE PUBLICATION " + publication + " FOR TABLE " + list + (viaRoot ? " WITH (publish_via_partition_root = true)" : ""));
        }
    }

    /**
     * Adds the tables the role owns that the publication lacks; answers those added. Nothing when the
     * publication is not made yet. A table the source connector was told at its start to leave out
     * ({@code leftOut}, its unquoted {@code schema.table}) is not added: the connector would not
     * capture it (one given a key since is taken at the next start).
     */
    static List<String> addNew(Connection c, String publication, java.util.function.Predicate<String> leftOut) throws SQLException {
        List<String> added = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT format('%I.%I', n.nspname, c.relname), format('%s.%s', n.nspname, c.relname)"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_publication p ON p.pubname = ?"
                + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('information_schema', '"
                + HeartbeatTable.SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_%'"
                + " AND NOT EXISTS (SELECT 1 FROM pg_publication_rel r WHERE r.prpubid = p.oid AND r.prrelid = c.oid)"
                // A table without a primary key is left out: the target writes rows by key, and
                // PostgreSQL would refuse the application's UPDATE and DELETE on it once published.
                + " AND " + SourceShapes.KEYED
                // Only tables the role may add (ALTER PUBLICATION asks for ownership): others, which
                // TablesLeftOut reports, must not take the round's places of tables that can be added.
                + " AND " + SourceShapes.OWNED
                + " ORDER BY 1 LIMIT " + MAX_PER_ROUND)) {
            s.setString(1, publication);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    if (!leftOut.test(r.getString(2))) {
                        missing.add(r.getString(1));
                    }
                }
            }
        }
        for (String table : missing) {
            try (Statement s = c.createStatement()) {
                // The name comes from format('%I.%I'): quoted as an identifier where it needs to be.
                s.execute("ALTER PUBLICATION " + publication + " ADD TABLE " + table);
                added.add(table);
            } catch (SQLException e) {
                log.warn("Cannot add table {} to publication {}: {}", table, publication, e.getMessage());
            }
        }
        return added;
    }

    /** How many of the user's tables the publication holds (its heartbeat table left out); null when it cannot be read. */
    static String countQuery() {
        return "SELECT count(*) FROM pg_publication_tables WHERE pubname = ? AND schemaname <> '" + HeartbeatTable.SCHEMA + "'";
    }

    /**
     * See {@link DatabaseReadings#sourceProblem}: the first refusal of the replication slot, the
     * publication, or a table in it; null when none. A slot that is gone or invalidated (its WAL
     * removed past {@code max_slot_wal_keep_size}) is said as the walsender would say it.
     */
    static String problem(PostgresConnection source, String publication, String slot) {
        try (Connection c = source.connect(2)) {
            try (PreparedStatement s = c.prepareStatement("SELECT wal_status FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
                s.setString(1, slot);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return "ERROR: replication slot \"" + slot + "\" does not exist; " + FailureReasons.slotLost(slot);
                    }
                    if ("lost".equals(r.getString(1))) {
                        return "ERROR: can no longer get changes from replication slot \"" + slot + "\" (wal_status lost); "
                                + FailureReasons.slotLost(slot);
                    }
                }
            } catch (SQLException e) {
                return SourcePrivileges.described(e);
            }
            List<String> tables = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT format('%I.%I', n.nspname, k.relname) FROM pg_get_publication_tables(?) t"
                    + " JOIN pg_class k ON k.oid = t.relid JOIN pg_namespace n ON n.oid = k.relnamespace ORDER BY 1 LIMIT " + MAX_PER_ROUND)) {
                s.setString(1, publication);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        tables.add(r.getString(1));
                    }
                }
            } catch (SQLException e) {
                // As the walsender says it: ERROR: publication "..." does not exist.
                return SourcePrivileges.described(e);
            }
            for (String table : tables) {
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT 1 FROM " + table + " LIMIT 0").close();
                } catch (SQLException e) {
                    return SourcePrivileges.described(e);
                }
            }
            return null;
        } catch (SQLException e) {
            return null;
        }
    }
}
