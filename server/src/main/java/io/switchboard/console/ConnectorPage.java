package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.secrets.Redactor;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.ReconcileView;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.events.HistoryJson;
import io.switchboard.http.RequestContexts;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import static io.switchboard.console.Html.text;
import static io.switchboard.console.Html.url;

/**
 * One connector in the console: what was asked (its target state, and who asked it when, from its
 * history) beside what the worker did (the observed state, each task with its trace), the actions
 * the caller's role allows, its config with sealed values shown as sealed (never their value, and
 * no placeholder a save could write back), and every version with who made it, when, and what it
 * changed. The status part is a fragment the page reloads when the event stream says the connector
 * changed, and that an action answers with.
 */
final class ConnectorPage {
    /**
     * Lifecycle events of this connector after which its status is read again (one read at a time,
     * the last event queued), and the stream's (re)opening: what changed between the page's render
     * and the stream's start is read then, so nothing falls in the gap.
     */
    private static final String CHANGES = "htmx:sseOpen from:body, sse:ConnectorStatusChanged queue:last, sse:TargetStateChanged queue:last, "
            + "sse:RestartRequested queue:last, sse:ConnectorConfigChanged queue:last, sse:ReconcileFailed queue:last, "
            + "sse:ReconcileRecovered queue:last, sse:DriftRepaired queue:last, sse:AutoRestarted queue:last, sse:ConnectorMoved queue:last, "
            + "sse:ReconcileRequested queue:last";
    /** The timeline entries that say how the last repair went, the data plane's own ones included. */
    private static final Set<String> REPAIRS = Set.of("ReconcileRequested", "ReconcileRecovered", "DriftRepaired",
            "ReconcileFailed");

    private final CoreServices core;

    ConnectorPage(CoreServices core) {
        this.core = core;
    }

    void page(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("connector");
        Scope scope = scope(ctx, cluster);
        ConnectorView connector = core.connectors().connector(scope, name);
        List<Map<String, Object>> versions = versions(scope, name);
        String base = base(cluster, name);
        String body = "<h1>" + text(name) + " <small>in " + text(cluster) + "</small></h1>"
                + "<p><a id=\"timeline-link\" href=\"" + text(base) + "/timeline\">Incident timeline</a>: failures with their traces,"
                + " restarts and repairs, newest first</p>"
                + "<div id=\"status\" hx-get=\"" + text(base) + "/status\" hx-trigger=\"" + CHANGES + "\">"
                + status(ctx, scope, cluster, name, null) + "</div>" + actions(ctx, cluster, name) + HealthStrip.placeholder(base)
                + ("sink".equals(connector.type()) ? LagSparkline.placeholder(base) : "")
                + travel(ctx, cluster, connector.config(), versions)
                + "<h2>Offsets</h2><div id=\"offsets\" hx-get=\"" + text(base) + "/offsets\" hx-trigger=\"load, "
                + "htmx:sseOpen from:body, sse:ConnectorStatusChanged queue:last, "
                + "sse:OffsetsAltered queue:last, sse:OffsetsReset queue:last\">reading…</div>" + OffsetsSection.controls(ctx, cluster, name)
                + "<h2>Config</h2>" + config(connector.config(), versions)
                + "<h2>History</h2>" + compareForm(versions) + history(cluster, versions, RequestContexts.mayEdit(ctx, cluster) ? base : null);
        String events = "/events?cluster=" + url(cluster) + "&connector=" + url(name);
        ctx.contentType("text/html; charset=utf-8").result(Html.page(name, "hx-ext=\"sse\" sse-connect=\"" + text(events) + "\"", body));
    }

    void statusFragment(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        ctx.contentType("text/html; charset=utf-8").result(status(ctx, scope(ctx, cluster), cluster, ctx.pathParam("connector"), null));
    }

    /** The status part, with a line saying what an action just did. */
    String status(Context ctx, Scope scope, String cluster, String name, String outcome) {
        ConnectorView connector = core.connectors().connector(scope, name);
        StatusView status = core.connectors().status(scope, name);
        Map<String, Object> asked = lastTargetChange(versions(scope, name));
        StringBuilder out = new StringBuilder();
        if (outcome != null) {
            // Out of band, into the page's message line: the status part is read again on every event.
            out.append("<p id=\"messages\" role=\"alert\" class=\"outcome\" hx-swap-oob=\"true\">").append(text(outcome)).append("</p>");
        }
        out.append("<p>Asked: <span class=\"state asked\">").append(text(connector.target())).append("</span>");
        if (asked != null) {
            out.append(" — by ").append(text(asked.getOrDefault("principal", "an anonymous caller"))).append(" at ")
                    .append(text(asked.get("occurred_at")));
        }
        String observed = status == null || status.state() == null ? "UNASSIGNED" : status.state();
        out.append("</p><p>Worker: <span class=\"state applied ").append(text(observed)).append("\">").append(text(observed))
                .append("</span>");
        if (status != null && status.observedAt() != null) {
            out.append(" — reported at ").append(text(status.observedAt()));
        }
        out.append("</p>");
        if (status != null && status.reconcile() != null) {
            // Drift the data plane cannot repair: what it wants, what the worker has, and why it fails.
            ReconcileView drift = status.reconcile();
            out.append("<p class=\"drift FAILED\">Not as asked: wanted ").append(text(drift.desired())).append(", the worker has ")
                    .append(text(drift.observed())).append("; ").append(drift.attempts()).append(" attempts, the last at ")
                    .append(text(drift.lastErrorAt())).append(": ").append(text(drift.lastError()));
            if (drift.nextAttemptAt() != null) {
                out.append("; next attempt at ").append(text(drift.nextAttemptAt()));
            }
            out.append(repairButton(ctx, cluster, name)).append("</p>");
        } else if (!observed.equals(String.valueOf(connector.target())) && !"RESTARTING".equals(observed)) {
            out.append("<p class=\"drift\">Not as asked yet: the data plane is making it so.").append(repairButton(ctx, cluster, name))
                    .append("</p>");
        }
        out.append(lastRepair(scope, name));
        if (status != null && status.autoRestart() != null) {
            out.append("<p class=\"auto-restart\">Auto-restart: ").append(status.autoRestart().count()).append(" restarts");
            if (status.autoRestart().lastRestart() != null) {
                out.append(", the last at ").append(text(status.autoRestart().lastRestart()));
            }
            out.append("</p>");
        }
        if (status != null && status.trace() != null) {
            out.append("<pre class=\"trace\">").append(text(status.trace())).append("</pre>");
        }
        out.append("<table><thead><tr><th>Task</th><th>State</th><th>Worker</th><th>Trace</th></tr></thead><tbody>");
        for (TaskStatusView task : status == null ? List.<TaskStatusView>of() : status.tasks()) {
            out.append("<tr><td>").append(task.id()).append("</td><td class=\"state ").append(text(task.state())).append("\">")
                    .append(text(task.state())).append("</td><td>").append(text(task.workerId())).append("</td><td>")
                    .append(task.trace() == null ? "" : "<pre>" + text(task.trace()) + "</pre>").append("</td></tr>");
        }
        out.append("</tbody></table>");
        return out.toString();
    }

    /** For an operator: asks the data plane to make the connector as asked now, rather than after its back-off. */
    private static String repairButton(Context ctx, String cluster, String name) {
        if (!RequestContexts.mayOperate(ctx, cluster)) {
            return "";
        }
        return " <button class=\"repair\" hx-post=\"" + text(base(cluster, name)) + "/repair\" hx-target=\"#status\">repair</button>";
    }

    /**
     * How the last repair went, from the timeline: asked and not yet carried out, or what the data
     * plane then reported (a failure is the drift line above). Shown live as the worker confirms.
     */
    private String lastRepair(Scope scope, String name) {
        for (Views.TimelineEntryView entry : core.connectors().timeline(scope, name, null, 10).entries()) {
            if (!REPAIRS.contains(entry.kind())) {
                continue;
            }
            if ("ReconcileFailed".equals(entry.kind())) {
                return "";
            }
            return "<p class=\"repair-outcome\">Last repair: " + text(TimelinePage.headline(entry)) + " (" + text(entry.occurredAt())
                    + ")" + ("ReconcileRequested".equals(entry.kind()) ? "; waiting for the worker" : "") + "</p>";
        }
        return "";
    }

    /**
     * The buttons of the actions the caller's role allows in this cluster: outside the status part,
     * which the live view reads again at any moment, so that a refresh never replaces the button
     * whose request is under way (the answer's message line would be lost with it).
     */
    private static String actions(Context ctx, String cluster, String name) {
        String base = base(cluster, name);
        StringBuilder out = new StringBuilder("<p class=\"actions\">");
        if (RequestContexts.mayOperate(ctx, cluster)) {
            for (String action : List.of("pause", "resume", "stop", "restart")) {
                out.append("<button hx-post=\"").append(text(base)).append('/').append(action)
                        .append("\" hx-target=\"#status\">").append(action).append("</button>");
            }
            out.append("<button hx-post=\"").append(text(base)).append("/restart-failed\" hx-target=\"#status\">restart failed tasks</button>");
        }
        if (RequestContexts.mayEdit(ctx, cluster)) {
            out.append("<button hx-post=\"").append(text(base)).append("/delete\" hx-confirm=\"Delete connector ")
                    .append(text(name)).append("?\">delete</button>");
        }
        return out.append("</p>").toString();
    }

    private static String config(Map<String, String> config, List<Map<String, Object>> versions) {
        Map<String, Map<String, Object>> setBy = new HashMap<>();
        for (Map<String, Object> version : versions) {
            Map<?, ?> diff = (Map<?, ?>) version.getOrDefault("diff", Map.of());
            for (String part : List.of("added", "changed")) {
                Object keys = diff.get(part);
                if (keys instanceof Map<?, ?> map) {
                    map.keySet().forEach(key -> setBy.put(String.valueOf(key), version));
                }
            }
        }
        StringBuilder out = new StringBuilder("<table><thead><tr><th>Key</th><th>Value</th></tr></thead><tbody>");
        new TreeMap<>(config).forEach((key, value) -> {
            out.append("<tr><td>").append(text(key)).append("</td><td>");
            if (Redactor.MASK.equals(value)) {
                Map<String, Object> version = setBy.get(key);
                out.append("<span class=\"sealed\">sealed");
                if (version != null) {
                    out.append(", set by ").append(text(version.getOrDefault("principal", "an anonymous caller")))
                            .append(" at ").append(text(version.get("occurred_at")));
                }
                out.append("</span>");
            } else {
                out.append(text(value));
            }
            out.append("</td></tr>");
        });
        return out.append("</tbody></table>").toString();
    }

    /**
     * The connector as it was at a version ({@code ?at=SEQUENCE}) or at a time ({@code
     * ?at=2026-11-25T20:00:00Z}: the last version made by then), each a permalink, beside what has
     * changed since; or the changes between any two versions ({@code ?from=A&to=B}).
     */
    private static String travel(Context ctx, String cluster, Map<String, String> current, List<Map<String, Object>> versions) {
        String at = ctx.queryParam("at");
        String from = ctx.queryParam("from");
        String to = ctx.queryParam("to");
        if (at != null) {
            Map<String, Object> then = at.chars().allMatch(Character::isDigit) ? bySequence(versions, at) : byTime(versions, at);
            return "<section id=\"as-it-was\"><h2>As it was at version " + text(then.get("version")) + "</h2><p>"
                    + text(then.get("occurred_at")) + ", " + text(then.get("event")) + " by "
                    + text(then.getOrDefault("principal", "an anonymous caller")) + "; target " + text(then.get("target_state"))
                    + "</p><p>" + PolicyPages.checkedAgainst(cluster, then.get("policy_versions")) + "</p>" + config(configOf(then), List.of()) + "<h3>Changed since</h3>" + changes(configOf(then), current)
                    + "</section>";
        }
        if (from != null && to != null) {
            Map<String, Object> a = bySequence(versions, from);
            Map<String, Object> b = bySequence(versions, to);
            return "<section id=\"comparison\"><h2>From version " + text(a.get("version")) + " (" + text(a.get("occurred_at"))
                    + ") to version " + text(b.get("version")) + " (" + text(b.get("occurred_at")) + ")</h2>"
                    + changes(configOf(a), configOf(b)) + "</section>";
        }
        return "";
    }

    /** The last version made at or before a time (ISO-8601, such as 2026-11-25T20:00:00Z). */
    private static Map<String, Object> byTime(List<Map<String, Object>> versions, String time) {
        Instant at;
        try {
            at = Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw new ServiceException.InvalidRequest("at", "at is a version's sequence or a time such as 2026-11-25T20:00:00Z, not " + time);
        }
        Map<String, Object> last = null;
        for (Map<String, Object> version : versions) {
            if (!Instant.parse(String.valueOf(version.get("occurred_at"))).isAfter(at)) {
                last = version;
            }
        }
        if (last == null) {
            throw new ServiceException.InvalidRequest("at", "The connector had no version yet at " + time);
        }
        return last;
    }

    private static Map<String, Object> bySequence(List<Map<String, Object>> versions, String sequence) {
        return versions.stream().filter(v -> String.valueOf(v.get("sequence")).equals(sequence)).findFirst()
                .orElseThrow(() -> new ServiceException.InvalidRequest("No version with sequence " + sequence + " in this history"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> configOf(Map<String, Object> version) {
        Object config = version.get("config");
        return config instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of();
    }

    /** Key by key, what is in {@code after} and not {@code before}, the other way round, and what differs. */
    private static String changes(Map<String, String> before, Map<String, String> after) {
        Map<String, Object> added = new TreeMap<>();
        Map<String, Object> removed = new TreeMap<>();
        Map<String, Object> changed = new TreeMap<>();
        after.forEach((key, value) -> {
            if (!before.containsKey(key)) {
                added.put(key, value);
            } else if (!Objects.equals(before.get(key), value)) {
                changed.put(key, Map.of("old", String.valueOf(before.get(key)), "new", String.valueOf(value)));
            }
        });
        before.forEach((key, value) -> {
            if (!after.containsKey(key)) {
                removed.put(key, value);
            }
        });
        String diff = diff(Map.of("added", added, "removed", removed, "changed", changed));
        return diff.isEmpty() ? "<p>No change in the config.</p>" : "<div class=\"diff\">" + diff + "</div>";
    }

    /** A form that compares any two versions. */
    private static String compareForm(List<Map<String, Object>> versions) {
        if (versions.size() < 2) {
            return "";
        }
        StringBuilder options = new StringBuilder();
        for (Map<String, Object> version : versions) {
            options.append("<option value=\"").append(text(version.get("sequence"))).append("\">version ")
                    .append(text(version.get("version"))).append(" · ").append(text(version.get("occurred_at"))).append("</option>");
        }
        return "<form method=\"get\" id=\"compare\">Compare <select name=\"from\">" + options + "</select> with <select name=\"to\">"
                + options + "</select> <button>compare</button></form>";
    }

    /**
     * Every version, newest first, each with what it changed key by key, and for an editor
     * ({@code base} not null) a button that restores an earlier version's config as a new version,
     * and on an entry that keeps offsets one that restores its config and offsets as one change.
     */
    private static String history(String cluster, List<Map<String, Object>> versions, String base) {
        StringBuilder out = new StringBuilder("<table id=\"history\"><thead><tr><th>Version</th><th>When</th><th>Who</th>"
                + "<th>What</th><th>Changes</th><th></th></tr></thead><tbody>");
        List<Map<String, Object>> newestFirst = new ArrayList<>(versions);
        Collections.reverse(newestFirst);
        for (Map<String, Object> version : newestFirst) {
            out.append("<tr><td>").append(text(version.get("version"))).append("</td><td>").append(text(version.get("occurred_at")))
                    .append("</td><td>").append(text(version.getOrDefault("principal", ""))).append("</td><td>")
                    .append(text(version.get("event"))).append(moveStep(version.get("move"))).append(' ')
                    .append(PolicyPages.checkedAgainst(cluster, version.get("policy_versions")))
                    .append("</td><td>").append(diff((Map<?, ?>) version.get("diff")))
                    .append("</td><td>").append(version.get("config") == null ? ""
                            : "<a href=\"?at=" + text(version.get("sequence")) + "\">as it was</a>");
            if (base != null && version.get("config") != null && version != newestFirst.get(0) && version.get("phase") == null) {
                out.append(" <button class=\"restore\" hx-post=\"").append(text(base)).append("/versions/")
                        .append(text(version.get("sequence"))).append("/restore\" hx-target=\"#status\" hx-confirm=\"Restore the config of version ")
                        .append(text(version.get("version"))).append(" as a new version?\">restore</button>");
            }
            if (base != null && version.get("config") != null && version.get("offsets") instanceof Map<?, ?> offsets
                    && offsets.get("offsets") instanceof List<?>) {
                // The offsets kept with a pause, a stop or an offsets change: put back with the config, as one change.
                out.append(" <button class=\"restore-offsets\" hx-post=\"").append(text(base)).append("/versions/")
                        .append(text(version.get("sequence"))).append("/restore?offsets=true\" hx-target=\"#status\" hx-confirm=\"Stop the connector, put back the config and offsets of version ")
                        .append(text(version.get("version"))).append(" (sequence ").append(text(version.get("sequence")))
                        .append("), then return it to its target state?\">restore with offsets</button>");
            }
            out.append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    /** A move's step, as the history names it: "(move start: default → east)", and a refusal's reason. */
    private static String moveStep(Object move) {
        if (!(move instanceof Map<?, ?> step)) {
            return "";
        }
        return " <span class=\"move\">(move " + text(step.get("step")) + ": " + text(step.get("from")) + " \u2192 " + text(step.get("to"))
                + (step.get("reason") == null ? "" : "; " + text(step.get("reason"))) + ")</span>";
    }

    private static String diff(Map<?, ?> diff) {
        if (diff == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        if (diff.get("added") instanceof Map<?, ?> added) {
            added.forEach((k, v) -> out.append("<div class=\"added\">+ ").append(text(k)).append(" = ").append(text(v)).append("</div>"));
        }
        if (diff.get("removed") instanceof Map<?, ?> removed) {
            removed.forEach((k, v) -> out.append("<div class=\"removed\">− ").append(text(k)).append("</div>"));
        }
        if (diff.get("changed") instanceof Map<?, ?> changed) {
            changed.forEach((k, v) -> {
                Map<?, ?> change = (Map<?, ?>) v;
                out.append("<div class=\"changed\">~ ").append(text(k)).append(": ").append(text(change.get("old"))).append(" → ")
                        .append(text(change.get("new"))).append("</div>");
            });
        }
        if (diff.get("target_state") instanceof Map<?, ?> target) {
            out.append("<div class=\"changed\">state: ").append(text(target.get("old"))).append(" → ").append(text(target.get("new")))
                    .append("</div>");
        }
        if (diff.get("phase") instanceof Map<?, ?> phase) {
            out.append("<div class=\"changed\">pipeline phase: ").append(text(phase.get("old") == null ? "none" : phase.get("old")))
                    .append(" → ").append(text(phase.get("new"))).append("</div>");
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> versions(Scope scope, String name) {
        try {
            return (List<Map<String, Object>>) HistoryJson.of(core.connectors().history(scope, name)).get("versions");
        } catch (ServiceException.NotFound e) {
            return List.of();
        }
    }

    private static Map<String, Object> lastTargetChange(List<Map<String, Object>> versions) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            Map<String, Object> version = versions.get(i);
            Object diff = version.get("diff");
            if ("ConnectorCreated".equals(version.get("event"))
                    || diff instanceof Map<?, ?> map && map.get("target_state") != null) {
                return version;
            }
        }
        return null;
    }

    static Scope scope(Context ctx, String cluster) {
        return RequestContexts.scope(ctx, cluster);
    }

    static String base(String cluster, String name) {
        return "/console/clusters/" + url(cluster) + "/connectors/" + url(name);
    }
}
