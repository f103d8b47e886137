package io.switchboard.apply;

import io.switchboard.apply.Documents.Node;
import io.switchboard.apply.Documents.Place;
import io.switchboard.rules.RolloutDecider;

import java.util.Map;
import java.util.Set;

/**
 * A set's {@code spec.rollout} ({@code {canary: 1, batch: 2, watch_s: 30}}): the set's version
 * changes are planned as plugin version rollouts ({@code POST /clusters/{cluster}/rollouts},
 * docs/plugin-versions.md) rather than as config changes ({@link RolloutPlan}). A field left out is
 * the rollout route's default; each is judged by the rollout's own bounds
 * ({@link RolloutDecider#boundsProblem}).
 *
 * @param origin where it was declared, for messages: "file, document n"
 */
public record SetRollout(int canary, int batch, int watchSeconds, String origin) {
    private static final Set<String> FIELDS = Set.of("canary", "batch", "watch_s");

    /** The rollout a set's {@code spec.rollout} declares, or null when it declares none or has a problem (recorded). */
    static SetRollout read(Documents documents, Place at, Node node) {
        if (node == null || node.value() == null) {
            return null;
        }
        Map<String, Node> fields = documents.map(at, node, "spec.rollout");
        if (fields == null) {
            return null;
        }
        documents.onlyFields(at, fields, "spec.rollout.", FIELDS);
        Integer canary = number(documents, at, fields.get("canary"), "canary", RolloutDecider.DEFAULT_CANARY);
        Integer batch = number(documents, at, fields.get("batch"), "batch", RolloutDecider.DEFAULT_BATCH);
        Integer watch = number(documents, at, fields.get("watch_s"), "watch_s", RolloutDecider.DEFAULT_WATCH_SECONDS);
        if (canary == null || batch == null || watch == null) {
            return null;
        }
        String bounds = RolloutDecider.boundsProblem(canary, batch, watch);
        if (bounds != null) {
            documents.problem(at.at(node), "spec.rollout", bounds);
            return null;
        }
        return new SetRollout(canary, batch, watch, at.file() + " document " + at.document());
    }

    /** Whether a {@code connector.plugin.version} names one version, as a rollout moves to: not a range, nor latest. */
    static boolean oneVersion(String version) {
        String v = version.trim();
        return !v.isEmpty() && !v.equalsIgnoreCase("latest") && v.chars().noneMatch(c -> c == '[' || c == '(' || c == ',');
    }

    private static Integer number(Documents documents, Place at, Node node, String field, int absent) {
        String text = documents.text(at, node, "spec.rollout." + field, false);
        if (text == null) {
            return node == null || node.value() == null ? absent : null;
        }
        if (!text.matches("-?[0-9]{1,9}")) {
            documents.problem(at.at(node), "spec.rollout." + field, "must be a whole number, not " + text);
            return null;
        }
        return Integer.parseInt(text);
    }
}
