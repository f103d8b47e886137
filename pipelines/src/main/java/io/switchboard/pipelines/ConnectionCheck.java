package io.switchboard.pipelines;

import io.switchboard.core.ServiceException.Violation;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.jdbc.PreferQueryMode;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Connects to a pipeline's databases before anything is stored, and says in plain words what is
 * wrong: a refused password, a missing database, an unreachable host; for the source, the first
 * privilege replication needs that the user lacks, with the SQL that grants it
 * ({@link SourcePrivileges}). A database's refusal is reported with its own SQLSTATE and message.
 */
public final class ConnectionCheck {
    private static final int TIMEOUT_SECONDS = 5;

    public List<Violation> check(PipelineSpec spec) {
        List<Violation> violations = new ArrayList<>();
        check(spec, true, "source.postgres.connection", violations);
        check(spec, false, "sink.postgres.connection", violations);
        return violations;
    }

    private static void check(PipelineSpec spec, boolean source, String at, List<Violation> violations) {
        PostgresConnection db = source ? spec.source() : spec.sink();
        try (Connection c = db.connect(TIMEOUT_SECONDS)) {
            if (source) {
                Optional<Violation> missing = new SourcePrivileges(c, at, PipelineCompiler.slotName(spec.id()), spec.publication(),
                        HeartbeatTable.wanted(spec) ? spec.id() : null)
                        .firstMissing(() -> replicationConnection(db));
                missing.ifPresent(violations::add);
            } else {
                SinkPrivileges.firstMissing(c, at, spec.targetSchema()).ifPresent(violations::add);
            }
        } catch (SQLException e) {
            violations.add(new Violation(at, FailureReasons.of(SourcePrivileges.described(e).replace(db.password(), PipelineSpec.HIDDEN))));
        }
    }

    /** Opens a connection in the replication protocol, as Debezium's does: pg_hba.conf may allow one and not the other. */
    private static void replicationConnection(PostgresConnection db) throws SQLException {
        PGSimpleDataSource ds = db.dataSource(TIMEOUT_SECONDS);
        ds.setReplication("database");
        ds.setAssumeMinServerVersion("10");
        ds.setPreferQueryMode(PreferQueryMode.SIMPLE);
        try (Connection c = ds.getConnection(); var s = c.createStatement()) {
            s.execute("IDENTIFY_SYSTEM");
        }
    }
}
