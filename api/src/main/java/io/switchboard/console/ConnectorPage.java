package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.core.SecretKeys;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.events.HistoryJson;
import io.switchboard.http.RequestContexts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    /** Lifecycle events of this connector after which its status is read again: one read at a time, the last event queued. */
    private static final String CHANGES = "sse:ConnectorStatusChanged queue:last, sse:TargetStateChanged queue:last, "
            + "sse:RestartRequested queue:last, sse:ConnectorConfigChanged queue:last";

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
                + "<div id=\"status\" hx-get=\"" + text(base) + "/status\" hx-trigger=\"" + CHANGES + "\">"
                + status(ctx, scope, cluster, name, null) + "</div>"
                + "<h2>Config</h2>" + config(connector.config(), versions)
                + "<h2>History</h2>" + history(versions);
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
        if (status != null && status.trace() != null) {
            out.append("<pre class=\"trace\">").append(text(status.trace())).append("</pre>");
        }
        out.append("<table><thead><tr><th>Task</th><th>State</th><th>Worker</th><th>Trace</th></tr></thead><tbody>");
        for (TaskStatusView task : status == null ? List.<TaskStatusView>of() : status.tasks()) {
            out.append("<tr><td>").append(task.id()).append("</td><td class=\"state ").append(text(task.state())).append("\">")
                    .append(text(task.state())).append("</td><td>").append(text(task.workerId())).append("</td><td>")
                    .append(task.trace() == null ? "" : "<pre>" + text(task.trace()) + "</pre>").append("</td></tr>");
        }
        out.append("</tbody></table>").append(actions(ctx, cluster, name));
        return out.toString();
    }

    /** The buttons of the actions the caller's role allows in this cluster. */
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
        new java.util.TreeMap<>(config).forEach((key, value) -> {
            out.append("<tr><td>").append(text(key)).append("</td><td>");
            if (SecretKeys.REDACTED.equals(value)) {
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

    /** Every version, newest first, each with what it changed key by key. */
    private static String history(List<Map<String, Object>> versions) {
        StringBuilder out = new StringBuilder("<table id=\"history\"><thead><tr><th>Version</th><th>When</th><th>Who</th>"
                + "<th>What</th><th>Changes</th></tr></thead><tbody>");
        List<Map<String, Object>> newestFirst = new ArrayList<>(versions);
        Collections.reverse(newestFirst);
        for (Map<String, Object> version : newestFirst) {
            out.append("<tr><td>").append(text(version.get("version"))).append("</td><td>").append(text(version.get("occurred_at")))
                    .append("</td><td>").append(text(version.getOrDefault("principal", ""))).append("</td><td>")
                    .append(text(version.get("event"))).append("</td><td>").append(diff((Map<?, ?>) version.get("diff")))
                    .append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
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
