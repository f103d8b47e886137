package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.TimelineEntryView;
import io.switchboard.core.Views.TimelineTaskView;
import io.switchboard.core.Views.TimelineView;
import io.switchboard.events.HistoryJson;

import java.util.List;
import java.util.Map;

import static io.switchboard.console.Html.text;
import static io.switchboard.console.Html.url;

/**
 * A connector's incident timeline ({@code /console/clusters/{cluster}/connectors/{name}/timeline}),
 * newest first, {@link #PAGE} entries a page ({@code ?before=SEQUENCE} for older ones): each status
 * change the worker reported with the connector's and tasks' traces as they were then, each
 * auto-restart with when the next may come, each failure, recovery and repair of the data plane,
 * and the config version live then, linked to the connector as it was at that version. Read-only:
 * whoever may view the connector sees it; it holds no config value. The newest page is read again
 * when the event stream says the connector changed.
 */
final class TimelinePage {
    static final int PAGE = 20;
    private static final String CHANGES = "htmx:sseOpen from:body, sse:ConnectorStatusChanged queue:last, sse:AutoRestarted queue:last, "
            + "sse:ReconcileFailed queue:last, sse:ReconcileRecovered queue:last, sse:DriftRepaired queue:last, sse:ConnectorMoved queue:last, "
            + "sse:ReconcileRequested queue:last";

    private final CoreServices core;

    TimelinePage(CoreServices core) {
        this.core = core;
    }

    /** The page, or (asked by the page itself, with htmx's header) just its entries. */
    void page(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("connector");
        Scope scope = ConnectorPage.scope(ctx, cluster);
        Long before = before(ctx.queryParam("before"));
        String entries = entries(scope, cluster, name, before);
        if ("true".equals(ctx.header("HX-Request"))) {
            ctx.contentType("text/html; charset=utf-8").result(entries);
            return;
        }
        String base = ConnectorPage.base(cluster, name);
        // Only the newest page follows the stream: an older one stays as it was asked for.
        String live = before == null ? " hx-get=\"" + text(base) + "/timeline\" hx-trigger=\"" + CHANGES + "\"" : "";
        String body = "<h1>" + text(name) + " <small>in " + text(cluster) + "</small></h1><p><a href=\"" + text(base)
                + "\">← the connector</a></p><h2>Incident timeline</h2><div id=\"timeline\"" + live + ">" + entries + "</div>";
        String events = "/events?cluster=" + url(cluster) + "&connector=" + url(name);
        String sse = before == null ? "hx-ext=\"sse\" sse-connect=\"" + text(events) + "\"" : "";
        ctx.contentType("text/html; charset=utf-8").result(Html.page(name + " incidents", sse, body));
    }

    private static Long before(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ServiceException.InvalidRequest("before", "before is an entry's sequence, not " + value);
        }
    }

    private String entries(Scope scope, String cluster, String name, Long before) {
        TimelineView timeline = core.connectors().timeline(scope, name, before, PAGE);
        List<Map<String, Object>> versions = versions(scope, name);
        String base = ConnectorPage.base(cluster, name);
        StringBuilder out = new StringBuilder();
        if (timeline.entries().isEmpty()) {
            out.append("<p class=\"empty\">No incident recorded").append(before == null ? "" : " before this").append(".</p>");
        }
        for (TimelineEntryView entry : timeline.entries()) {
            out.append("<article class=\"incident ").append(text(entry.kind())).append(' ').append(tone(entry))
                    .append("\" data-sequence=\"").append(entry.sequence())
                    .append("\"><h3><time>").append(text(entry.occurredAt())).append("</time> ").append(text(headline(entry)))
                    .append("</h3><p class=\"version\">Config ").append(versionLink(base, versions, entry)).append(" was live");
            if (entry.workerId() != null) {
                out.append("; worker ").append(text(entry.workerId()));
            }
            out.append("</p>");
            out.append(trace("Connector", entry.trace()));
            for (TimelineTaskView task : entry.tasks()) {
                if (!"RUNNING".equals(task.state()) || task.trace() != null) {
                    out.append("<p class=\"task\">Task ").append(task.id()).append(": <span class=\"state ").append(text(task.state()))
                            .append("\">").append(text(task.state())).append("</span></p>").append(trace("Task " + task.id(), task.trace()));
                }
            }
            out.append("</article>");
        }
        out.append("<p class=\"pages\">");
        if (before != null) {
            out.append("<a href=\"").append(text(base)).append("/timeline\">newest</a> ");
        }
        if (timeline.before() != null) {
            out.append("<a class=\"older\" href=\"").append(text(base)).append("/timeline?before=").append(timeline.before())
                    .append("\">older</a>");
        } else if (timeline.dropped() > 0) {
            out.append(timeline.dropped()).append(" older incidents are no longer kept.");
        }
        return out.append("</p>").toString();
    }

    /** A trace folded under its first line, which says what failed. */
    private static String trace(String whose, String trace) {
        if (trace == null) {
            return "";
        }
        int end = trace.indexOf('\n');
        return "<details class=\"trace\"><summary>" + text(whose) + " trace: " + text(end < 0 ? trace : trace.substring(0, end))
                + "</summary><pre>" + text(trace) + "</pre></details>";
    }

    /** How the entry reads at a glance: something failed, something came right, or neither. */
    private static String tone(TimelineEntryView entry) {
        boolean failed = "FAILED".equals(entry.state()) || "ReconcileFailed".equals(entry.kind())
                || entry.tasks().stream().anyMatch(t -> "FAILED".equals(t.state()));
        boolean fine = "ReconcileRecovered".equals(entry.kind()) || "DriftRepaired".equals(entry.kind()) || "ConnectorMoved".equals(entry.kind());
        return failed && !fine ? "bad" : fine || "RUNNING".equals(entry.state()) && "ConnectorStatusChanged".equals(entry.kind()) ? "good" : "info";
    }

    /** What happened, in words. */
    static String headline(TimelineEntryView entry) {
        String state = entry.state() == null ? "UNASSIGNED" : entry.state();
        long tasksFailed = entry.tasks().stream().filter(t -> "FAILED".equals(t.state())).count();
        String tasks = tasksFailed == 0 ? "" : ", " + tasksFailed + " of " + entry.tasks().size() + " tasks FAILED";
        return switch (entry.kind()) {
            case "ConnectorStatusChanged" -> "Worker: " + (entry.previous() == null || entry.previous().equals(state) ? ""
                    : entry.previous() + " → ") + state + tasks;
            case "AutoRestarted" -> "Auto-restart " + entry.restarts() + (entry.nextRestartAt() == null
                    ? "; the connector's limit is reached, no more" : "; back-off: the next not before " + entry.nextRestartAt());
            case "ReconcileFailed" -> "Not as asked: " + entry.detail();
            case "ReconcileRecovered" -> "Recovered: " + entry.detail();
            case "DriftRepaired" -> "Drift repaired, " + entry.detail();
            case "ConnectorMoved" -> "Moved " + entry.detail() + (entry.principal() == null ? "" : ", asked by " + entry.principal());
            case "ReconcileRequested" -> "Repair asked by " + (entry.principal() == null ? "an anonymous caller" : entry.principal());
            default -> entry.kind();
        };
    }

    /**
     * The version live at the entry, linked to the connector as it was then ({@code ?at=}): the
     * last version of the history with that number (the timeline goes with the connector, so the
     * last incarnation's), else the version made last by the entry's time.
     */
    private static String versionLink(String base, List<Map<String, Object>> versions, TimelineEntryView entry) {
        String at = url(entry.occurredAt().toString());
        for (int i = versions.size() - 1; i >= 0; i--) {
            Map<String, Object> version = versions.get(i);
            if (String.valueOf(entry.version()).equals(String.valueOf(version.get("version"))) && version.get("config") != null) {
                at = text(version.get("sequence"));
                break;
            }
        }
        return "<a class=\"version\" href=\"" + text(base) + "?at=" + at + "\">version " + entry.version() + "</a>";
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> versions(Scope scope, String name) {
        return (List<Map<String, Object>>) HistoryJson.of(core.connectors().history(scope, name)).get("versions");
    }
}
