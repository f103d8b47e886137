package io.switchboard.pipelines;

import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.Violation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What a pipeline's sink user must be allowed, asked of the target database as that user: the
 * target schema exists, or the user may create it ({@code CREATE} on the database; the pipeline
 * then creates it before it starts, {@link #ensure}); and the user may create tables in it
 * ({@code USAGE} and {@code CREATE} on the schema; on PostgreSQL 15 and later, {@code public} no
 * longer grants {@code CREATE} to every role). Each refusal names what is missing and the SQL that
 * grants it. The sink names the schema unquoted, so PostgreSQL folds it to lowercase, as here.
 */
final class SinkPrivileges {
    static final String SCHEMA_FIELD = "sink.postgres.target_schema";

    private SinkPrivileges() {
    }

    /** The schema the sink writes into: the target schema, folded as PostgreSQL folds an unquoted name, or public. */
    static String schema(String targetSchema) {
        return targetSchema == null ? "public" : targetSchema.toLowerCase(java.util.Locale.ROOT);
    }

    static Optional<Violation> firstMissing(Connection c, String at, String targetSchema) throws SQLException {
        String schema = schema(targetSchema);
        String user = text(c, "SELECT quote_ident(current_user)", null);
        String database = text(c, "SELECT quote_ident(current_database())", null);
        String field = targetSchema == null ? at + ".user" : SCHEMA_FIELD;
        if (!"t".equals(text(c, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)", schema))) {
            if ("t".equals(text(c, "SELECT has_database_privilege(current_database(), 'CREATE')", null))) {
                return Optional.empty();
            }
            return Optional.of(new Violation(field, "schema " + schema + " does not exist in database " + database + " and user " + user
                    + " may not create it; create it with: CREATE SCHEMA " + schema + " AUTHORIZATION " + user
                    + ", or let the pipeline create it: GRANT CREATE ON DATABASE " + database + " TO " + user));
        }
        if (!"t".equals(text(c, "SELECT has_schema_privilege(?, 'USAGE') AND has_schema_privilege(?, 'CREATE')", schema, schema))) {
            return Optional.of(new Violation(field, "permission refused: user " + user + " may not create tables in schema " + schema
                    + " of database " + database + "; grant it with: GRANT USAGE, CREATE ON SCHEMA " + schema + " TO " + user));
        }
        return Optional.empty();
    }

    /** Creates the target schema when it is not there (the check found that the user may); a refusal names the database's words. */
    static void ensure(PostgresConnection sink, String targetSchema) {
        String schema = schema(targetSchema);
        // Identifiers cannot be bound; the name is [a-z_][a-z0-9_]* (PipelineSpec checks it), checked again here.
        if (!schema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("Not a schema name: " + schema);
        }
        try (Connection c = sink.connect(5); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        } catch (SQLException e) {
            throw new ServiceException.InvalidRequest(SCHEMA_FIELD, "the target schema " + schema + " cannot be made: "
                    + FailureReasons.of(SourcePrivileges.described(e)));
        }
    }

    private static String text(Connection c, String sql, String... parameters) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; parameters != null && i < parameters.length; i++) {
                s.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
