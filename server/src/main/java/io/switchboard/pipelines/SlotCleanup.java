package io.switchboard.pipelines;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Drops the replication slot and publication a pipeline created in its source database. */
public final class SlotCleanup {
    private SlotCleanup() {
    }

    /** Answers whether anything was dropped; a slot still in use (its connector not yet gone) is an error. */
    public static boolean drop(PostgresConnection source, String slot, String publication) throws SQLException {
        boolean dropped = false;
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password())) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                dropped = s.executeQuery().next();
            }
            try (Statement s = c.createStatement()) {
                // Identifiers cannot be bound; the name is made of [a-z0-9_] (PipelineCompiler.slotName).
                if (!publication.matches("[a-z0-9_]+")) {
                    throw new IllegalArgumentException("Not a publication name Switchboard makes: " + publication);
                }
                s.execute("DROP PUBLICATION IF EXISTS " + publication);
            }
        }
        return dropped;
    }
}
