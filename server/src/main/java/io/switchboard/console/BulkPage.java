package io.switchboard.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.switchboard.core.BulkCommands;
import io.switchboard.core.BulkCommands.Action;
import io.switchboard.core.BulkCommands.Outcome;
import io.switchboard.core.BulkCommands.Result;
import io.switchboard.core.CoreServices;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.RequestContexts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.switchboard.console.Html.text;

/**
 * Bulk actions in the console: the connectors selected by hand, or every one the search shows,
 * paused, resumed, stopped, restarted or deleted through the core's bulk commands (one command per
 * connector, one request per cluster; the console decides nothing itself). A preview says what each
 * connector would go through, decided by the processor's own function on the state read now, and
 * sends nothing. Applying shows each connector's outcome, then, live, what the worker shows of each
 * changed one, until it confirms them all: the progress is read again whenever the event stream
 * says a connector changed, as the overview's table is.
 */
final class BulkPage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CoreServices core;
    private final OverviewPage overview;

    BulkPage(CoreServices core, OverviewPage overview) {
        this.core = core;
        this.overview = overview;
    }

    /** The form above the overview's table, and the place where its outcomes show. */
    String form(Context ctx) {
        boolean mayDelete = core.clusters().names().stream().anyMatch(cluster -> RequestContexts.mayEdit(ctx, cluster));
        return "<form id=\"bulk\" hx-post=\"/console/bulk\" hx-include=\"#search\" hx-target=\"#bulk-outcomes\">"
                + "<input type=\"hidden\" id=\"selection\" name=\"selection\" value=\"" + text(OverviewPage.param(ctx, "selection")) + "\">"
                + "<select name=\"which\" aria-label=\"which connectors\"><option value=\"selected\">the selected connectors</option>"
                + "<option value=\"matching\">every connector the search shows</option></select> "
                + "<select name=\"action\" aria-label=\"bulk action\"><option>pause</option><option>resume</option><option>stop</option>"
                + "<option>restart</option>" + (mayDelete ? "<option>delete</option>" : "") + "</select> "
                + "<button name=\"step\" value=\"preview\">preview</button><button name=\"step\" value=\"apply\">apply</button></form>"
                + "<div id=\"bulk-outcomes\" aria-live=\"polite\"></div>";
    }

    /** {@code POST /console/bulk}: a preview, or the action applied, each connector's outcome in a table. */
    void bulk(Context ctx) {
        ConsoleDialect.requireConsolePage(ctx);
        String name = ctx.formParam("action");
        Action action = Action.named(name == null ? "" : name).orElseThrow(() -> new ServiceException.InvalidRequest("action",
                "The action is pause, resume, stop, restart or delete, not " + name));
        boolean preview = "preview".equals(ctx.formParam("step"));
        List<String> ids = "matching".equals(ctx.formParam("which"))
                ? overview.matching(ctx, formParam(ctx, "q"), formParam(ctx, "state")).stream()
                        .map(row -> row.cluster() + "/" + row.name()).toList()
                : selected(ctx);
        if (ids.isEmpty()) {
            throw new ServiceException.InvalidRequest("Select at least one connector, or choose every connector the search shows");
        }
        if (ids.size() > BulkCommands.MAX) {
            throw new ServiceException.InvalidRequest("At most " + BulkCommands.MAX + " connectors at once, not " + ids.size());
        }
        Map<String, List<String>> byCluster = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (String id : ids) {
            int slash = id.indexOf('/');
            String cluster = slash > 0 ? id.substring(0, slash) : "";
            boolean allowed = slash > 0 && (action.destructive() ? RequestContexts.mayEdit(ctx, cluster) : RequestContexts.mayOperate(ctx, cluster));
            if (!allowed) {
                refused.add(id.substring(slash + 1) + " (not yours to " + (action.destructive() ? "delete" : "operate") + ")");
            } else {
                byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(id.substring(slash + 1));
            }
        }
        Map<String, CompletableFuture<List<Outcome>>> sent = new LinkedHashMap<>();
        byCluster.forEach((cluster, names) -> {
            BulkCommands.Request request = new BulkCommands.Request(action, names, false, false);
            sent.put(cluster, preview
                    ? CompletableFuture.completedFuture(core.connectors().bulk().preview(RequestContexts.scope(ctx, cluster), request,
                            RequestContexts.of(ctx)))
                    : core.connectors().bulk().apply(RequestContexts.scope(ctx, cluster), request, RequestContexts.of(ctx)));
        });
        AsyncAnswers.answer(ctx, CompletableFuture.allOf(sent.values().toArray(CompletableFuture[]::new)), ignored -> {
            Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
            sent.forEach((cluster, outcome) -> outcomes.put(cluster, outcome.join()));
            ctx.contentType("text/html; charset=utf-8").result(outcomes(ctx, action, preview, ids.size(), refused, outcomes));
        });
    }

    /**
     * {@code POST /console/bulk/progress} (a POST only because the list of connectors can be longer
     * than a URL may be): what the worker shows now of each connector an applied action changed.
     */
    void progress(Context ctx) {
        ConsoleDialect.requireConsolePage(ctx);
        JsonNode applied;
        try {
            applied = JSON.readTree(formParam(ctx, "applied"));
        } catch (JsonProcessingException e) {
            throw new ServiceException.InvalidRequest("applied", "Not a bulk action's outcome");
        }
        Action action = Action.named(applied.path("action").asText()).orElseThrow(() ->
                new ServiceException.InvalidRequest("applied", "Not a bulk action's outcome"));
        Set<String> ids = new LinkedHashSet<>();
        applied.path("ids").forEach(id -> ids.add(id.asText()));
        if (ids.size() > BulkCommands.MAX) {
            throw new ServiceException.InvalidRequest("applied", "At most " + BulkCommands.MAX + " connectors at once");
        }
        ctx.contentType("text/html; charset=utf-8").result(progress(ctx, action, ids));
    }

    private String outcomes(Context ctx, Action action, boolean preview, int asked, List<String> refused,
                            Map<String, List<Outcome>> byCluster) {
        List<String> changed = new ArrayList<>();
        StringBuilder rows = new StringBuilder();
        int wouldChange = 0;
        for (var cluster : byCluster.entrySet()) {
            for (Outcome outcome : cluster.getValue()) {
                String id = cluster.getKey() + "/" + outcome.connector();
                String said = switch (outcome.result()) {
                    case CHANGED -> preview ? (outcome.from() == null ? "" : outcome.from() + " → ") + outcome.to() : "accepted: " + outcome.to();
                    case UNCHANGED -> "already " + outcome.to();
                    case REFUSED -> "refused: " + outcome.refusal().getMessage();
                };
                if (outcome.result() == Result.REFUSED) {
                    refused.add(outcome.connector() + " (" + outcome.refusal().getMessage() + ")");
                } else {
                    changed.add(id);
                    wouldChange += outcome.result() == Result.CHANGED ? 1 : 0;
                }
                rows.append("<tr data-bulk=\"").append(text(id)).append("\"><td>").append(text(outcome.connector())).append("</td><td>")
                        .append(text(cluster.getKey())).append("</td><td class=\"outcome ").append(outcome.result().name()).append("\">")
                        .append(text(said)).append("</td></tr>");
            }
        }
        String message = preview
                ? "preview of " + action.wire() + ": " + wouldChange + " of " + asked + " would change, " + (asked - wouldChange - refused.size())
                        + " already are, " + refused.size() + " refused; nothing was sent"
                : action.wire() + " accepted for " + (asked - refused.size()) + " of " + asked;
        message += refused.isEmpty() ? "" : (preview ? ": " : "; refused: ") + String.join(", ", refused);
        // A preview is read connector by connector; once applied, the message line and the worker's progress say it.
        StringBuilder out = new StringBuilder("<p id=\"messages\" role=\"alert\" class=\"outcome\" hx-swap-oob=\"true\">")
                .append(text(message)).append("</p><details").append(preview ? " open" : "").append("><summary>Each connector's ")
                .append(preview ? "preview" : "outcome").append("</summary><table class=\"bulk\"><thead><tr><th>Connector</th><th>Cluster</th><th>")
                .append(preview ? "Would go" : "Outcome").append("</th></tr></thead><tbody>").append(rows).append("</tbody></table></details>");
        if (!preview && !changed.isEmpty()) {
            String applied = "{\"action\":\"" + action.wire() + "\",\"ids\":" + json(changed) + "}";
            out.append("<input type=\"hidden\" id=\"bulk-applied\" name=\"applied\" value=\"").append(text(applied)).append("\">")
                    .append("<div id=\"bulk-progress\" hx-post=\"/console/bulk/progress\" hx-include=\"#bulk-applied\" hx-trigger=\"")
                    .append(OverviewPage.CHANGES).append("\">").append(progress(ctx, action, new LinkedHashSet<>(changed))).append("</div>");
        }
        return out.toString();
    }

    /** Each connector's state as the worker shows it, against what the action asked. */
    private String progress(Context ctx, Action action, Set<String> ids) {
        Map<String, String> states = new LinkedHashMap<>();
        Set<String> clusters = new LinkedHashSet<>();
        ids.forEach(id -> clusters.add(id.substring(0, Math.max(0, id.indexOf('/')))));
        for (String cluster : clusters) {
            if (!core.clusters().names().contains(cluster) || !RequestContexts.mayView(ctx, cluster)) {
                continue;
            }
            for (ConnectorDetails details : core.connectors().describeAll(RequestContexts.scope(ctx, cluster))) {
                String id = cluster + "/" + details.connector().name();
                if (ids.contains(id)) {
                    states.put(id, OverviewPage.row(cluster, details).state());
                }
            }
        }
        String wanted = switch (action) {
            case PAUSE -> "PAUSED";
            case RESUME, RESTART -> "RUNNING";
            case STOP -> "STOPPED";
            case DELETE -> "gone";
        };
        int confirmed = 0;
        StringBuilder rows = new StringBuilder();
        for (String id : ids) {
            String state = states.getOrDefault(id, "gone");
            boolean done = state.equals(wanted);
            confirmed += done ? 1 : 0;
            rows.append("<li data-bulk=\"").append(text(id)).append("\" class=\"").append(done ? "confirmed" : "waiting").append("\">")
                    .append(text(id.substring(id.indexOf('/') + 1))).append(": ").append(text(state))
                    .append(done ? " ✓" : "").append("</li>");
        }
        return "<p class=\"bulk-confirmed\">The worker shows " + confirmed + " of " + ids.size() + " as asked (" + wanted + ")</p><ul>"
                + rows + "</ul>";
    }

    /** The ids the page's selection field holds, and any sent as "selected" fields by a script. */
    private static List<String> selected(Context ctx) {
        List<String> ids = new ArrayList<>(OverviewPage.selection(ctx.formParam("selection")));
        ids.addAll(ctx.formParams("selected"));
        return List.copyOf(new LinkedHashSet<>(ids));
    }

    private static String formParam(Context ctx, String name) {
        String value = ctx.formParam(name);
        return value == null ? "" : value.trim();
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
