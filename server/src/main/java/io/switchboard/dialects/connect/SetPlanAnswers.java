package io.switchboard.dialects.connect;

import io.switchboard.core.SetPlanner.Action;
import io.switchboard.core.SetProgress;
import io.switchboard.core.SetPlanner.Item;
import io.switchboard.core.SetPlanner.KeyChange;
import io.switchboard.core.SetPlanner.Plan;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A set's plan as JSON and as text in the manner of Terraform's plan ({@code + create},
 * {@code ~ update}, {@code - delete}, a line per key), for CI logs. Secret values never appear: a
 * secret key shows {@code (sealed: changed)} or {@code (sealed: unchanged)}.
 */
final class SetPlanAnswers {
    private SetPlanAnswers() {
    }

    static Map<String, Object> plan(Plan plan) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("set", plan.set());
        json.put("cluster", plan.cluster());
        json.put("set_version", plan.setVersion());
        json.put("version", plan.version());
        Map<String, Object> summary = new LinkedHashMap<>();
        for (Action action : Action.values()) {
            summary.put(action.name().toLowerCase(Locale.ROOT), plan.count(action));
        }
        json.put("summary", summary);
        json.put("changes", plan.changes().size());
        json.put("items", plan.items().stream().map(i -> item(i, plan.workers().get(i.name()))).toList());
        json.put("problems", plan.problems());
        json.put("text", text(plan));
        return json;
    }

    private static Map<String, Object> item(Item item, SetProgress.Drift worker) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", item.name());
        json.put("action", item.action().name().toLowerCase(Locale.ROOT));
        if (item.from() != null) {
            json.put("from", item.from());
        }
        if (item.stateFrom() != null) {
            json.put("state_from", item.stateFrom());
        }
        if (item.stateTo() != null) {
            json.put("state_to", item.stateTo());
        }
        json.put("keys", item.keys().stream().map(SetPlanAnswers::key).toList());
        if (item.error() != null) {
            json.put("error", item.error());
        }
        if (worker != null) {
            json.put("worker", Map.of("drift", worker.kind(), "detail", worker.detail()));
        }
        return json;
    }

    private static Map<String, Object> key(KeyChange key) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("op", key.op().trim().isEmpty() ? "=" : key.op());
        json.put("key", key.key());
        if (key.sealed() != null) {
            json.put("sealed", key.sealed());
        } else {
            if (key.from() != null) {
                json.put("from", key.from());
            }
            if (key.to() != null) {
                json.put("to", key.to());
            }
        }
        return json;
    }

    /** The plan as text, one connector a block, deletions first. */
    static String text(Plan plan) {
        StringBuilder out = new StringBuilder();
        out.append("Set ").append(plan.set()).append(" in cluster ").append(plan.cluster()).append(", planned on version ")
                .append(plan.version()).append('\n');
        for (Item item : plan.items()) {
            if (item.action() == Action.UNCHANGED) {
                continue;
            }
            String mark = switch (item.action()) {
                case CREATE -> "+";
                case DELETE -> "-";
                case ADOPT -> "=";
                default -> "~";
            };
            out.append("  ").append(mark).append(' ').append(item.name()).append(": ")
                    .append(item.action().name().toLowerCase(Locale.ROOT));
            if (item.from() != null) {
                out.append(" from ").append(item.from());
            }
            if (item.stateTo() != null) {
                out.append(" (state ").append(item.stateFrom() == null ? "" : item.stateFrom() + " -> ").append(item.stateTo()).append(')');
            }
            out.append('\n');
            if (item.error() != null) {
                out.append("      error: ").append(item.error()).append('\n');
            }
            worker(out, plan.workers().get(item.name()));
            for (KeyChange key : item.keys()) {
                out.append("      ").append(key.op()).append(' ').append(key.key());
                if (key.sealed() != null) {
                    out.append(" (sealed: ").append(key.sealed()).append(')');
                } else if ("~".equals(key.op())) {
                    out.append(": ").append(key.from()).append(" -> ").append(key.to());
                } else {
                    out.append(": ").append(key.to() != null ? key.to() : key.from());
                }
                out.append('\n');
            }
        }
        // Drift of connectors the plan leaves as they are, beside it: a worker changed behind Switchboard's back.
        for (Item item : plan.items()) {
            SetProgress.Drift drift = plan.workers().get(item.name());
            if (item.action() == Action.UNCHANGED && drift != null && !drift.kind().equals("in_sync")) {
                out.append("  ! ").append(item.name()).append(": unchanged\n");
                worker(out, drift);
            }
        }
        for (String problem : plan.problems()) {
            out.append("  ! ").append(problem).append('\n');
        }
        out.append("Plan: ").append(plan.count(Action.CREATE)).append(" to create, ").append(plan.count(Action.MOVE))
                .append(" to move, ").append(plan.count(Action.UPDATE))
                .append(" to update, ").append(plan.count(Action.STATE)).append(" state changes, ").append(plan.count(Action.DELETE))
                .append(" to delete, ").append(plan.count(Action.ADOPT)).append(" to adopt, ").append(plan.count(Action.UNCHANGED))
                .append(" unchanged.\n");
        return out.toString();
    }

    private static void worker(StringBuilder out, SetProgress.Drift drift) {
        if (drift != null && !drift.kind().equals("in_sync")) {
            out.append("      worker: ").append(drift.kind()).append(" (").append(drift.detail()).append(")\n");
        }
    }

    /** A change's progress: per connector converged, pending, failed or superseded, and the whole. */
    static Map<String, Object> progress(SetProgress.Change progress) {
        Map<String, Object> json = change(progress.change());
        json.put("progress", progress.overall());
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String kind : List.of("converged", "pending", "failed", "superseded")) {
            counts.put(kind, progress.count(kind));
        }
        json.put("counts", counts);
        json.put("items", progress.items().stream().map(i -> {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", i.name());
            item.put("action", i.action());
            item.put("progress", i.progress());
            item.put("detail", i.detail());
            return item;
        }).toList());
        return json;
    }

    /** A set as the processor holds it: version, scope, what it manages, and its latest changes (without configs). */
    static Map<String, Object> set(SetState set, List<String> managed) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("set", set.getName());
        json.put("cluster", set.getCluster());
        json.put("set_version", set.getVersion());
        json.put("selector", set.getSelector());
        json.put("managed", List.copyOf(new java.util.TreeSet<>(managed)));
        json.put("changes", set.getChanges().stream().map(SetPlanAnswers::change).toList());
        return json;
    }

    private static Map<String, Object> change(SetChange change) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", change.getChangeId());
        json.put("set_version", change.getVersion());
        json.put("principal", change.getPrincipal());
        json.put("applied_at", change.getAppliedAt());
        if (change.getRevertOf() != null) {
            json.put("revert_of", change.getRevertOf());
        }
        json.put("connectors", change.getItems().stream().map(i -> i.getConnector()).toList());
        return json;
    }
}
