package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Policies;
import io.switchboard.core.Scope;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.switchboard.console.Html.text;
import static io.switchboard.console.Html.url;

/**
 * A cluster's policies in the console (docs/policies.md), read-only: whoever may view the cluster
 * sees them; policies are changed through the API or {@code switchboard apply}, not here. The list
 * ({@code /console/clusters/{cluster}/policies}) shows every policy, the built-in ones marked
 * read-only, each with its action and how many connectors break it now; a policy's page its match,
 * its validations, every version (who stored it, when) and the connectors that break it now. The
 * counts and the violators are read again when the event stream says a connector of the cluster
 * was created, changed or deleted (and every 30 s, for a policy stored meanwhile). Everything a
 * user wrote (names, expressions, messages) goes through {@link Html#text}.
 */
final class PolicyPages {
    private static final String CHANGES = "htmx:sseOpen from:body, sse:ConnectorCreated queue:last, "
            + "sse:ConnectorConfigChanged queue:last, sse:ConnectorDeleted queue:last, every 30s";

    private final CoreServices core;

    PolicyPages(CoreServices core) {
        this.core = core;
    }

    static String base(String cluster) {
        return "/console/clusters/" + url(cluster) + "/policies";
    }

    /** The list, or (asked by the page itself, with htmx's header) just its table. */
    void list(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        Scope scope = ConnectorPage.scope(ctx, cluster);
        String table = table(scope, cluster);
        if ("true".equals(ctx.header("HX-Request"))) {
            html(ctx, table);
            return;
        }
        String body = "<h1>Policies <small>in " + text(cluster) + "</small></h1>"
                + "<p>What may run in this cluster, checked on every change from every door. A connector that breaks a policy"
                + " added later keeps running, and is counted here. Policies are changed through the API or"
                + " <code>switchboard apply</code>.</p>"
                + "<div id=\"policies\" hx-get=\"" + text(base(cluster)) + "\" hx-trigger=\"" + CHANGES + "\">" + table + "</div>";
        html(ctx, Html.page("Policies in " + cluster, sse(cluster), body));
    }

    /** One policy's page. */
    void page(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("policy");
        Scope scope = ConnectorPage.scope(ctx, cluster);
        Policies.Listed listed = core.policies().get(scope, name);
        String self = base(cluster) + "/" + url(name);
        StringBuilder body = new StringBuilder("<h1>Policy ").append(text(name)).append(" <small>in ").append(text(cluster))
                .append("</small></h1><p><a href=\"").append(text(base(cluster))).append("\">← every policy</a></p>");
        if (listed.builtIn()) {
            body.append("<p class=\"read-only\">Built in and read-only: the control plane's own boundary (docs/security.md)."
                    + " It refuses a change before it is stored, so no connector breaks it.</p>");
            html(ctx, Html.page("Policy " + name, "", body.toString()));
            return;
        }
        ConnectorPolicy policy = listed.policy();
        body.append("<p>Version ").append(policy.getVersion()).append(" · <span class=\"action\">")
                .append(text(action(policy.getSpec()))).append("</span> · ").append(text(match(policy.getSpec()))).append("</p>")
                .append("<h2>Validations</h2>").append(validations(policy.getSpec()))
                .append("<h2>Connectors that break it now</h2><div id=\"violators\" hx-get=\"").append(text(self))
                .append("/violators\" hx-trigger=\"").append(CHANGES).append("\">").append(violators(scope, cluster, name)).append("</div>")
                .append("<h2>Versions</h2>").append(versions(core.policies().history(scope, name)));
        html(ctx, Html.page("Policy " + name, sse(cluster), body.toString()));
    }

    /** The violators alone: what the page reads again on the cluster's events. */
    void violatorsFragment(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        html(ctx, violators(ConnectorPage.scope(ctx, cluster), cluster, ctx.pathParam("policy")));
    }

    private String table(Scope scope, String cluster) {
        Map<String, Integer> counts = core.policies().violationCounts(scope);
        StringBuilder out = new StringBuilder("<table id=\"policy-list\"><thead><tr><th>Policy</th><th>Action</th><th>Version</th>"
                + "<th>Breaking it now</th></tr></thead><tbody>");
        for (Policies.Listed listed : core.policies().list(scope)) {
            out.append("<tr data-policy=\"").append(text(listed.name())).append("\"><td><a href=\"").append(text(base(cluster)))
                    .append('/').append(text(url(listed.name()))).append("\">").append(text(listed.name())).append("</a>");
            if (listed.builtIn()) {
                out.append(" <span class=\"read-only\">built in, read-only</span></td><td>deny</td><td></td><td>—</td></tr>");
                continue;
            }
            out.append("</td><td class=\"action\">").append(text(action(listed.policy().getSpec()))).append("</td><td>")
                    .append(listed.policy().getVersion()).append("</td><td class=\"violators\">")
                    .append(counts.getOrDefault(listed.name(), 0)).append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    private String violators(Scope scope, String cluster, String name) {
        List<Policies.Violator> violators = core.policies().violators(scope, name);
        if (violators.isEmpty()) {
            return "<p class=\"empty\">No connector breaks it.</p>";
        }
        StringBuilder out = new StringBuilder("<p class=\"count\">").append(violators.size())
                .append(violators.size() >= Policies.MAX_VIOLATORS ? " or more" : "").append(" connector(s)</p><ul class=\"violators\">");
        for (Policies.Violator violator : violators) {
            out.append("<li data-connector=\"").append(text(violator.connector())).append("\"><a href=\"")
                    .append(text(ConnectorPage.base(cluster, violator.connector()))).append("\">").append(text(violator.connector()))
                    .append("</a>: ").append(text(String.join("; ", violator.messages()))).append("</li>");
        }
        return out.append("</ul>").toString();
    }

    private static String validations(PolicySpec spec) {
        StringBuilder out = new StringBuilder("<table id=\"validations\"><thead><tr><th>Expression (CEL)</th><th>Message</th></tr></thead><tbody>");
        for (PolicyValidation validation : spec.getValidations()) {
            out.append("<tr><td><code>").append(text(validation.getExpression())).append("</code></td><td>")
                    .append(text(validation.getMessage())).append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    /** Every version, newest first: who stored it, when, and what it said. */
    private static String versions(List<ConnectorPolicy> history) {
        List<ConnectorPolicy> newestFirst = new ArrayList<>(history);
        Collections.reverse(newestFirst);
        StringBuilder out = new StringBuilder("<table id=\"versions\"><thead><tr><th>Version</th><th>When</th><th>Who</th>"
                + "<th>What</th></tr></thead><tbody>");
        for (ConnectorPolicy version : newestFirst) {
            out.append("<tr id=\"version-").append(version.getVersion()).append("\"><td>").append(version.getVersion()).append("</td><td>")
                    .append(text(Instant.ofEpochMilli(version.getChangedAt()))).append("</td><td>")
                    .append(text(version.getPrincipal() == null ? "anonymous" : version.getPrincipal())).append("</td><td>");
            if (version.getDeleted()) {
                out.append("deleted");
            } else {
                out.append(text(action(version.getSpec()))).append(", ").append(text(match(version.getSpec())));
                for (PolicyValidation validation : version.getSpec().getValidations()) {
                    out.append("<br><code>").append(text(validation.getExpression())).append("</code>: ").append(text(validation.getMessage()));
                }
            }
            out.append("</td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    /**
     * The policies a connector's change was checked against, each linked to its page's version:
     * what time travel shows beside a version (empty when none was in force).
     */
    static String checkedAgainst(String cluster, Object policyVersions) {
        if (!(policyVersions instanceof Map<?, ?> versions) || versions.isEmpty()) {
            return "";
        }
        List<String> links = new ArrayList<>();
        versions.forEach((name, version) -> links.add("<a href=\"" + text(base(cluster)) + "/" + text(url(String.valueOf(name)))
                + "#version-" + text(version) + "\">" + text(name) + "</a> v" + text(version)));
        return "<span class=\"policies\">Checked against policies " + String.join(", ", links) + "</span>";
    }

    private static String action(PolicySpec spec) {
        return spec.getAction().name().toLowerCase(Locale.ROOT);
    }

    private static String match(PolicySpec spec) {
        List<String> parts = new ArrayList<>();
        if (!spec.getMatchClasses().isEmpty()) {
            parts.add("classes " + String.join(", ", spec.getMatchClasses()));
        }
        if (!spec.getMatchNames().isEmpty()) {
            parts.add("names " + String.join(", ", spec.getMatchNames()));
        }
        if (!spec.getMatchLabels().isEmpty()) {
            parts.add("labels " + new java.util.TreeMap<>(spec.getMatchLabels()));
        }
        return parts.isEmpty() ? "matches every connector" : "matches " + String.join("; ", parts);
    }

    private static String sse(String cluster) {
        return "hx-ext=\"sse\" sse-connect=\"" + text("/events?cluster=" + url(cluster)) + "\"";
    }

    private static void html(Context ctx, String html) {
        ctx.contentType("text/html; charset=utf-8").result(html);
    }
}
