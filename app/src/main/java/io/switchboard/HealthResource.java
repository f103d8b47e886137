package io.switchboard;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * GET /health, as a Kafka Connect worker answers it: 200 when this replica can serve every endpoint,
 * else 503. And, for an orchestrator's probes, three answers with one meaning each, in the same
 * shape: /health/started (startup), /health/ready (readiness) and /health/live (liveness).
 */
final class HealthResource {
    private final ReplicaHealth health;

    HealthResource(ReplicaHealth health) {
        this.health = health;
    }

    record HealthInfo(String status, String message) {
    }

    void register(JavalinConfig config) {
        config.routes.get("/health", ctx -> answer(ctx, health::check), Access.open());
        config.routes.get("/health/started", ctx -> answer(ctx, health::started), Access.open());
        config.routes.get("/health/ready", ctx -> answer(ctx, health::ready), Access.open());
        config.routes.get("/health/live", ctx -> answer(ctx, health::live), Access.open());
    }

    private static void answer(Context ctx, Supplier<ReplicaHealth.Report> check) {
        ReplicaHealth.Report report = check.get();
        String status = report.status().name().toLowerCase(Locale.ROOT);
        ctx.status(report.ok() ? 200 : 503).json(new HealthInfo(status, report.message()));
    }
}
