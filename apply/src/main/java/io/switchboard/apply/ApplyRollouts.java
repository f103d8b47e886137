package io.switchboard.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;

/**
 * The rollouts of {@code apply} for a set that declares {@code spec.rollout} ({@link RolloutPlan}):
 * reads the cluster's rollouts for the plan, and starts each rollout planned once the set's own
 * change is applied ({@code POST /clusters/{cluster}/rollouts}). A rollout is started, not waited
 * for: its id is printed, with where to follow it; the first refusal stops the rest.
 */
final class ApplyRollouts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PolicyPlan.Server server;
    private final PrintStream out;
    private final String base;

    ApplyRollouts(PolicyPlan.Server server, PrintStream out, String base) {
        this.server = server;
        this.out = out;
        this.base = base;
    }

    /** The cluster's rollouts, as its route lists them; none when they cannot be read (an older server). */
    JsonNode of(String cluster) throws IOException, InterruptedException {
        HttpResponse<String> answer = server.send("GET", route(cluster), null);
        if (answer.statusCode() != 200) {
            return JSON.createArrayNode();
        }
        JsonNode rollouts = JSON.readTree(answer.body());
        return rollouts.isArray() ? rollouts : JSON.createArrayNode();
    }

    /** Starts the rollouts planned; false at the first refused, said with the server's words. */
    boolean start(String cluster, RolloutPlan plan) throws IOException, InterruptedException {
        for (RolloutPlan.Planned rollout : plan.rollouts()) {
            HttpResponse<String> answer = server.send("POST", route(cluster), JSON.writeValueAsString(rollout.body()));
            JsonNode json = ApplyCommand.json(answer);
            if (answer.statusCode() != 202) {
                out.println("error: the rollout of " + rollout.pluginClass() + " to " + rollout.version() + " was refused ("
                        + answer.statusCode() + "): " + json.path("message").asText(answer.body()));
                return false;
            }
            String id = json.path("id").asText();
            out.println("Started rollout " + id + " of " + rollout.pluginClass() + " to " + rollout.version() + " over "
                    + rollout.connectors().size() + " connector(s): follow it at " + route(cluster) + "/" + id
                    + " or on the console's /console/clusters/" + ApplyCommand.encode(cluster) + "/rollouts/" + id + ".");
        }
        return true;
    }

    private String route(String cluster) {
        return base + "/clusters/" + ApplyCommand.encode(cluster) + "/rollouts";
    }
}
