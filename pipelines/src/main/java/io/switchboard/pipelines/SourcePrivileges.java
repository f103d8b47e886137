package io.switchboard.pipelines;

import io.switchboard.core.ServiceException.Violation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a pipeline's source user must be allowed, tried in the order replication needs it, on a
 * connection made as that user; the first one missing is answered with the SQL that grants it.
 * A pipeline replicates with least privilege: a role with {@code REPLICATION} that can read the
 * captured tables, and either owns them (the pipeline then creates a publication of its own for
 * exactly those tables) or is given a publication an administrator created. A superuser is not
 * needed and not assumed.
 * <ol>
 *   <li>{@code wal_level=logical};</li>
 *   <li>the {@code REPLICATION} attribute, and a replication connection that pg_hba.conf allows;</li>
 *   <li>a free replication slot, unless the pipeline's own is there already;</li>
 *   <li>the named publication exists (its tables with a primary key are the captured ones), or else
 *       the captured tables are those of the database's own schemas that have a primary key and
 *       that the role owns, none at all so far included; a table's shape refuses nothing: the others
 *       are left out and listed in the status ({@link TablesLeftOut});</li>
 *   <li>{@code SELECT} on every captured table;</li>
 *   <li>for the pipeline's own publication, not there yet: {@code CREATE} on the database, which
 *       {@code CREATE PUBLICATION} needs;</li>
 *   <li>for the pipeline's own publication, that it can make its heartbeat table ({@link HeartbeatTable}).</li>
 * </ol>
 */
final class SourcePrivileges {
    static final String PUBLICATION_FIELD = "source.postgres.replication_type.logical_replication.publication_name";

    /** A step that throws when the database refuses it. */
    interface Probe {
        void run() throws SQLException;
    }

    private final Connection connection;
    private final String at;
    private final String slot;
    private final String publication;
    private final String pipelineId;

    /**
     * @param at          the field the connection was given in
     * @param slot        the pipeline's replication slot, which also names its own publication
     * @param publication the publication the spec names, or null for the pipeline's own
     * @param pipelineId  the pipeline whose heartbeat table the role must be able to make, or null for none
     */
    SourcePrivileges(Connection connection, String at, String slot, String publication, String pipelineId) {
        this.connection = connection;
        this.pipelineId = pipelineId;
        this.at = at;
        this.slot = slot;
        this.publication = publication;
    }

    Optional<Violation> firstMissing(Probe replicationConnection) throws SQLException {
        String walLevel = text("SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            return refused(at, FailureReasons.of("wal_level is " + walLevel)
                    + "; set it with: ALTER SYSTEM SET wal_level = logical, then restart PostgreSQL"
                    + " (on a managed service, turn on its logical replication setting)");
        }
        String user = text("SELECT quote_ident(current_user)");
        String database = text("SELECT quote_ident(current_database())");
        boolean superuser = bool("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
        // Amazon RDS and Aurora give replication through membership in rds_replication, not the attribute.
        if (!superuser && !bool("SELECT rolreplication OR EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'rds_replication'"
                + " AND pg_has_role(current_user, r.oid, 'MEMBER')) FROM pg_roles WHERE rolname = current_user")) {
            return refused(at + ".user", "permission refused: user " + user + " lacks the REPLICATION attribute; grant it with: ALTER ROLE "
                    + user + " REPLICATION (Amazon RDS and Aurora: GRANT rds_replication TO " + user + ")");
        }
        try {
            replicationConnection.run();
        } catch (SQLException e) {
            return refused(at, "the database refused a replication connection for user " + user + " (" + described(e)
                    + "); pg_hba.conf needs a line allowing it, such as: host replication " + user + " <client address> scram-sha-256");
        }
        if (!bool("SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)", slot)
                && number("SELECT current_setting('max_replication_slots')::int - (SELECT count(*) FROM pg_replication_slots)") <= 0) {
            return refused(at, "no free replication slot: all " + text("SHOW max_replication_slots")
                    + " (max_replication_slots) are in use; drop one no longer used with SELECT pg_drop_replication_slot('<name>')"
                    + " or raise max_replication_slots");
        }
        List<String> tables;
        if (publication != null) {
            if (!bool("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)", publication)) {
                return refused(PUBLICATION_FIELD, "publication " + publication + " does not exist in database " + database
                        + "; create it as the tables' owner with: CREATE PUBLICATION " + publication + " FOR TABLE <schema.table>, ...");
            }
            // A table of it without a primary key is left out of what the pipeline captures (SourceShapes).
            tables = texts("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_get_publication_tables(?) t"
                    + " JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + SourceShapes.KEYED
                    + " ORDER BY 1", publication);
        } else {
            // Those it can replicate: the others (no primary key, another role's) are left out and listed, never refused.
            tables = texts("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition"
                    + " AND n.nspname NOT IN ('information_schema', '" + HeartbeatTable.SCHEMA + "') AND n.nspname NOT LIKE 'pg\\_%'"
                    + " AND " + SourceShapes.KEYED + " AND " + SourceShapes.OWNED + " ORDER BY 1");
            // None yet is fine: the application's first migration may come after the pipeline (its status says "no tables yet").
        }
        if (superuser) {
            return Optional.empty();
        }
        for (String table : tables) {
            if (!bool("SELECT has_table_privilege(?::regclass, 'SELECT')", table)) {
                return refused(at + ".user", "permission refused: user " + user + " may not read table " + table
                        + "; grant it with: GRANT SELECT ON " + table + " TO " + user);
            }
        }
        if (publication == null && !bool("SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = ?)", slot)) {
            if (!bool("SELECT has_database_privilege(current_database(), 'CREATE')")) {
                return refused(at + ".user", "permission refused: user " + user + " may not create the pipeline's publication in database "
                        + database + "; grant it with: GRANT CREATE ON DATABASE " + database + " TO " + user + ", or have the tables'"
                        + " owner run CREATE PUBLICATION " + slot + " FOR TABLE <schema.table>, ... (or another name, given as "
                        + PUBLICATION_FIELD + ")");
            }
        }
        return pipelineId == null ? Optional.empty() : heartbeatMissing(user, database);
    }

    /**
     * The heartbeat table's: the role makes schema {@code switchboard} with the {@code CREATE} on the
     * database its publication needs, or, when another role made the schema, needs {@code CREATE} on it.
     */
    private Optional<Violation> heartbeatMissing(String user, String database) throws SQLException {
        if (HeartbeatTable.writable(connection, pipelineId)) {
            return Optional.empty();
        }
        String schema = HeartbeatTable.SCHEMA;
        if (!bool("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)", schema)) {
            return bool("SELECT has_database_privilege(current_database(), 'CREATE')") ? Optional.empty()
                    : refused(at + ".user", "permission refused: user " + user + " may not create schema " + schema
                    + " for the pipeline's heartbeat table in database " + database + "; grant it with: GRANT CREATE ON DATABASE "
                    + database + " TO " + user);
        }
        if (!bool("SELECT has_schema_privilege(?, 'CREATE')", schema)) {
            return refused(at + ".user", "permission refused: user " + user + " may not create the pipeline's heartbeat table in schema "
                    + schema + ", which another role made; have its owner grant it with: GRANT USAGE, CREATE ON SCHEMA " + schema
                    + " TO " + user);
        }
        return Optional.empty();
    }

    /** A database's refusal in its own words: the message and its SQLSTATE. */
    static String described(SQLException e) {
        String message = String.valueOf(e.getMessage());
        return e.getSQLState() == null ? message : message + " (SQLSTATE " + e.getSQLState() + ")";
    }

    private static Optional<Violation> refused(String field, String message) {
        return Optional.of(new Violation(field, message));
    }

    private String text(String sql, String... parameters) throws SQLException {
        List<String> all = texts(sql, parameters);
        return all.isEmpty() ? null : all.get(0);
    }

    private boolean bool(String sql, String... parameters) throws SQLException {
        String value = text(sql, parameters);
        return "t".equals(value) || "true".equals(value);
    }

    private long number(String sql) throws SQLException {
        return Long.parseLong(text(sql));
    }

    private List<String> texts(String sql, String... parameters) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }
}
