package io.switchboard.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.DesiredState;
import io.switchboard.core.PolicyWire;
import io.switchboard.rules.PolicyDecider;
import io.switchboard.schemas.PolicySpec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies part of {@code switchboard apply} (docs/policies.md): each {@code kind:
 * ConnectorPolicy} document planned as create, change or unchanged against the policy in force
 * ({@code GET /policies/{name}}), checked by the server's dry run ({@code PUT ?dry_run=true}:
 * an expression the server refuses fails the plan with its error, and the connectors that would
 * break the policy are listed), then stored one by one ({@code PUT}). A policy has no set: prune
 * never deletes one.
 */
final class PolicyPlan {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Sends one request to the server, with the caller's credentials. */
    interface Server {
        HttpResponse<String> send(String method, String target, String body) throws IOException, InterruptedException;
    }

    /** One policy as planned. */
    record Item(DesiredState.Policy policy, String action, String body) {
    }

    private final Server server;
    private final PrintStream out;
    private final String base;
    private final List<Item> items = new ArrayList<>();

    PolicyPlan(Server server, PrintStream out, String url, String cluster) {
        this.server = server;
        this.out = out;
        this.base = url + "/clusters/" + encode(cluster) + "/policies/";
    }

    /** Plans every policy and prints the plan; false when the server refuses one (its error printed). */
    boolean plan(List<DesiredState.Policy> policies) throws IOException, InterruptedException {
        if (policies.isEmpty()) {
            return true;
        }
        out.println("Policies:");
        for (DesiredState.Policy policy : policies) {
            String body = JSON.writeValueAsString(PolicyWire.render(policy.spec()));
            HttpResponse<String> current = server.send("GET", base + encode(policy.name()), null);
            if (current.statusCode() != 200 && current.statusCode() != 404) {
                return refused(policy, current);
            }
            HttpResponse<String> dryRun = server.send("PUT", base + encode(policy.name()) + "?dry_run=true", body);
            if (dryRun.statusCode() != 200) {
                return refused(policy, dryRun);
            }
            String action = current.statusCode() == 404 ? "create"
                    : sameSpec(JSON.readTree(current.body()), policy.spec()) ? "unchanged" : "change";
            items.add(new Item(policy, action, body));
            out.println("  " + symbol(action) + " policy " + policy.name() + ": " + action
                    + (current.statusCode() == 200 ? " (version " + JSON.readTree(current.body()).path("version").asText() + " in force)" : "")
                    + violators(JSON.readTree(dryRun.body())));
        }
        return true;
    }

    /** How many policies the plan creates or changes. */
    int changes() {
        return (int) items.stream().filter(i -> !i.action().equals("unchanged")).count();
    }

    /** Stores every policy the plan creates or changes; false at the first the server refuses. */
    boolean apply() throws IOException, InterruptedException {
        for (Item item : items) {
            if (item.action().equals("unchanged")) {
                continue;
            }
            HttpResponse<String> stored = server.send("PUT", base + encode(item.policy().name()), item.body());
            if (stored.statusCode() != 200 && stored.statusCode() != 201) {
                return refused(item.policy(), stored);
            }
            out.println("Stored policy " + item.policy().name() + " at version " + JSON.readTree(stored.body()).path("version").asText() + ".");
        }
        return true;
    }

    private boolean refused(DesiredState.Policy policy, HttpResponse<String> answer) {
        String message;
        try {
            message = JSON.readTree(answer.body()).path("message").asText(answer.body());
        } catch (IOException e) {
            message = "the server answered " + answer.statusCode() + " with no JSON";
        }
        out.println("error: policy " + policy.name() + " (" + policy.origin() + ") refused (" + answer.statusCode() + "): " + message);
        return false;
    }

    private static String violators(JsonNode dryRun) {
        List<String> names = new ArrayList<>();
        dryRun.path("violators").forEach(v -> names.add(v.path("connector").asText()));
        if (names.isEmpty()) {
            return "";
        }
        int shown = Math.min(names.size(), 10);
        return "; " + names.size() + " connector(s) break it now and keep running: " + String.join(", ", names.subList(0, shown))
                + (names.size() > shown ? ", …" : "");
    }

    private static String symbol(String action) {
        return switch (action) {
            case "create" -> "+";
            case "change" -> "~";
            default -> "=";
        };
    }

    /**
     * Whether the policy in force says what the file says, as the decider judges it
     * ({@link PolicyDecider#sameSpec}) on the spec {@code GET} answers read back by {@link PolicyWire}.
     */
    private static boolean sameSpec(JsonNode current, PolicySpec desired) {
        Map<String, Object> spec = new LinkedHashMap<>();
        PolicyWire.FIELDS.forEach(field -> {
            if (current.has(field)) {
                spec.put(field, JSON.convertValue(current.get(field), Object.class));
            }
        });
        PolicySpec inForce = PolicyWire.read(spec, (field, message) -> { });
        return inForce != null && PolicyDecider.sameSpec(inForce, desired);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
