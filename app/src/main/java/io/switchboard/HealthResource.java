package io.switchboard;

import io.javalin.config.JavalinConfig;
import io.switchboard.auth.Access;

import java.util.Locale;

/** GET /health, as a Kafka Connect worker answers it: 200 when this replica can serve every endpoint, else 503. */
final class HealthResource {
    private final ReplicaHealth health;

    HealthResource(ReplicaHealth health) {
        this.health = health;
    }

    record HealthInfo(String status, String message) {
    }

    void register(JavalinConfig config) {
        config.routes.get("/health", ctx -> {
            ReplicaHealth.Report report = health.check();
            String status = report.status().name().toLowerCase(Locale.ROOT);
            ctx.status(report.status() == ReplicaHealth.Status.HEALTHY ? 200 : 503).json(new HealthInfo(status, report.message()));
        }, Access.open());
    }
}
