package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.http.ProblemException;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutConnector;

import java.time.Instant;
import java.util.Map;

import static io.switchboard.console.Html.text;
import static io.switchboard.console.Html.url;

/**
 * A plugin version rollout's page ({@code /console/clusters/{cluster}/rollouts/{rollout}},
 * docs/plugin-versions.md): its state, pace and, once it stopped, why; and each connector of it,
 * batch by batch, with the version it had, the version its config asks now and the version its
 * worker reports. Read on each visit, and again every few seconds while the rollout is under way. A
 * viewer of the cluster sees it: it holds versions and states, no config value.
 */
final class RolloutPage {
    /** How often the page is read again while its rollout is under way. */
    private static final int REFRESH_SECONDS = 3;

    private final CoreServices core;

    RolloutPage(CoreServices core) {
        this.core = core;
    }

    /** A rollout's page, under the path's cluster and id. */
    static String path(String cluster, String id) {
        return "/console/clusters/" + url(cluster) + "/rollouts/" + url(id);
    }

    void page(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        String id = ctx.pathParam("rollout");
        Scope scope = ConnectorPage.scope(ctx, cluster);
        Rollout rollout = core.rollouts().rollout(scope, id)
                .orElseThrow(() -> new ProblemException(404, "Cluster " + cluster + " keeps no rollout " + id));
        String body = "<div id=\"rollout\"" + (RolloutDecider.underWay(rollout) ? " hx-get=\"" + text(path(cluster, id))
                + "\" hx-select=\"#rollout\" hx-swap=\"outerHTML\" hx-trigger=\"every " + REFRESH_SECONDS + "s\"" : "") + ">"
                + body(cluster, rollout, core.rollouts().reported(scope, rollout)) + "</div>";
        ctx.contentType("text/html; charset=utf-8").result(Html.page("Rollout " + rollout.getPluginClass(), "", body));
    }

    /** The page's content: the rollout and its connectors, with the versions their workers report ({@code reported}, by name). */
    static String body(String cluster, Rollout rollout, Map<String, String> reported) {
        StringBuilder out = new StringBuilder();
        out.append("<h1>Rollout of ").append(text(rollout.getPluginClass())).append(" to ").append(text(rollout.getVersion()))
                .append(" <small>in ").append(text(cluster)).append("</small></h1>")
                .append("<p>State <strong class=\"rollout-state\">").append(text(rollout.getState())).append("</strong>");
        if (RolloutDecider.underWay(rollout)) {
            out.append(" · batch ").append(rollout.getCurrentBatch()).append(rollout.getCurrentBatch() == 0 ? " (the canary)" : "");
        }
        out.append(" · canary ").append(rollout.getCanary()).append(", batches of ").append(rollout.getBatch()).append(", each watched ")
                .append(rollout.getWatchSeconds()).append(" s</p>")
                .append("<p>Started by ").append(text(rollout.getPrincipal() == null ? "anonymous" : rollout.getPrincipal())).append(" at ")
                .append(text(Instant.ofEpochMilli(rollout.getStartedAt())))
                .append(rollout.getFinishedAt() == null ? "" : ", ended at " + text(Instant.ofEpochMilli(rollout.getFinishedAt())))
                .append(" · id ").append(text(rollout.getId())).append("</p>");
        if (rollout.getReason() != null) {
            out.append("<p class=\"outcome\" id=\"reason\">Stopped: ").append(text(rollout.getReason())).append("</p>");
        }
        out.append("<table><thead><tr><th>Connector</th><th>Batch</th><th>Had</th><th>Asks</th><th>Runs</th><th>Step</th></tr></thead><tbody>");
        for (RolloutConnector c : rollout.getConnectors()) {
            out.append("<tr data-connector=\"").append(text(c.getConnector())).append("\"><td><a href=\"")
                    .append(text(ConnectorPage.base(cluster, c.getConnector()))).append("\">").append(text(c.getConnector())).append("</a></td>")
                    .append("<td>").append(c.getBatch() == 0 ? "canary" : String.valueOf(c.getBatch())).append("</td>")
                    .append("<td>").append(version(c.getPreviousVersion(), "none")).append("</td>")
                    .append("<td>").append(version(RolloutDecider.askedVersion(rollout, c), "none")).append("</td>")
                    .append("<td>").append(version(reported.get(c.getConnector()), "not reported")).append("</td>")
                    .append("<td>").append(c.getRolledBack() ? "rolled back" : c.getMoved() ? "moved" : "waits").append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    private static String version(String version, String absent) {
        return version == null ? "<span class=\"none\">" + absent + "</span>" : text(version);
    }
}
