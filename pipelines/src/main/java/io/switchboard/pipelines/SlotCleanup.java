package io.switchboard.pipelines;

import io.switchboard.core.ServiceException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/** Drops what a pipeline created in its source database: its replication slot, its publication, its heartbeat table. */
public final class SlotCleanup {
    private SlotCleanup() {
    }

    /** Answers whether anything was dropped; a slot still in use (its connector not yet gone) is an error. */
    public static boolean drop(PostgresConnection source, String slot, String publication) throws SQLException {
        return drop(source, slot, publication, null);
    }

    /** The same (no publication when it is null), and the heartbeat table of the pipeline with this id, unless it is null. */
    static boolean drop(PostgresConnection source, String slot, String publication, String heartbeatOf) throws SQLException {
        boolean dropped = false;
        SQLException slotInUse = null;
        try (Connection c = source.connect(5)) {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                dropped = s.executeQuery().next();
            } catch (SQLException e) {
                // The rest goes all the same: a ForceDelete that does not wait on the slot leaves no more than it must.
                slotInUse = e;
            }
            if (publication != null) {
                try (Statement s = c.createStatement()) {
                    // Identifiers cannot be bound; the name is made of [a-z0-9_] (PipelineCompiler.slotName).
                    if (!publication.matches("[a-z0-9_]+")) {
                        throw new IllegalArgumentException("Not a publication name Switchboard makes: " + publication);
                    }
                    s.execute("DROP PUBLICATION IF EXISTS " + publication);
                }
            }
            if (heartbeatOf != null) {
                HeartbeatTable.drop(c, heartbeatOf);
            }
        }
        if (slotInUse != null) {
            throw slotInUse;
        }
        return dropped;
    }

    /**
     * Drops a deleted pipeline's slot, publication and heartbeat table (and the heartbeat's copy in
     * its target). The slot stays in use until the worker has stopped the deleted source's task:
     * tried for up to 30 s, then answered 503 to send Delete again; {@code force} does not wait on it.
     */
    static void dropWaiting(PipelineSpec opened, boolean force) {
        String slot = PipelineCompiler.slotName(opened.id());
        // An administrator's publication is theirs: only the pipeline's own is dropped.
        String publication = opened.publication() == null ? slot : null;
        // A pipeline made before it had a heartbeat may have none: DROP ... IF EXISTS.
        String heartbeatOf = opened.publication() == null ? opened.id() : null;
        long deadline = System.nanoTime() + (force ? 0 : TimeUnit.SECONDS.toNanos(30));
        do {
            try {
                drop(opened.source(), slot, publication, heartbeatOf);
                break;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) {
                    if (!force) {
                        throw new ServiceException.Unavailable("The pipeline's connectors are deleted but its replication slot "
                                + slot + " could not be dropped yet (" + FailureReasons.of(e.getMessage()) + "); send Delete again", 5);
                    }
                    break;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } while (true);
        if (heartbeatOf != null) {
            HeartbeatTable.dropCopy(opened.sink(), opened.targetSchema(), opened.id());
        }
    }
}
