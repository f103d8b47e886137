package io.switchboard.dialects.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.access.Action;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Visibility;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.JsonBodies;
import io.switchboard.http.RequestContexts;
import io.switchboard.pipelines.ConnectionCheck;
import io.switchboard.pipelines.PipelineCommand;
import io.switchboard.pipelines.PipelineSpec;
import io.switchboard.pipelines.Pipelines;
import io.switchboard.pipelines.PostgresConnection;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.switchboard.access.Access.edit;
import static io.switchboard.access.Access.operate;
import static io.switchboard.access.Access.view;

/** The typed pipeline routes under {@code /api/v1}, spelled as the vendor spells them. */
final class PipelineRoutes {
    private static final String COMMAND_ATTRIBUTE = "switchboard.pipelineCommand";
    private final Pipelines pipelines;

    PipelineRoutes(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    void register(JavalinConfig config) {
        Access.TargetRule cluster = ctx -> Access.Target.cluster(pipelines.cluster());
        config.routes.get("/api/v1/connectors", ctx -> ctx.json(new PipelineEntities.ConnectorWithStatuses(
                pipelines.list(visibility(ctx), RequestContexts.consistency(ctx)).stream().map(PipelineEntities::of).toList())),
                view(cluster));
        config.routes.post("/api/v1/connectors", ctx -> AsyncAnswers.answer(ctx,
                pipelines.create(JsonBodies.parse(ctx.bodyAsBytes()), RequestContexts.of(ctx)),
                created -> ctx.status(201).json(PipelineEntities.of(created))), edit(cluster));
        config.routes.get("/api/v1/connectors/{connector_id}",
                ctx -> ctx.json(PipelineEntities.of(pipelines.get(id(ctx), visibility(ctx), RequestContexts.consistency(ctx)))),
                view(cluster));
        config.routes.post("/api/v1/connectors/{connector_id}", ctx -> AsyncAnswers.answer(ctx,
                pipelines.createOrReplace(id(ctx), JsonBodies.parse(ctx.bodyAsBytes()), ctx.queryParam("clone_from"), RequestContexts.of(ctx)),
                written -> ctx.status(written.created() ? 201 : 200).json(PipelineEntities.of(written.pipeline()))), edit(cluster));
        config.routes.patch("/api/v1/connectors/{connector_id}", ctx -> AsyncAnswers.answer(ctx,
                pipelines.patch(id(ctx), JsonBodies.parse(ctx.bodyAsBytes()), RequestContexts.of(ctx)),
                patched -> ctx.status(200).json(PipelineEntities.of(patched))), edit(cluster));
        // Start, Stop and Restart operate; Delete, ForceDelete and ReIntialize destroy, so they need edit.
        config.routes.post("/api/v1/connector/command/{connector_id}", ctx -> AsyncAnswers.answer(ctx,
                pipelines.command(id(ctx), command(ctx), RequestContexts.of(ctx)), ignored -> ctx.status(202)),
                operate(cluster).raisedBy("edit for Delete, ForceDelete and ReIntialize", ctx -> PipelineCommand.named(command(ctx))
                        .filter(PipelineCommand::destructive).map(destructive -> Action.EDIT).orElse(null)));
        config.routes.get("/api/v1/connector/history/{connector_id}", ctx -> {
            String id = id(ctx);
            ctx.json(pipelines.history(id, visibility(ctx), RequestContexts.consistency(ctx)).stream()
                    .map(item -> PipelineEntities.history(id, item)).toList());
        }, view(cluster));
        // It connects to the database named, with the password given: that is an editor's to try.
        config.routes.post("/api/v1/validate/{part}", this::validate, edit(cluster));
    }

    /** The command in the body, parsed once for the access check and the route alike ("" when there is none). */
    private static String command(Context ctx) {
        String parsed = ctx.attribute(COMMAND_ATTRIBUTE);
        if (parsed == null) {
            JsonNode body = JsonBodies.parse(ctx.bodyAsBytes());
            parsed = body.path("command").isTextual() ? body.path("command").asText() : "";
            ctx.attribute(COMMAND_ATTRIBUTE, parsed);
        }
        return parsed;
    }

    private Visibility visibility(Context ctx) {
        return RequestContexts.visibility(ctx, pipelines.cluster());
    }

    /**
     * POST /api/v1/validate/source or /sink with {"postgres": {"connection": {...}}}: connects and
     * answers 200 {"valid": true}, or a 400 problem naming what is wrong; nothing is stored.
     */
    private void validate(Context ctx) {
        String part = ctx.pathParam("part");
        if (!part.equals("source") && !part.equals("sink")) {
            throw new ServiceException.InvalidRequest("part", "validate takes /source or /sink");
        }
        JsonNode body = JsonBodies.parse(ctx.bodyAsBytes());
        JsonNode connection = body.path("postgres").path("connection");
        // A source's replication_type (a publication it names) is checked as a pipeline's would be.
        JsonNode replication = body.path("postgres").path("replication_type");
        String skeleton = "{\"source\":{\"postgres\":{\"connection\":%s,\"replication_type\":%s}},"
                + "\"sink\":{\"postgres\":{\"connection\":%s}}}";
        JsonNode spec = JsonBodies.parse(String.format(skeleton, connection.isObject() ? connection : "{}",
                part.equals("source") && replication.isObject() ? replication : "{\"logical_replication\":{}}",
                connection.isObject() ? connection : "{}").getBytes(StandardCharsets.UTF_8));
        PipelineSpec parsed;
        try {
            parsed = PipelineSpec.parse("validate", spec, null);
        } catch (PipelineSpec.Invalid e) {
            throw new ServiceException.InvalidRequest("the connection is invalid", e.violations().stream()
                    .filter(v -> v.key().startsWith("source."))
                    .map(v -> new ServiceException.Violation(v.key().replace("source.", ""), v.message())).toList());
        }
        PostgresConnection db = part.equals("source") ? parsed.source() : parsed.sink();
        List<ServiceException.Violation> problems = new ConnectionCheck().check(parsed).stream()
                .filter(v -> v.key().startsWith(part.equals("source") ? "source." : "sink."))
                .map(v -> new ServiceException.Violation(v.key().replace(part + ".", ""), v.message())).toList();
        if (!problems.isEmpty()) {
            throw new ServiceException.InvalidRequest("the " + part + " database cannot be used", problems);
        }
        ctx.json(Map.of("valid", true, "database", db.database()));
    }

    private static String id(Context ctx) {
        return ctx.pathParam("connector_id");
    }
}
