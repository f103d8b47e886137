package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.access.Action;
import io.switchboard.core.BulkCommands;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Scope;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.Problem;
import io.switchboard.http.RequestContexts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.switchboard.access.Access.operate;

/**
 * {@code POST /connectors/bulk}: pause, resume, stop, restart or delete many connectors in one
 * request ({@link BulkCommands}). With {@code "preview": true} it answers what each connector would
 * go through and sends nothing; otherwise each connector's decision, in the request's order. The
 * request as a whole answers 200 once every decision is in; each connector's refusal is worded and
 * numbered as Kafka Connect answers that refusal alone. Operators may pause, resume, stop and
 * restart; a delete needs an editor.
 */
final class BulkResource {
    private final ConnectorService connectors;
    private final ConnectScopes scopes;
    private final ConnectErrors errors = new ConnectErrors();

    BulkResource(ConnectorService connectors, ConnectScopes scopes) {
        this.connectors = connectors;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        config.routes.post(base + "/connectors/bulk", this::bulk, operate(scopes::target).raisedBy("edit for a delete",
                ctx -> ConnectRequests.bulkAction(ctx.bodyAsBytes()).filter(BulkCommands.Action::destructive)
                        .map(destructive -> Action.EDIT).orElse(null)));
    }

    private void bulk(Context ctx) {
        RequestContext request = RequestContexts.of(ctx);
        ConnectRequests.BulkBody body = ConnectRequests.bulkBody(ctx.bodyAsBytes());
        Scope scope = scopes.of(ctx);
        if (body.preview()) {
            ctx.json(answer(body, connectors.bulk().preview(scope, body.request(), request)));
            return;
        }
        AsyncAnswers.answer(ctx, connectors.bulk().apply(scope, body.request(), request),
                outcomes -> ctx.status(200).json(answer(body, outcomes)));
    }

    private Map<String, Object> answer(ConnectRequests.BulkBody body, List<BulkCommands.Outcome> outcomes) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("action", body.request().action().wire());
        answer.put("preview", body.preview());
        answer.put("connectors", outcomes.stream().map(this::entry).toList());
        return answer;
    }

    private Map<String, Object> entry(BulkCommands.Outcome outcome) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", outcome.connector());
        entry.put("outcome", outcome.result().name().toLowerCase(Locale.ROOT));
        if (outcome.from() != null) {
            entry.put("from", outcome.from());
        }
        if (outcome.to() != null) {
            entry.put("to", outcome.to());
        }
        if (outcome.refusal() != null) {
            Problem problem = errors.problem(outcome.refusal());
            entry.put("error_code", problem.status());
            entry.put("message", problem.message());
        }
        return entry;
    }
}
