package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.ConnectorSets;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.http.ProblemException;
import io.switchboard.core.SetPlanner.KeyChange;
import io.switchboard.core.SetProgress;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.switchboard.console.Html.text;
import static io.switchboard.console.Html.url;

/**
 * A connector set's page ({@code /console/clusters/{cluster}/sets/{set}}): its scope, the progress
 * of its latest change per connector (converged, pending, failed, superseded), read again whenever
 * the event stream ({@code /events?set=}) says one of its connectors changed, and the changes it
 * keeps, newest first: who applied each and when, what each did to every connector, key by key
 * (values hidden from a caller who sees keys only, secrets only as sealed: changed or unchanged),
 * with a revert button for a caller who may edit the cluster.
 */
final class SetPage {
    private static final String CHANGES = "htmx:sseOpen from:body, sse:SetProgress queue:last";

    private final CoreServices core;

    SetPage(CoreServices core) {
        this.core = core;
    }

    void page(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("set");
        Scope scope = ConnectorPage.scope(ctx, cluster);
        SetState set = core.sets().set(scope, name)
                .orElseThrow(() -> new ProblemException(404, "Set " + name + " in cluster " + cluster + " has had no change"));
        String base = base(cluster, name);
        StringBuilder body = new StringBuilder();
        body.append("<h1>Set ").append(text(name)).append(" <small>in ").append(text(cluster)).append("</small></h1>")
                .append("<p>Version ").append(set.getVersion()).append(" · selector ").append(text(selector(set.getSelector())))
                .append(" · manages ").append(core.sets().listed(scope, set).size()).append(" connectors</p>")
                .append("<h2>Latest change</h2><div id=\"progress\" hx-get=\"").append(text(base)).append("/progress\" hx-trigger=\"")
                .append(CHANGES).append("\">").append(progress(scope, cluster, name)).append("</div>")
                .append("<h2>Changes</h2>").append(changes(ctx, scope, cluster, set));
        String events = "/events?cluster=" + url(cluster) + "&set=" + url(name);
        ctx.contentType("text/html; charset=utf-8")
                .result(Html.page("Set " + name, "hx-ext=\"sse\" sse-connect=\"" + text(events) + "\"", body.toString()));
    }

    /** The latest change's progress, alone: what the page reads again on the set's events. */
    void progressFragment(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        ctx.contentType("text/html; charset=utf-8").result(progress(ConnectorPage.scope(ctx, cluster), cluster, ctx.pathParam("set")));
    }

    /** Reverts a change; answered once its connectors' commands are decided, with the progress of the new change. */
    void revert(Context ctx) {
        ConsoleDialect.requireConsolePage(ctx);
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("set");
        Scope scope = RequestContexts.scope(ctx, cluster);
        AsyncAnswers.answer(ctx, core.sets().revert(scope, name, ctx.pathParam("change"), RequestContexts.of(ctx)), applied -> {
            String outcome = applied.result() == ConnectorSets.Result.APPLIED
                    ? "revert applied as change " + applied.changeId()
                    : "revert refused: " + applied.message();
            ctx.contentType("text/html; charset=utf-8").result(progress(scope, cluster, name)
                    + "<p id=\"messages\" role=\"alert\" class=\"outcome\" hx-swap-oob=\"true\">" + text(outcome) + "</p>");
        });
    }

    private String progress(Scope scope, String cluster, String name) {
        var progress = core.sets().progress(scope, name, null);
        if (progress.isEmpty()) {
            return "<p class=\"empty\">No change kept.</p>";
        }
        SetProgress.Change change = progress.get();
        StringBuilder out = new StringBuilder();
        out.append("<p class=\"overall ").append(text(change.overall())).append("\">Change ").append(text(change.change().getChangeId()))
                .append(": <span class=\"state\">").append(text(change.overall())).append("</span> · ")
                .append(change.count("converged")).append(" converged, ").append(change.count("pending")).append(" pending, ")
                .append(change.count("failed")).append(" failed, ").append(change.count("superseded")).append(" superseded</p>")
                .append("<table><thead><tr><th>Connector</th><th>Did</th><th>Progress</th><th>Why</th></tr></thead><tbody>");
        for (SetProgress.Item item : change.items()) {
            out.append("<tr data-connector=\"").append(text(item.name())).append("\"><td>");
            if (!"delete".equals(item.action())) {
                out.append("<a href=\"").append(text(ConnectorPage.base(cluster, item.name()))).append("\">")
                        .append(text(item.name())).append("</a>");
            } else {
                out.append(text(item.name()));
            }
            out.append("</td><td>").append(text(item.action())).append("</td><td class=\"progress ").append(text(item.progress()))
                    .append("\">").append(text(item.progress())).append("</td><td>").append(text(item.detail())).append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    private String changes(Context ctx, Scope scope, String cluster, SetState set) {
        boolean mayEdit = RequestContexts.mayEdit(ctx, cluster);
        List<SetChange> changes = new ArrayList<>(set.getChanges());
        java.util.Collections.reverse(changes);
        StringBuilder out = new StringBuilder();
        for (SetChange change : changes) {
            out.append("<article class=\"incident change\" id=\"change-").append(text(change.getChangeId())).append("\"><h3>")
                    .append(text(change.getChangeId())).append(" · version ").append(change.getVersion()).append(" · by ")
                    .append(text(change.getPrincipal() == null ? "anonymous" : change.getPrincipal())).append(" · ")
                    .append(text(Instant.ofEpochMilli(change.getAppliedAt()))).append("</h3>");
            if (change.getRevertOf() != null) {
                out.append("<p>Reverts ").append(text(change.getRevertOf())).append("</p>");
            }
            out.append("<ul>");
            for (SetItem item : change.getItems()) {
                out.append("<li><b>").append(text(item.getConnector())).append("</b> ").append(text(SetProgress.action(item)));
                for (KeyChange key : core.sets().keys(scope, item)) {
                    out.append("<br><code class=\"").append(key.op().equals("+") ? "added" : key.op().equals("-") ? "removed" : "changed")
                            .append("\">").append(text(key.op())).append(' ').append(text(key.key()));
                    if (key.sealed() != null) {
                        out.append(" <span class=\"sealed\">(sealed: ").append(text(key.sealed())).append(")</span>");
                    } else if ("~".equals(key.op())) {
                        out.append(": ").append(text(key.from())).append(" → ").append(text(key.to()));
                    } else {
                        out.append(": ").append(text(key.to() != null ? key.to() : key.from()));
                    }
                    out.append("</code>");
                }
                out.append("</li>");
            }
            out.append("</ul>");
            if (mayEdit) {
                out.append("<button class=\"revert\" hx-post=\"").append(text(base(cluster, set.getName()))).append("/changes/")
                        .append(text(url(change.getChangeId()))).append("/revert\" hx-target=\"#progress\" hx-confirm=\"Revert change ")
                        .append(text(change.getChangeId())).append("?\">revert</button>");
            }
            out.append("</article>");
        }
        return out.toString();
    }

    private static String selector(Map<String, String> selector) {
        if (selector.isEmpty()) {
            return "(every connector)";
        }
        StringBuilder out = new StringBuilder();
        new java.util.TreeMap<>(selector).forEach((k, v) -> out.append(out.isEmpty() ? "" : ", ").append(k).append('=').append(v));
        return out.toString();
    }

    static String base(String cluster, String name) {
        return "/console/clusters/" + url(cluster) + "/sets/" + url(name);
    }
}
