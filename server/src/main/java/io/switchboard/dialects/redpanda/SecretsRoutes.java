package io.switchboard.dialects.redpanda;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.NamedSecrets;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.Violation;
import io.switchboard.core.Views.SecretView;
import io.switchboard.http.JsonBodies;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static io.switchboard.access.Access.edit;
import static io.switchboard.access.Access.view;

/**
 * Redpanda's Kafka Connect secrets under {@code /v1/kafka-connect/clusters/{cluster_name}/secrets}:
 * create, list, get, update and delete, with names and labels. Values go in (base64, as
 * {@code secret_data}) and never come out; a connector config uses one as {@code ${secretsManager:ID}}.
 */
final class SecretsRoutes {
    private static final Pattern ID = Pattern.compile("^[A-Z][A-Z0-9_]{0,254}$");
    private static final List<String> SCOPES = List.of("SCOPE_REDPANDA_CONNECT");

    private final NamedSecrets secrets;
    private final RedpandaScopes scopes;

    SecretsRoutes(NamedSecrets secrets, RedpandaScopes scopes) {
        this.secrets = secrets;
        this.scopes = scopes;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Secret(String id, Map<String, String> labels, List<String> scopes) {
    }

    record SecretResponse(Secret secret) {
    }

    record ListSecretsResponse(List<Secret> secrets, @JsonProperty("next_page_token") String nextPageToken) {
    }

    void register(JavalinConfig config) {
        String base = ConnectorsRoutes.CLUSTER + "/secrets";
        Access.TargetRule cluster = scopes::target;
        config.routes.get(base, this::list, view(cluster));
        config.routes.post(base, ctx -> {
            Scope scope = scopes.of(ctx);
            JsonNode body = object(ctx.bodyAsBytes());
            String id = id(body.path("name").isTextual() ? body.path("name").asText() : null, "name");
            SecretView created = secrets.create(scope, id, labels(body), value(body));
            ctx.status(201).json(new SecretResponse(secret(created)));
        }, edit(cluster));
        config.routes.get(base + "/{id}", ctx -> {
            Scope scope = scopes.of(ctx);
            ctx.json(new SecretResponse(secret(secrets.get(scope, id(ctx.pathParam("id"), "id")))));
        }, view(cluster));
        config.routes.put(base + "/{id}", ctx -> {
            Scope scope = scopes.of(ctx);
            String id = id(ctx.pathParam("id"), "id");
            JsonNode body = object(ctx.bodyAsBytes());
            ctx.json(new SecretResponse(secret(secrets.update(scope, id, labels(body), value(body)))));
        }, edit(cluster));
        config.routes.delete(base + "/{id}", ctx -> {
            Scope scope = scopes.of(ctx);
            secrets.delete(scope, id(ctx.pathParam("id"), "id"));
            ctx.status(204);
        }, edit(cluster));
    }

    /** Sorted by id, filtered by filter.name_contains, a page at a time as connectors are. */
    private void list(Context ctx) {
        Scope scope = scopes.of(ctx);
        int pageSize = RedpandaRequests.pageSize(ctx);
        String after = PageTokens.lastName(ctx.queryParam("page_token"));
        String contains = ctx.queryParam("filter.name_contains");
        List<Secret> page = new ArrayList<>();
        boolean more = false;
        for (SecretView view : secrets.list(scope)) {
            if ((after != null && view.name().compareTo(after) <= 0) || (contains != null && !view.name().contains(contains))) {
                continue;
            }
            if (pageSize > 0 && page.size() == pageSize) {
                more = true;
                break;
            }
            page.add(secret(view));
        }
        ctx.json(new ListSecretsResponse(page, more ? PageTokens.after(page.get(page.size() - 1).id()) : ""));
    }

    private static Secret secret(SecretView view) {
        return new Secret(view.name(), view.labels(), SCOPES);
    }

    private static String id(String id, String field) {
        if (id == null || !ID.matcher(id).matches()) {
            throw RedpandaErrors.invalid(field, "value must be 1 to 255 characters, an uppercase letter and then uppercase "
                    + "letters, digits or underscores");
        }
        return id;
    }

    private static JsonNode object(byte[] body) {
        JsonNode root = JsonBodies.parse(body);
        if (!root.isObject()) {
            throw RedpandaErrors.invalid("body", "The request body must be a JSON object");
        }
        return root;
    }

    /** secret_data: base64 of the value, which must be UTF-8 text (connector configs are text). */
    private static String value(JsonNode body) {
        JsonNode data = body.get("secret_data");
        if (data == null || !data.isTextual() || data.asText().isEmpty()) {
            throw RedpandaErrors.invalid("secret_data", "value is required: the secret, base64-encoded");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(data.asText());
        } catch (IllegalArgumentException e) {
            throw RedpandaErrors.invalid("secret_data", "value must be base64-encoded");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw RedpandaErrors.invalid("secret_data", "value must be text (UTF-8) once decoded, as connector configs are");
        }
    }

    private static Map<String, String> labels(JsonNode body) {
        JsonNode labels = body.get("labels");
        Map<String, String> out = new LinkedHashMap<>();
        if (labels == null || labels.isNull()) {
            return out;
        }
        List<Violation> violations = new ArrayList<>();
        if (!labels.isObject()) {
            throw RedpandaErrors.invalid("labels", "value must be an object of strings");
        }
        labels.fields().forEachRemaining(label -> {
            if (!label.getValue().isTextual() || label.getKey().isEmpty() || label.getKey().length() > 63
                    || label.getValue().asText().length() > 63) {
                violations.add(new Violation("labels." + label.getKey(), "a label is a key of 1 to 63 characters and a string value of at most 63"));
            } else {
                out.put(label.getKey(), label.getValue().asText());
            }
        });
        if (!violations.isEmpty()) {
            throw RedpandaErrors.invalid(violations);
        }
        return out;
    }
}
