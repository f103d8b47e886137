package io.switchboard.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The Confluent Schema Registry REST API, as far as this registry supports it, with Confluent's
 * response shapes and error codes. Every answer, errors included, is JSON.
 */
final class RegistryRoutes {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger log = LoggerFactory.getLogger(RegistryRoutes.class);
    private static final String ANSWERED = "switchboard.registry.answered";

    private final SchemaRegistryService service;
    private final RegistryWriters writers;
    private final ObjectMapper json = new ObjectMapper();

    RegistryRoutes(SchemaRegistryService service, RegistryWriters writers) {
        this.service = service;
        this.writers = writers;
    }

    void install(JavalinConfig config) {
        var routes = config.routes;
        // Every change (POST, PUT, DELETE) needs the writer's credentials; reads are open.
        routes.before(ctx -> writers.require(ctx));
        routes.get("/", ctx -> answer(ctx, 200, Map.of()));
        routes.get("/schemas/types", ctx -> answer(ctx, 200, List.of(SchemaRegistryService.AVRO)));

        routes.get("/subjects", ctx -> answer(ctx, 200, service.subjects(deleted(ctx))));
        routes.get("/subjects/{subject}/versions", ctx ->
                answer(ctx, 200, service.versions(subject(ctx), deleted(ctx))));
        routes.get("/subjects/{subject}/versions/{version}", ctx ->
                answer(ctx, 200, SchemaVersion.of(service.version(subject(ctx), ctx.pathParam("version"), deleted(ctx)))));
        routes.get("/subjects/{subject}/versions/{version}/schema", ctx ->
                answerRaw(ctx, service.version(subject(ctx), ctx.pathParam("version"), deleted(ctx)).schema()));
        routes.post("/subjects/{subject}/versions", ctx -> {
            SchemaRequest request = schemaRequest(ctx);
            answer(ctx, 200, Map.of("id", service.register(subject(ctx), request.schema(), request.schemaType())));
        });
        routes.post("/subjects/{subject}", ctx -> {
            SchemaRequest request = schemaRequest(ctx);
            answer(ctx, 200, SchemaVersion.of(service.lookup(subject(ctx), request.schema(), request.schemaType())));
        });
        routes.delete("/subjects/{subject}", ctx -> answer(ctx, 200, service.deleteSubject(subject(ctx))));
        routes.delete("/subjects/{subject}/versions/{version}", ctx ->
                answer(ctx, 200, service.deleteVersion(subject(ctx), ctx.pathParam("version"))));

        routes.get("/schemas/ids/{id}", ctx -> answer(ctx, 200, Map.of("schema", service.schemaById(id(ctx)))));
        routes.get("/schemas/ids/{id}/schema", ctx -> answerRaw(ctx, service.schemaById(id(ctx))));
        routes.get("/schemas/ids/{id}/versions", ctx -> answer(ctx, 200,
                service.usesOf(id(ctx)).stream().map(v -> new SubjectAndVersion(v.subject(), v.version())).toList()));

        routes.post("/compatibility/subjects/{subject}/versions/{version}", ctx -> {
            SchemaRequest request = schemaRequest(ctx);
            List<String> problems = service.compatibilityProblems(subject(ctx), ctx.pathParam("version"),
                    request.schema(), request.schemaType());
            answer(ctx, 200, "true".equalsIgnoreCase(ctx.queryParam("verbose"))
                    ? new VerboseCompatibility(problems.isEmpty(), problems)
                    : Map.of("is_compatible", problems.isEmpty()));
        });

        routes.get("/config", ctx -> answer(ctx, 200, Map.of("compatibilityLevel", service.level(null).name())));
        routes.put("/config", ctx -> answer(ctx, 200,
                Map.of("compatibility", service.setLevel(null, compatibilityRequest(ctx)).name())));
        routes.get("/config/{subject}", ctx ->
                answer(ctx, 200, Map.of("compatibilityLevel", service.level(subject(ctx)).name())));
        routes.put("/config/{subject}", ctx -> answer(ctx, 200,
                Map.of("compatibility", service.setLevel(subject(ctx), compatibilityRequest(ctx)).name())));
        routes.delete("/config/{subject}", ctx ->
                answer(ctx, 200, Map.of("compatibilityLevel", service.clearLevel(subject(ctx)).name())));

        routes.exception(RegistryError.class, (e, ctx) -> error(ctx, e.status(), e.errorCode(), e.getMessage()));
        routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getStatus(), httpMessage(e)));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, 50001, "Error in the backend data store: " + e.getClass().getSimpleName());
        });
        for (int status : new int[]{404, 405, 413}) {
            routes.error(status, ctx -> errorUnlessAnswered(ctx, status, httpMessage(status, null)));
        }
    }

    private static String httpMessage(HttpResponseException e) {
        return httpMessage(e.getStatus(), e.getMessage());
    }

    /** Confluent's (Jersey's) wording for failures that are about HTTP rather than schemas. */
    private static String httpMessage(int status, String fallback) {
        return switch (status) {
            case 404 -> "HTTP 404 Not Found";
            case 405 -> "HTTP 405 Method Not Allowed";
            case 413 -> "HTTP 413 Request Entity Too Large";
            default -> fallback != null ? fallback : "HTTP " + status;
        };
    }

    private static String subject(Context ctx) {
        return ctx.pathParam("subject");
    }

    private static boolean deleted(Context ctx) {
        return "true".equalsIgnoreCase(ctx.queryParam("deleted"));
    }

    private static int id(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw RegistryError.schemaNotFound(id);
        }
    }

    private SchemaRequest schemaRequest(Context ctx) {
        JsonNode body = jsonBody(ctx);
        JsonNode schema = body.get("schema");
        if (schema == null || schema.isNull()) {
            throw RegistryError.invalidSchema("the request has no 'schema'");
        }
        if (!schema.isTextual()) {
            throw RegistryError.invalidSchema("'schema' must be a string holding the schema's JSON");
        }
        JsonNode references = body.get("references");
        if (references != null && references.isArray() && !references.isEmpty()) {
            throw RegistryError.invalidSchema("schema references are not supported by this registry");
        }
        JsonNode type = body.get("schemaType");
        return new SchemaRequest(schema.textValue(), type == null || type.isNull() ? null : type.asText());
    }

    private String compatibilityRequest(Context ctx) {
        JsonNode level = jsonBody(ctx).get("compatibility");
        if (level == null || !level.isTextual()) {
            throw RegistryError.invalidCompatibilityLevel(level == null ? "" : level.toString());
        }
        return level.textValue();
    }

    private JsonNode jsonBody(Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        JsonNode node;
        try {
            node = body.length == 0 ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            throw RegistryError.badRequest("The request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw RegistryError.badRequest("The request body cannot be read: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw RegistryError.badRequest("The request body must be a JSON object");
        }
        return node;
    }

    private void answer(Context ctx, int status, Object body) {
        try {
            ctx.attribute(ANSWERED, true);
            ctx.status(status).contentType(CONTENT_TYPE).result(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A schema itself as the body, as Confluent's .../schema endpoints answer. */
    private static void answerRaw(Context ctx, String schema) {
        ctx.attribute(ANSWERED, true);
        ctx.status(200).contentType(CONTENT_TYPE).result(schema);
    }

    private void error(Context ctx, int status, int errorCode, String message) {
        answer(ctx, status, new ErrorBody(errorCode, message));
    }

    private void errorUnlessAnswered(Context ctx, int status, String message) {
        if (ctx.attribute(ANSWERED) == null) {
            error(ctx, status, status, message);
        }
    }

    private record SchemaRequest(String schema, String schemaType) {
    }

    @JsonPropertyOrder({"subject", "version", "id", "schema"})
    record SchemaVersion(String subject, int version, int id, String schema) {
        static SchemaVersion of(SubjectVersion v) {
            return new SchemaVersion(v.subject(), v.version(), v.id(), v.schema());
        }
    }

    @JsonPropertyOrder({"subject", "version"})
    record SubjectAndVersion(String subject, int version) {
    }

    @JsonPropertyOrder({"is_compatible", "messages"})
    record VerboseCompatibility(@JsonProperty("is_compatible") boolean compatible, List<String> messages) {
    }

    @JsonPropertyOrder({"error_code", "message"})
    record ErrorBody(@JsonProperty("error_code") int errorCode, String message) {
    }
}
