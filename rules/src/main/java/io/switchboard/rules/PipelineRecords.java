package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PipelinePhaseChanged;
import io.switchboard.schemas.PipelineTableLeftOut;
import io.switchboard.schemas.RecordPipelinePhase;
import io.switchboard.schemas.RecordPipelineTableLeftOut;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The decisions on what a pipeline records on its own connectors (its phase, the tables it left
 * out): part of {@link CommandDecider}, which hands these commands here, pure functions of the
 * connector's state and the command like the rest of it.
 */
final class PipelineRecords {
    private PipelineRecords() {
    }

    /**
     * A pipeline's phase change, recorded on the connector of the pipeline that sent it. Accepted
     * only from the phase recorded last, so that a change seen twice (two senders, or one sent again
     * after a restart) is recorded once: the second finds another phase recorded and is refused as
     * stale. Config, target state, version and deciding command stay as they are, so the data plane
     * has nothing to do for it.
     */
    static Decision recordPhase(ConnectorState current, ConnectorCommand command, RecordPipelinePhase phase) {
        if (current == null) {
            return CommandDecider.notFound();
        }
        String pipeline = PipelineOwnership.owner(current);
        if (pipeline == null) {
            return notAPipeline(current, command);
        }
        String recorded = current.getPipelinePhase();
        if (!Objects.equals(recorded, phase.getPrevious())) {
            return CommandDecider.refused(Outcome.CONFLICT, DecisionReasons.PHASE_CHANGED_MEANWHILE, "the phase recorded is " + recorded
                    + ", not " + phase.getPrevious(), current);
        }
        if (phase.getPhase().equals(recorded)) {
            return new Decision(Outcome.UNCHANGED, null, null, current, false, null);
        }
        ConnectorState next = CommandDecider.copyOf(current).setPipelinePhase(phase.getPhase()).build();
        PipelinePhaseChanged changed = new PipelinePhaseChanged(pipeline, recorded, phase.getPhase(), phase.getCause());
        return new Decision(Outcome.UPDATED, null, null, next, true, CommandDecider.event(command, current.getVersion(), changed));
    }

    /** A pipeline's record sent for a connector no pipeline owns. */
    private static Decision notAPipeline(ConnectorState current, ConnectorCommand command) {
        return CommandDecider.refused(Outcome.REJECTED, DecisionReasons.NOT_A_PIPELINE, "connector " + command.getConnector()
                + " belongs to no pipeline", current);
    }

    /**
     * A table the pipeline left out of what it replicates, recorded on the connector of the pipeline
     * that sent it once per table and reason: the same table and reason again is UNCHANGED (no
     * event), so a report sent every few seconds, or by two replicas, is recorded once. Config,
     * target state, version and deciding command stay as they are.
     */
    static Decision recordTableLeftOut(ConnectorState current, ConnectorCommand command, RecordPipelineTableLeftOut leftOut) {
        if (current == null) {
            return CommandDecider.notFound();
        }
        String pipeline = PipelineOwnership.owner(current);
        if (pipeline == null) {
            return notAPipeline(current, command);
        }
        Map<String, String> recorded = current.getPipelineTablesLeftOut();
        if (leftOut.getReason().equals(recorded.get(leftOut.getTable()))) {
            return new Decision(Outcome.UNCHANGED, null, null, current, false, null);
        }
        if (!CommandDecider.tableLeftOutRecordable(recorded, leftOut.getTable())) {
            return CommandDecider.refused(Outcome.REJECTED, DecisionReasons.TABLES_LEFT_OUT_FULL, CommandDecider.MAX_TABLES_LEFT_OUT
                    + " tables are recorded as left out of pipeline " + pipeline + " already", current);
        }
        Map<String, String> tables = new TreeMap<>(recorded);
        tables.put(leftOut.getTable(), leftOut.getReason());
        ConnectorState next = CommandDecider.copyOf(current).setPipelineTablesLeftOut(tables).build();
        PipelineTableLeftOut event = new PipelineTableLeftOut(pipeline, leftOut.getTable(), leftOut.getReason(), leftOut.getFix());
        return new Decision(Outcome.UPDATED, null, null, next, true, CommandDecider.event(command, current.getVersion(), event));
    }
}
