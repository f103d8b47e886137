package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.core.Policies;
import io.switchboard.core.ServiceException.InvalidRequest;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.JsonBodies;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.switchboard.access.Access.admin;
import static io.switchboard.access.Access.view;

/**
 * User policies (docs/policies.md): {@code PUT /policies/{name}} stores a policy's next version
 * ({@code ?dry_run=true}: stores nothing and lists the connectors that would break it),
 * {@code GET} one (with its current violators) or the list (the built-in ones among them, read-only),
 * {@code DELETE}, and {@code GET /policies/{name}/history}. Admin to change, viewer to read.
 */
final class PoliciesResource {
    private static final Set<String> FIELDS = Set.of("name", "action", "match", "validations");
    private final Policies policies;
    private final ConnectScopes scopes;

    PoliciesResource(Policies policies, ConnectScopes scopes) {
        this.policies = policies;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        config.routes.get(base + "/policies", this::list, view(scopes::target));
        config.routes.get(base + "/policies/{policy}", this::show, view(scopes::target));
        config.routes.get(base + "/policies/{policy}/history", this::history, view(scopes::target));
        config.routes.put(base + "/policies/{policy}", this::put, admin(scopes::target));
        config.routes.delete(base + "/policies/{policy}", this::delete, admin(scopes::target));
    }

    private void list(Context ctx) {
        List<Map<String, Object>> all = new ArrayList<>();
        policies.list(scopes.of(ctx)).forEach(listed -> all.add(json(listed)));
        ctx.json(all);
    }

    private void show(Context ctx) {
        var scope = scopes.of(ctx);
        String name = ctx.pathParam("policy");
        Map<String, Object> json = json(policies.get(scope, name));
        json.put("violators", violators(policies.violators(scope, name)));
        ctx.json(json);
    }

    private void history(Context ctx) {
        List<Map<String, Object>> versions = new ArrayList<>();
        policies.history(scopes.of(ctx), ctx.pathParam("policy")).forEach(p -> versions.add(json(p)));
        ctx.json(versions);
    }

    private void put(Context ctx) {
        boolean dryRun = ConnectRequests.flag("dry_run", ctx.queryParams("dry_run"));
        var scope = scopes.of(ctx);
        String name = ctx.pathParam("policy");
        PolicySpec spec = spec(JsonBodies.parse(ctx.bodyAsBytes()), name);
        if (dryRun) {
            Policies.DryRun run = policies.dryRun(scope, name, spec, RequestContexts.of(ctx).principal());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dry_run", true);
            json.put("name", name);
            json.put("checked", run.checked());
            json.put("violators", violators(run.violators()));
            ctx.json(json);
            return;
        }
        AsyncAnswers.answer(ctx, policies.put(scope, name, spec, RequestContexts.of(ctx)), decision -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", name);
            json.put("version", decision.getPolicyVersions().get(name));
            json.put("result", decision.getOutcome().name().toLowerCase(Locale.ROOT));
            ctx.status(decision.getOutcome() == Outcome.CREATED ? 201 : 200).json(json);
        });
    }

    private void delete(Context ctx) {
        AsyncAnswers.answer(ctx, policies.delete(scopes.of(ctx), ctx.pathParam("policy"), RequestContexts.of(ctx)),
                decision -> ctx.status(204));
    }

    static PolicySpec spec(JsonNode root, String name) {
        if (root == null || !root.isObject()) {
            throw new InvalidRequest("a policy is an object with action, match and validations");
        }
        JsonBodies.onlyFields(root, FIELDS, "a policy", "name, action, match and validations");
        if (root.has("name") && !name.equals(root.get("name").asText())) {
            throw new InvalidRequest("name", "the policy's name in the body (" + root.get("name").asText() + ") is not the one in the path (" + name + ")");
        }
        String action = root.path("action").asText("deny").toUpperCase(Locale.ROOT);
        if (!action.equals("DENY") && !action.equals("WARN")) {
            throw new InvalidRequest("action", "action is deny or warn");
        }
        JsonNode match = root.path("match");
        if (!match.isMissingNode() && !match.isObject()) {
            throw new InvalidRequest("match", "match is an object with classes, names and labels");
        }
        if (match.isObject()) {
            JsonBodies.onlyFields(match, Set.of("classes", "names", "labels"), "a policy's match", "classes, names and labels");
        }
        JsonNode validations = root.get("validations");
        if (validations == null || !validations.isArray()) {
            throw new InvalidRequest("validations", "validations is a list of {expression, message}");
        }
        List<PolicyValidation> list = new ArrayList<>();
        for (JsonNode v : validations) {
            if (!v.isObject() || !v.path("expression").isTextual() || !v.path("message").isTextual()) {
                throw new InvalidRequest("validations", "each validation has an expression and a message, both strings");
            }
            JsonBodies.onlyFields(v, Set.of("expression", "message"), "a validation", "expression and message");
            list.add(new PolicyValidation(v.get("expression").asText(), v.get("message").asText()));
        }
        return PolicySpec.newBuilder().setAction(PolicyAction.valueOf(action))
                .setMatchClasses(strings(match.path("classes"), "match.classes"))
                .setMatchNames(strings(match.path("names"), "match.names"))
                .setMatchLabels(labels(match.path("labels")))
                .setValidations(list).build();
    }

    private static List<String> strings(JsonNode node, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidRequest(field, field + " is a list of globs");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                throw new InvalidRequest(field, field + " is a list of globs");
            }
            values.add(value.asText());
        }
        return values;
    }

    private static Map<String, String> labels(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidRequest("match.labels", "match.labels is an object of strings");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (var entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new InvalidRequest("match.labels", "match.labels is an object of strings");
            }
            labels.put(entry.getKey(), entry.getValue().asText());
        }
        return labels;
    }

    private static Map<String, Object> json(Policies.Listed listed) {
        if (listed.builtIn()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", listed.name());
            json.put("read_only", true);
            json.put("action", "deny");
            json.put("description", "built in: see docs/security.md");
            return json;
        }
        return json(listed.policy());
    }

    static Map<String, Object> json(ConnectorPolicy policy) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", policy.getName());
        json.put("cluster", policy.getCluster());
        json.put("version", policy.getVersion());
        json.put("read_only", false);
        json.put("action", policy.getSpec().getAction().name().toLowerCase(Locale.ROOT));
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("classes", policy.getSpec().getMatchClasses());
        match.put("names", policy.getSpec().getMatchNames());
        match.put("labels", policy.getSpec().getMatchLabels());
        json.put("match", match);
        List<Map<String, String>> validations = new ArrayList<>();
        policy.getSpec().getValidations().forEach(v -> validations.add(Map.of("expression", v.getExpression(), "message", v.getMessage())));
        json.put("validations", validations);
        json.put("deleted", policy.getDeleted());
        json.put("principal", policy.getPrincipal());
        json.put("changed_at", policy.getChangedAt());
        return json;
    }

    private static List<Map<String, Object>> violators(List<Policies.Violator> violators) {
        List<Map<String, Object>> list = new ArrayList<>();
        violators.forEach(v -> list.add(Map.of("connector", v.connector(), "messages", v.messages())));
        return list;
    }
}
