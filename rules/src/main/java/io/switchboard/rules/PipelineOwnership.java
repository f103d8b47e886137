package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.SetConnector;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which commands may touch a connector a typed pipeline owns. A pipeline's two connectors carry its
 * id in their config under {@value #PIPELINE_ID}; the pipeline service issues every command for them
 * naming that pipeline ({@code ConnectorCommand.pipeline}). Invariants, each decided here and only
 * here (the decider, and any early answer an API gives, call {@link #refusal}):
 * <ul>
 *   <li>a connector whose stored config names pipeline P takes commands of any kind (config, target
 *       state, restart, offsets, topics, delete; a create of its name) only from pipeline P;</li>
 *   <li>a command of pipeline P changes only connectors that do not exist yet or that P owns, so a
 *       pipeline never takes over a connector made elsewhere;</li>
 *   <li>the config a command leaves (create, put, patch, a restore with offsets: a
 *       {@code ModifyOffsets} carrying a config) names exactly the pipeline that issued it,
 *       or none: a config that claims a pipeline cannot come from anywhere else.</li>
 * </ul>
 * A pure function of the stored state and the command.
 */
public final class PipelineOwnership {
    /** The config key naming the pipeline that owns a connector. */
    public static final String PIPELINE_ID = "switchboard.pipeline.id";

    private PipelineOwnership() {
    }

    /** The pipeline that owns the connector, or null. */
    public static String owner(ConnectorState current) {
        return current == null ? null : current.getConfig().get(PIPELINE_ID);
    }

    /**
     * The refusal of a command that breaks one of the invariants above, or null when it keeps them
     * (it may still be refused for other reasons).
     */
    public static Decision refusal(ConnectorState current, ConnectorCommand command) {
        String issuer = command.getPipeline();
        String owner = owner(current);
        if (owner != null && !owner.equals(issuer)) {
            return new Decision(Outcome.CONFLICT, DecisionReasons.OWNED_BY_PIPELINE,
                    "connector " + command.getConnector() + " belongs to pipeline " + owner, current, false, null);
        }
        if (issuer != null && current != null && owner == null) {
            return new Decision(Outcome.CONFLICT, DecisionReasons.NOT_OWNED_BY_PIPELINE,
                    "connector " + command.getConnector() + " exists and does not belong to pipeline " + issuer, current, false, null);
        }
        Map<String, String> config = configAfter(current, command.getAction());
        if (config != null && !Objects.equals(config.get(PIPELINE_ID), issuer)) {
            return new Decision(Outcome.REJECTED, DecisionReasons.PIPELINE_ID_RESERVED,
                    PIPELINE_ID + " is set only by the pipeline service, for the connectors of the pipeline it names", current, false, null);
        }
        return null;
    }

    /** The config the action would leave, or null when it sets none (or patches a connector that does not exist). */
    private static Map<String, String> configAfter(ConnectorState current, Object action) {
        if (action instanceof CreateConnector create) {
            return create.getConfig();
        } else if (action instanceof SetConnector set) {
            return set.getConfig();
        } else if (action instanceof PutConnectorConfig put) {
            return put.getConfig();
        } else if (action instanceof ModifyOffsets restore && restore.getConfig() != null) {
            // A restore with offsets stores its config with the offsets' change.
            return restore.getConfig();
        } else if (action instanceof PatchConnectorConfig patch && current != null) {
            Map<String, String> patched = new TreeMap<>(current.getConfig());
            patch.getPatch().forEach((key, value) -> {
                if (value == null) {
                    patched.remove(key);
                } else {
                    patched.put(key, value);
                }
            });
            return patched;
        }
        return null;
    }
}
