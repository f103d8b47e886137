package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.core.Policies;
import io.switchboard.core.PolicyWire;
import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.InvalidRequest;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.JsonBodies;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicySpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.switchboard.access.Access.admin;
import static io.switchboard.access.Access.view;

/**
 * User policies (docs/policies.md): {@code PUT /policies/{name}} stores a policy's next version
 * ({@code ?dry_run=true}: stores nothing and lists the connectors that would break it),
 * {@code GET} one (with its current violators) or the list (the built-in ones among them, read-only),
 * {@code DELETE}, and {@code GET /policies/{name}/history}. Admin to change, viewer to read.
 */
final class PoliciesResource {
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

    /** The spec of the body ({@link PolicyWire}), refused as a 400 naming every problem; the body may repeat the path's name. */
    static PolicySpec spec(JsonNode root, String name) {
        if (root == null || !root.isObject()) {
            throw new InvalidRequest("a policy is an object with action, match and validations");
        }
        if (root.has("name") && !name.equals(root.get("name").asText())) {
            throw new InvalidRequest("name", "the policy's name in the body (" + root.get("name").asText() + ") is not the one in the path (" + name + ")");
        }
        Map<String, Object> tree = new LinkedHashMap<>(JsonBodies.tree(root));
        tree.remove("name");
        List<ServiceException.Violation> problems = new ArrayList<>();
        PolicySpec spec = PolicyWire.read(tree, (field, message) -> problems.add(new ServiceException.Violation(field, message)));
        if (spec == null) {
            throw new InvalidRequest(String.join("; ", problems.stream().map(p -> p.key() + ": " + p.message()).toList()), problems);
        }
        return spec;
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
        json.putAll(PolicyWire.render(policy.getSpec()));
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
