package io.switchboard.pipelines;

import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.Violation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The one way a pipeline goes into running, whichever asks it: a create or an update with
 * {@code disabled: false}, Start, Restart and ReIntialize. First the same checks (its databases
 * reachable, its users allowed what replication needs, see {@link ConnectionCheck}); then, before
 * its parts start, off the request thread: its heartbeat table and the sink's target schema are
 * made, what its source holds that its connector must be told is read ({@link SourceShapes}), and
 * its own publication is built of the tables it can replicate ({@link PublicationTables#build}).
 * A table's shape never refuses a pipeline: what it cannot replicate is left out and listed.
 */
final class RunPath {
    private final ConnectionCheck check;
    private final StoredPipelines store;
    private final String notificationsTopic;

    RunPath(ConnectionCheck check, StoredPipelines store, String notificationsTopic) {
        this.check = check;
        this.store = store;
        this.notificationsTopic = notificationsTopic;
    }

    /** The checks: a 400 naming every database that cannot be used, and why. */
    void requireUsable(PipelineSpec spec) {
        List<Violation> problems = check.check(store.opened(spec));
        if (!problems.isEmpty()) {
            throw new ServiceException.InvalidRequest("a database cannot be used", problems);
        }
    }

    /** Readies the databases and compiles the pipeline's two connectors for this run. */
    PipelineCompiler.Compiled prepare(PipelineSpec spec, String runId, long startedAt) {
        PostgresConnection source = store.opened(spec.source());
        HeartbeatTable.ensureOrRefuse(source, spec);
        SinkPrivileges.ensure(store.opened(spec.sink()), spec.targetSchema());
        SourceShapes shapes = shapesOrRefuse(spec);
        if (HeartbeatTable.wanted(spec)) {
            try (Connection c = source.connect(5)) {
                PublicationTables.build(c, PipelineCompiler.slotName(spec.id()), HeartbeatTable.qualified(spec.id()), shapes.viaRoot());
            } catch (SQLException e) {
                throw new ServiceException.InvalidRequest("source.postgres.connection", "the pipeline's publication "
                        + PipelineCompiler.slotName(spec.id()) + " cannot be made: " + FailureReasons.of(SourcePrivileges.described(e)));
            }
        }
        return PipelineCompiler.compile(spec, runId, startedAt, notificationsTopic, shapes);
    }

    /** {@link SourceShapes#read}, or a 400 in the database's words when the source cannot say. */
    private SourceShapes shapesOrRefuse(PipelineSpec spec) {
        try {
            return SourceShapes.read(store.opened(spec.source()), spec.publication(), PipelineCompiler.slotName(spec.id()));
        } catch (SQLException e) {
            throw new ServiceException.InvalidRequest("source.postgres.connection", "the source's tables cannot be read: "
                    + FailureReasons.of(SourcePrivileges.described(e)));
        }
    }
}
