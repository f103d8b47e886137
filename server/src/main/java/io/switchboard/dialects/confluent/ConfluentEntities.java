package io.switchboard.dialects.confluent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.Views;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskConfigView;
import io.switchboard.core.Views.TaskStatusView;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** The JSON bodies of Confluent Cloud's connect/v1, field for field, and how the core's views map to them. */
final class ConfluentEntities {
    private ConfluentEntities() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Connector(String name, Map<String, String> config, List<TaskId> tasks, String type) {
    }

    record TaskId(String connector, int task) {
    }

    record TaskConfig(TaskId id, Map<String, String> config) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Status(String name, ConnectorState connector, List<TaskState> tasks, String type) {
    }

    record ConnectorState(String state, @JsonProperty("worker_id") String workerId, String trace) {
    }

    record TaskState(int id, String state, @JsonProperty("worker_id") String workerId, String msg) {
    }

    record Id(String id, @JsonProperty("id_type") String idType) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Info(String name, Map<String, String> config, String type) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Expansion(Id id, Info info, Status status) {
    }

    record Offsets(String name, String id, JsonNode offsets, Metadata metadata) {
    }

    record Metadata(@JsonProperty("observed_at") String observedAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OffsetsRequestInfo(String id, String name, JsonNode offsets, @JsonProperty("requested_at") String requestedAt,
                              String type) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record OffsetsRequestPhase(String phase, String message) {
    }

    record OffsetsRequestStatus(OffsetsRequestInfo request, OffsetsRequestPhase status,
                                @JsonProperty("previous_offsets") @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode previousOffsets,
                                @JsonProperty("applied_at") String appliedAt) {
    }

    /** DELETE's answer. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Deleted(Object error) {
    }

    /** A request to change offsets as Confluent shows it; {@code connectorId} is the connector's lcc- id. */
    static OffsetsRequestInfo offsetsRequest(String connectorId, String name, Views.OffsetsRequestView view) {
        return new OffsetsRequestInfo(connectorId, name, offsetsList(view.offsetsJson()),
                view.requestedAt() == null ? null : view.requestedAt().toString(), view.offsetsJson() == null ? "DELETE" : "PATCH");
    }

    static OffsetsRequestStatus offsetsRequestStatus(String connectorId, String name, Views.OffsetsRequestView view) {
        return new OffsetsRequestStatus(offsetsRequest(connectorId, name, view),
                new OffsetsRequestPhase(view.phase().name(), view.message()), offsetsList(view.previousOffsetsJson()),
                view.appliedAt() == null ? null : view.appliedAt().toString());
    }

    /** The list inside Kafka Connect's {"offsets": [...]} body; null for none. */
    private static JsonNode offsetsList(String body) {
        if (body == null) {
            return null;
        }
        try {
            JsonNode list = new ObjectMapper().readTree(body).path("offsets");
            return list.isArray() ? list : null;
        } catch (IOException e) {
            return null;
        }
    }

    static Connector connector(ConnectorView view) {
        List<TaskId> tasks = IntStream.range(0, view.tasks()).mapToObj(i -> new TaskId(view.name(), i)).toList();
        return new Connector(view.name(), view.config(), tasks, type(view.type()));
    }

    static Info info(ConnectorView view) {
        return new Info(view.name(), view.config(), type(view.type()));
    }

    static TaskConfig taskConfig(TaskConfigView task) {
        return new TaskConfig(new TaskId(task.connector(), task.task()), task.config());
    }

    /**
     * The status in Confluent's words. Confluent names the worker after the connector and gives an
     * empty trace and msg when there is none.
     */
    static Status status(StatusView view) {
        List<TaskState> tasks = view.tasks().stream()
                .map(t -> new TaskState(t.id(), t.state(), workerId(view.name(), t.workerId()), t.trace() == null ? "" : t.trace()))
                .toList();
        return new Status(view.name(), new ConnectorState(state(view), workerId(view.name(), view.workerId()),
                view.trace() == null ? "" : view.trace()), tasks, type(view.type()));
    }

    private static String workerId(String connector, String worker) {
        return worker == null || worker.isEmpty() ? connector : worker;
    }

    /**
     * Confluent's connector state from what the worker reports for the connector and its tasks:
     * <ul>
     *   <li>PROVISIONING: no worker runs it yet (UNASSIGNED, or no report), or it is RESTARTING;</li>
     *   <li>RUNNING: the connector and every task run;</li>
     *   <li>DEGRADED: the connector runs and some, not all, of its tasks failed;</li>
     *   <li>FAILED: the connector failed, or every one of its tasks did;</li>
     *   <li>PAUSED: PAUSED, or STOPPED (Confluent has no stopped state: neither runs tasks, and both resume);</li>
     *   <li>NONE: a state the worker reports that none of these covers.</li>
     * </ul>
     * DELETED is never answered: a deleted connector is a 404.
     */
    static String state(StatusView view) {
        String state = view.state() == null ? "UNASSIGNED" : view.state();
        return switch (state) {
            case "UNASSIGNED", "RESTARTING" -> "PROVISIONING";
            case "PAUSED", "STOPPED" -> "PAUSED";
            case "FAILED" -> "FAILED";
            case "RUNNING" -> {
                long failed = view.tasks().stream().map(TaskStatusView::state).filter("FAILED"::equals).count();
                if (failed == 0) {
                    yield "RUNNING";
                }
                yield failed == view.tasks().size() ? "FAILED" : "DEGRADED";
            }
            default -> "NONE";
        };
    }

    /** "source" or "sink"; null (left out) while the type is not known. */
    private static String type(String type) {
        return "source".equals(type) || "sink".equals(type) ? type : null;
    }

    /**
     * A connector's id: "lcc-" and 12 characters derived from its cluster, name and creation time, so
     * that it is the same on every read and replica, and a connector deleted and created again gets
     * another.
     */
    static Id id(ConnectorView view) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((view.cluster() + "\u0000" + view.name() + "\u0000"
                    + view.createdAt().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
            StringBuilder id = new StringBuilder("lcc-");
            String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
            long bits = ByteBuffer.wrap(digest).getLong();
            for (int i = 0; i < 12; i++) {
                id.append(alphabet.charAt((int) (bits & 31)));
                bits >>>= 5;
            }
            return new Id(id.toString(), "ID");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
