package io.switchboard.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.DesiredState;
import io.switchboard.rules.RolloutDecider;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A set's version changes planned as plugin version rollouts, when the set declares
 * {@code spec.rollout} ({@link SetRollout}): a pure function of the files, the server's plan of the
 * set as the files ask it, and the cluster's rollouts. Each connector the set would update whose
 * {@code connector.plugin.version} changes (set or added) is taken out of the set's change (the set
 * keeps the version it has) and moved by a rollout instead: one rollout per plugin class, of the
 * connectors of that class in the files' order, the first {@code canary} of them its canary. A
 * connector created, moved from another cluster or whose version key is removed is no rollout's: the
 * set's change makes it as the files say. A rollout of the class under way to the same version
 * already moves the connectors it holds (they wait for it); one to another version is a problem, as
 * is a class whose connectors ask two versions.
 *
 * @param desired  the set as its change is then asked: the rolled-out connectors at the version they have
 * @param rollouts the rollouts to start, one per plugin class
 * @param waiting  the connectors left to a rollout under way, by that rollout's id
 * @param problems why the set's version changes cannot be rolled out as the files ask; empty when they can
 */
public record RolloutPlan(DesiredState desired, List<Planned> rollouts, Map<String, List<String>> waiting, List<String> problems) {
    /** One connector of a rollout: its name and the version it has ({@code from}, null: none). */
    public record Move(String connector, String from) {
    }

    /** One rollout to start: its class, version, connectors (in the order they move) and its pace. */
    public record Planned(String pluginClass, String version, List<Move> connectors, int canary, int batch, int watchSeconds) {
        /** The body of {@code POST /clusters/{cluster}/rollouts}. */
        public Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("class", pluginClass);
            body.put("version", version);
            body.put("canary", canary);
            body.put("batch", batch);
            body.put("watch_s", watchSeconds);
            body.put("connectors", connectors.stream().map(Move::connector).toList());
            return body;
        }
    }

    /**
     * @param desired  the set as the files ask it
     * @param rollout  the set's {@code spec.rollout}
     * @param plan     the server's plan of {@code desired} ({@code POST .../apply?dry_run=true}'s answer)
     * @param rollouts the cluster's rollouts ({@code GET /clusters/{cluster}/rollouts}'s answer; an
     *                 empty node when it could not be read)
     */
    public static RolloutPlan of(DesiredState desired, SetRollout rollout, JsonNode plan, JsonNode rollouts) {
        Map<String, JsonNode> versionChanges = new HashMap<>();
        for (JsonNode item : plan.path("items")) {
            if (!"update".equals(item.path("action").asText())) {
                continue;
            }
            for (JsonNode key : item.path("keys")) {
                String op = key.path("op").asText();
                if (RolloutDecider.VERSION_KEY.equals(key.path("key").asText()) && ("~".equals(op) || "+".equals(op))) {
                    versionChanges.put(item.path("name").asText(), key);
                }
            }
        }
        Map<String, Map<String, List<Move>>> byClass = new LinkedHashMap<>();
        List<DesiredState.Connector> connectors = new ArrayList<>();
        for (DesiredState.Connector c : desired.connectors()) {
            JsonNode change = versionChanges.get(c.name());
            if (change == null) {
                connectors.add(c);
                continue;
            }
            String from = change.hasNonNull("from") ? change.get("from").asText() : null;
            byClass.computeIfAbsent(c.connectorClass(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(c.config().get(RolloutDecider.VERSION_KEY), k -> new ArrayList<>()).add(new Move(c.name(), from));
            Map<String, String> config = new HashMap<>(c.config());
            if (from == null) {
                config.remove(RolloutDecider.VERSION_KEY);
            } else {
                config.put(RolloutDecider.VERSION_KEY, from);
            }
            connectors.add(new DesiredState.Connector(c.name(), c.labels(), config, c.state(), c.origin()));
        }
        List<Planned> planned = new ArrayList<>();
        Map<String, List<String>> waiting = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        byClass.forEach((pluginClass, byVersion) -> {
            if (byVersion.size() > 1) {
                problems.add("the connectors of " + pluginClass + " ask versions " + String.join(", ", new TreeSet<>(byVersion.keySet()))
                        + ": a rollout moves a plugin class to one version (" + rollout.origin() + ")");
                return;
            }
            String version = byVersion.keySet().iterator().next();
            List<Move> moves = byVersion.get(version);
            JsonNode underWay = underWay(rollouts, pluginClass);
            if (underWay == null) {
                planned.add(new Planned(pluginClass, version, moves, Math.min(rollout.canary(), moves.size()), rollout.batch(),
                        rollout.watchSeconds()));
            } else if (version.equals(underWay.path("version").asText())) {
                waiting.put(underWay.path("id").asText(), moves.stream().map(Move::connector).toList());
            } else {
                problems.add("rollout " + underWay.path("id").asText() + " of " + pluginClass + " to version "
                        + underWay.path("version").asText() + " is under way (" + underWay.path("state").asText()
                        + "): apply again once it ended to roll out " + version);
            }
        });
        return new RolloutPlan(new DesiredState(desired.set(), connectors, desired.policies(), desired.setDeclared()), planned,
                waiting, problems);
    }

    /** The rollout of the class under way among the cluster's, or null. */
    private static JsonNode underWay(JsonNode rollouts, String pluginClass) {
        for (JsonNode r : rollouts) {
            String state = r.path("state").asText();
            if (pluginClass.equals(r.path("class").asText()) && !RolloutDecider.DONE.equals(state)
                    && !RolloutDecider.ROLLED_BACK.equals(state)) {
                return r;
            }
        }
        return null;
    }

    /** Whether anything moved the set's connectors' versions. */
    public boolean any() {
        return !rollouts.isEmpty() || !waiting.isEmpty();
    }

    /** The plan's words, like the set's: each rollout with its connectors and their batches, and those that wait. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (Planned r : rollouts) {
            text.append("Rollout of ").append(r.pluginClass()).append(" to ").append(r.version()).append(": ")
                    .append(r.connectors().size()).append(" connector(s), canary ").append(r.canary()).append(", batches of ")
                    .append(r.batch()).append(", each watched ").append(r.watchSeconds()).append(" s\n");
            for (int i = 0; i < r.connectors().size(); i++) {
                Move move = r.connectors().get(i);
                int batch = RolloutDecider.batchOf(i, r.canary(), r.batch());
                text.append("  ~ ").append(move.connector()).append(": ").append(RolloutDecider.VERSION_KEY).append(' ')
                        .append(move.from() == null ? "(none)" : move.from()).append(" -> ").append(r.version())
                        .append(batch == 0 ? " (canary)" : " (batch " + batch + ")").append('\n');
            }
        }
        waiting.forEach((id, names) -> text.append("Rollout ").append(id).append(" under way moves ").append(String.join(", ", names))
                .append(": nothing new to start for them\n"));
        text.append("Rollouts: ").append(rollouts.size()).append(" to start.\n");
        return text.toString();
    }
}
