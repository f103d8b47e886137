package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.core.ConnectorHealth;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.rules.HealthWindow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /connectors/{connector}/health?from=&to=}: the connector's health over a window
 * (availability, failures, restarts by reason, flaps, times to recover), computed from its history
 * and incident timeline, the same on every replica; and {@code GET /health/connectors?from=&to=},
 * the same for the cluster's connectors, a page at a time ({@code ?limit=} up to {@value #MAX_LIMIT},
 * {@code ?after=NAME}). {@code from} and {@code to} are ISO-8601 instants or epoch milliseconds;
 * the last 24 hours by default. A viewer may read it: it holds states and counts only.
 */
final class ConnectorHealthResource {
    static final int MAX_LIMIT = 500;
    private static final int DEFAULT_LIMIT = 100;
    private static final Duration DEFAULT_WINDOW = Duration.ofHours(24);
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
    private final ConnectorService connectors;
    private final ConnectScopes scopes;
    private final Clock clock;
    private final Duration flapWindow;

    /** @param flapWindow the default of {@code flap_window_s}: the replica's {@code --health-flapping-window-s} */
    ConnectorHealthResource(ConnectorService connectors, ConnectScopes scopes, Clock clock, Duration flapWindow) {
        this.connectors = connectors;
        this.scopes = scopes;
        this.clock = clock;
        this.flapWindow = flapWindow;
    }

    void register(JavalinConfig config, String base) {
        config.routes.get(base + "/connectors/{connector}/health", ctx -> {
            Scope scope = scopes.of(ctx);
            Window w = window(ctx);
            ctx.json(json(ConnectorHealth.of(connectors, scope, ctx.pathParam("connector"), w.from, w.to, w.flap), w.flap));
        }, scopes.view());
        config.routes.get(base + "/health/connectors", ctx -> {
            Scope scope = scopes.of(ctx);
            Window w = window(ctx);
            int limit = integer(ctx, "limit", DEFAULT_LIMIT, MAX_LIMIT);
            String after = ctx.queryParam("after");
            List<String> names = connectors.names(scope).stream().filter(n -> after == null || n.compareTo(after) > 0).toList();
            // One history read per connector, their timelines at once: a page costs about one read per connector.
            List<Map<String, Object>> answers = ConnectorHealth.of(connectors, scope, names.stream().limit(limit).toList(),
                    w.from, w.to, w.flap).stream().map(answer -> json(answer, w.flap)).toList();
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("from", w.from.toString());
            page.put("to", w.to.toString());
            page.put("connectors", answers);
            page.put("next", names.size() > limit ? names.get(limit - 1) : null);
            ctx.json(page);
        }, scopes.view());
    }

    private record Window(Instant from, Instant to, Duration flap) {
    }

    private Window window(Context ctx) {
        Instant to = instant(ctx, "to", clock.instant());
        Instant from = instant(ctx, "from", to.minus(DEFAULT_WINDOW));
        if (!to.isAfter(from)) {
            throw new ServiceException.InvalidRequest("to", "The window's end (to) must be after its start (from)");
        }
        int flap = integer(ctx, "flap_window_s", (int) Math.min(Integer.MAX_VALUE, flapWindow.toSeconds()), Integer.MAX_VALUE);
        return new Window(from, to, Duration.ofSeconds(flap));
    }

    private static Instant instant(Context ctx, String name, Instant fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        Instant instant;
        try {
            instant = value.chars().allMatch(Character::isDigit) ? Instant.ofEpochMilli(Long.parseLong(value)) : Instant.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ServiceException.InvalidRequest(name, name + " is an ISO-8601 instant (2026-11-26T08:00:00Z) or epoch milliseconds, not " + value);
        }
        // Windows are counted in milliseconds: an instant outside these years could not be.
        if (instant.isBefore(Instant.EPOCH) || instant.isAfter(LATEST)) {
            throw new ServiceException.InvalidRequest(name, name + " is between " + Instant.EPOCH + " and " + LATEST + ", not " + value);
        }
        return instant;
    }

    private static int integer(Context ctx, String name, int fallback, int max) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ServiceException.InvalidRequest(name, name + " is a number from 1 to " + max + ", not " + value);
    }

    static Map<String, Object> json(ConnectorHealth.Answer answer, Duration flapWindow) {
        HealthWindow w = answer.window();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", answer.name());
        json.put("cluster", answer.cluster());
        json.put("from", Instant.ofEpochMilli(w.from()).toString());
        json.put("to", Instant.ofEpochMilli(w.to()).toString());
        json.put("existed", w.existedMs() > 0);
        json.put("note", note(w));
        json.put("complete", answer.complete());
        json.put("complete_from", answer.complete() ? null : answer.completeFrom().toString());
        json.put("availability", w.availability());
        json.put("existed_s", w.existedMs() / 1000.0);
        json.put("failed_s", w.failedMs() / 1000.0);
        json.put("failures", w.failures());
        json.put("restarts", w.restarts());
        json.put("restarts_by_reason", Map.of("auto", w.autoRestarts(), "asked", w.askedRestarts(), "repair", w.repairs()));
        json.put("drift_repairs", w.driftRepairs());
        json.put("flaps", w.flaps());
        json.put("flap_window_s", flapWindow.toSeconds());
        json.put("recoveries", w.recoveries());
        json.put("mean_time_to_recover_s", w.meanRecoverySeconds());
        json.put("longest_time_to_recover_s", w.longestRecoverySeconds());
        json.put("failing_at_end", w.failingAtEnd());
        return json;
    }

    /** Says when the window holds none of the connector's life, or its end. */
    private static String note(HealthWindow w) {
        if (w.existedMs() == 0 && w.createdAfter() != null) {
            return "The connector did not exist yet in this window: it was created at " + Instant.ofEpochMilli(w.createdAfter());
        }
        if (w.existedMs() == 0 && w.deletedAt() != null) {
            return "The connector was deleted at " + Instant.ofEpochMilli(w.deletedAt()) + ", before this window";
        }
        if (w.existedMs() == 0) {
            return "The connector did not exist in this window";
        }
        if (!w.existsAtEnd() && w.deletedAt() != null) {
            return "The connector was deleted at " + Instant.ofEpochMilli(w.deletedAt()) + ", in this window";
        }
        return null;
    }
}
