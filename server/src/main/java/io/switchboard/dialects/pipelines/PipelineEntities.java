package io.switchboard.dialects.pipelines;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.pipelines.PipelineStatus;
import io.switchboard.pipelines.Pipelines;

import java.util.List;
import java.util.Map;

/** The pipeline API's bodies, and how a pipeline's status is read from its two connectors. */
final class PipelineEntities {
    private PipelineEntities() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ConnectorWithStatus(JsonNode connector, Status status, @JsonProperty("run_id") String runId,
                               @JsonProperty("created_at") String createdAt) {
    }

    record ConnectorWithStatuses(List<ConnectorWithStatus> connectors) {
    }

    /** {"state": {KIND: {...}}, "status": {KIND: {...}}}: single-key objects, as the API has them. */
    record Status(Map<String, Object> state, Map<String, Object> status) {
    }

    record History(String id, @JsonProperty("connector_id") String connectorId, @JsonProperty("run_id") String runId,
                   @JsonProperty("created_at") String createdAt, String component, Status status) {
    }

    static ConnectorWithStatus of(Pipelines.PipelineView view) {
        return new ConnectorWithStatus(view.spec().json(), status(view), view.runId(), view.createdAt().toString());
    }

    /** The pipeline's state and status from its connectors' (see {@link PipelineStatus}). */
    static Status status(Pipelines.PipelineView view) {
        PipelineStatus status = PipelineStatus.of(view);
        return new Status(status.state(), status.status());
    }

    /**
     * One history item as the API shows it: a version of a connector by its target state, or a
     * change of the pipeline's phase as the state it entered (with the phase it left under
     * {@code previous}; failed and disabling as state shutdown, see {@link PipelineStatus#ofPhase})
     * and, for failed, status failed with the reason, or a table it left out as
     * state realtime with {@code table_left_out} (table, reason, fix).
     */
    static History history(String id, Pipelines.HistoryItem item) {
        if (item.tableLeftOut() != null) {
            // Recorded only while the pipeline streams: in realtime, a table it does not replicate (whole).
            Pipelines.TableLeftOut t = item.tableLeftOut();
            Map<String, Object> leftOut = new java.util.LinkedHashMap<>();
            leftOut.put("table", t.table());
            leftOut.put("reason", t.reason());
            leftOut.put("fix", t.fix());
            return new History(item.id(), id, item.runId(), item.at().toString(), item.component(),
                    new Status(Map.of("realtime", Map.of("table_left_out", leftOut)), Map.of("heartbeat", Map.of())));
        }
        if (item.phase() != null) {
            // As the vendor's variants: failed is a status (beside state shutdown), a stop under way state shutdown.
            Pipelines.PhaseChange change = item.phase();
            Map<String, Object> left = change.previous() == null ? Map.of() : Map.of("previous", change.previous());
            PipelineStatus answered = PipelineStatus.ofPhase(change.phase(), left, change.cause());
            return new History(item.id(), id, item.runId(), item.at().toString(), item.component(),
                    new Status(answered.state(), answered.status()));
        }
        Map<String, Object> state = switch (item.targetState()) {
            case "STOPPED" -> Map.of("disabled", Map.of());
            case "PAUSED" -> Map.of("shutdown", Map.of());
            default -> Map.of("start", Map.of());
        };
        Map<String, Object> status = "ConnectorDeleted".equals(item.event()) ? Map.of("complete", Map.of()) : Map.of("start", Map.of());
        return new History(item.id(), id, item.runId(), item.at().toString(), item.component(), new Status(state, status));
    }
}
