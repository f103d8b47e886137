package io.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.switchboard.core.ClusterFacts;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.OffsetsRequestView;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.JsonBodies;
import io.switchboard.http.RequestContexts;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static io.switchboard.console.Html.text;

/**
 * A connector's offsets in the console (KIP-875): the committed offsets (the worker's, else the
 * data plane's last reading, with when), the last offsets request with its outcome, who asked and
 * when, and the offsets it replaced, which one click sends again; for an editor, reset and alter.
 * Each change is an offsets request that stops the connector first and returns it to its target
 * state (the same command as the Confluent dialect's), so it needs no stop beforehand.
 */
final class OffsetsSection {
    private final CoreServices core;

    OffsetsSection(CoreServices core) {
        this.core = core;
    }

    void fragment(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(render(ctx, null));
    }

    String render(Context ctx, String outcome) {
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("connector");
        Scope scope = RequestContexts.scope(ctx, cluster);
        StringBuilder out = new StringBuilder();
        if (outcome != null) {
            out.append("<p id=\"messages\" role=\"alert\" class=\"outcome\" hx-swap-oob=\"true\">").append(text(outcome)).append("</p>");
        }
        try {
            // Just after a change was asked for, the worker is carrying it out: a read of its offsets
            // would wait behind that, so the answer shows the last reading and the live view the rest.
            Optional<ClusterFacts.Offsets> offsets = outcome == null ? Optional.of(core.facts().offsets(scope, name))
                    : core.facts().lastReadOffsets(scope, name);
            if (offsets.isPresent()) {
                out.append("<p>Committed, read at ").append(text(offsets.get().observedAt())).append(":</p><pre class=\"committed\">")
                        .append(text(offsets.get().offsets().toPrettyString())).append("</pre>");
            } else {
                out.append("<p>The committed offsets are being changed; they show here once the worker has read them.</p>");
            }
        } catch (ServiceException e) {
            out.append("<p>The committed offsets cannot be read now: ").append(text(e.getMessage())).append("</p>");
        }
        OffsetsRequestView last = lastRequest(scope, name);
        String base = ConnectorPage.base(cluster, name);
        boolean mayEdit = RequestContexts.mayEdit(ctx, cluster);
        if (last != null) {
            out.append("<p class=\"offsets-request\">Last request: ").append(last.offsetsJson() == null ? "reset" : "alter")
                    .append(", ").append(text(last.phase())).append(", asked at ").append(text(last.requestedAt()));
            if (last.message() != null) {
                out.append(" — ").append(text(last.message()));
            }
            out.append("</p>");
            if (last.previousOffsetsJson() != null) {
                out.append("<p>Offsets before it:</p><pre>").append(text(last.previousOffsetsJson())).append("</pre>");
                if (mayEdit) {
                    out.append("<form hx-post=\"").append(text(base)).append("/offsets/alter\" hx-target=\"#offsets\">")
                            .append("<input type=\"hidden\" name=\"offsets\" value=\"").append(text(last.previousOffsetsJson()))
                            .append("\"><button>re-apply these</button></form>");
                }
            }
        }
        return out.toString();
    }

    /**
     * Reset and alter, for an editor: outside the part the live view reads again, so that a
     * refresh arriving while a change is being sent does not replace the button that sent it (its
     * answer's message line would be lost with it).
     */
    static String controls(Context ctx, String cluster, String name) {
        if (!RequestContexts.mayEdit(ctx, cluster)) {
            return "";
        }
        String base = ConnectorPage.base(cluster, name);
        return "<p class=\"actions\"><button hx-post=\"" + text(base) + "/offsets/reset\" hx-target=\"#offsets\" "
                + "hx-confirm=\"Reset the offsets of " + text(name) + "? It restarts from the beginning.\">"
                + "reset offsets</button></p><form hx-post=\"" + text(base)
                + "/offsets/alter\" hx-target=\"#offsets\"><textarea name=\"offsets\" rows=\"4\" cols=\"80\" "
                + "placeholder='{\"offsets\": [{\"partition\": {...}, \"offset\": {...}}]}'></textarea>"
                + "<br><button>alter offsets</button></form>";
    }

    void reset(Context ctx) {
        answer(ctx, null);
    }

    void alter(Context ctx) {
        String given = ctx.formParam("offsets");
        if (given == null || given.isBlank()) {
            throw new ServiceException.InvalidRequest("offsets", "Give the offsets as Kafka Connect's body: {\"offsets\": [...]}");
        }
        JsonNode body = JsonBodies.parse(given.getBytes(StandardCharsets.UTF_8));
        if (!body.isObject() || !body.has("offsets")) {
            throw new ServiceException.InvalidRequest("offsets", "Give the offsets as Kafka Connect's body: {\"offsets\": [...]}");
        }
        JsonBodies.requireOffsetsList(body.get("offsets"));
        answer(ctx, body.toString());
    }

    private void answer(Context ctx, String offsets) {
        Scope scope = RequestContexts.scope(ctx, ctx.pathParam("cluster"));
        CompletableFuture<OffsetsRequestView> requested = core.connectors().requestOffsetsChange(scope, ctx.pathParam("connector"),
                offsets, RequestContexts.of(ctx));
        AsyncAnswers.answer(ctx, requested, view -> ctx.contentType("text/html; charset=utf-8").result(render(ctx,
                (offsets == null ? "reset" : "alter") + " of the offsets accepted: the worker stops the connector, makes it, "
                        + "and returns it to its target state")));
    }

    private OffsetsRequestView lastRequest(Scope scope, String name) {
        try {
            return core.connectors().offsetsRequest(scope, name);
        } catch (ServiceException.NotFound e) {
            return null;
        }
    }
}
