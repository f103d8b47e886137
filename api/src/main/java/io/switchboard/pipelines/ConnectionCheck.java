package io.switchboard.pipelines;

import io.switchboard.core.ServiceException.Violation;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Connects to a pipeline's databases before anything is stored, and says in plain words what is
 * wrong: a refused password, a missing database, an unreachable host, and for the source,
 * logical replication off ({@code wal_level} not {@code logical}) or a user without REPLICATION.
 */
public final class ConnectionCheck {
    private static final int TIMEOUT_SECONDS = 5;

    public List<Violation> check(PipelineSpec spec) {
        List<Violation> violations = new ArrayList<>();
        check(spec.source(), true, "source.postgres.connection", violations);
        check(spec.sink(), false, "sink.postgres.connection", violations);
        return violations;
    }

    private static void check(PostgresConnection db, boolean source, String at, List<Violation> violations) {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        props.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", String.valueOf(TIMEOUT_SECONDS * 2));
        props.setProperty("loginTimeout", String.valueOf(TIMEOUT_SECONDS));
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), props); Statement s = c.createStatement()) {
            if (source) {
                try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
                    if (rs.next() && !"logical".equals(rs.getString(1))) {
                        violations.add(new Violation(at, FailureReasons.of("wal_level is " + rs.getString(1))));
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user")) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        violations.add(new Violation(at + ".user", "permission refused: the user needs the REPLICATION attribute"));
                    }
                }
            }
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            violations.add(new Violation(at, FailureReasons.of(message.replace(db.password(), PipelineSpec.HIDDEN))));
        }
    }
}
