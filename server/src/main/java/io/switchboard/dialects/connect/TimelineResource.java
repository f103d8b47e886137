package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views;
import io.switchboard.core.Views.TimelineEntryView;
import io.switchboard.core.Views.TimelineView;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /connectors/{connector}/timeline}: the connector's incidents, newest first, a page at a
 * time ({@code ?before=SEQUENCE} for older ones, {@code ?limit=N} up to {@link Views#MAX_TIMELINE_PAGE}):
 * its first status report and each change into or out of a failure with the traces the worker
 * reported then, auto-restarts with their back-off, the data plane's failures and recoveries, and
 * repairs, each with the config version live then. What the console's timeline page shows, as
 * JSON, for a viewer too; it holds states and traces, no config value.
 */
final class TimelineResource {
    private static final int DEFAULT_LIMIT = 20;
    private final ConnectorService connectors;
    private final ConnectScopes scopes;

    TimelineResource(ConnectorService connectors, ConnectScopes scopes) {
        this.connectors = connectors;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        config.routes.get(base + "/connectors/{connector}/timeline",
                ctx -> ctx.json(json(connectors.timeline(scopes.of(ctx), ctx.pathParam("connector"), before(ctx), limit(ctx)))),
                scopes.view());
    }

    private static Long before(Context ctx) {
        String value = ctx.queryParam("before");
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ServiceException.InvalidRequest("before", "before is an entry's sequence, not " + value);
        }
    }

    private static int limit(Context ctx) {
        String value = ctx.queryParam("limit");
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new ServiceException.InvalidRequest("limit", "limit is a number of entries, 1 to "
                    + Views.MAX_TIMELINE_PAGE + ", not " + value);
        }
    }

    private static Map<String, Object> json(TimelineView timeline) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("entries", timeline.entries().stream().map(TimelineResource::entry).toList());
        json.put("before", timeline.before());
        json.put("older_entries_dropped", timeline.dropped());
        return json;
    }

    private static Map<String, Object> entry(TimelineEntryView entry) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sequence", entry.sequence());
        json.put("event", entry.kind());
        json.put("occurred_at", time(entry.occurredAt()));
        json.put("version", entry.version());
        json.put("principal", entry.principal());
        json.put("previous", entry.previous());
        json.put("state", entry.state());
        json.put("worker_id", entry.workerId());
        json.put("trace", entry.trace());
        List<Map<String, Object>> tasks = entry.tasks().stream().map(task -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", task.id());
            t.put("state", task.state());
            t.put("trace", task.trace());
            return t;
        }).toList();
        json.put("tasks", tasks);
        json.put("restarts", entry.restarts());
        json.put("next_restart_at", time(entry.nextRestartAt()));
        json.put("detail", entry.detail());
        return json;
    }

    private static String time(Instant at) {
        return at == null ? null : at.toString();
    }
}
