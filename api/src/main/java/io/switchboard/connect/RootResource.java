package io.switchboard.connect;

import io.javalin.config.JavalinConfig;
import io.switchboard.connect.Entities.HealthInfo;
import io.switchboard.connect.Entities.ServerInfo;
import org.apache.kafka.common.utils.AppInfoParser;

import io.switchboard.ReplicaHealth;

/** GET / and GET /health, as a Kafka Connect worker answers them. */
public final class RootResource {
    private final String kafkaClusterId;
    private final ReplicaHealth health;

    public RootResource(String kafkaClusterId, ReplicaHealth health) {
        this.kafkaClusterId = kafkaClusterId;
        this.health = health;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/", ctx -> ctx.json(new ServerInfo(AppInfoParser.getVersion(), AppInfoParser.getCommitId(), kafkaClusterId)));
        config.routes.get("/health", ctx -> {
            ReplicaHealth.Report report = health.check();
            String status = report.status().name().toLowerCase(java.util.Locale.ROOT);
            ctx.status(report.status() == ReplicaHealth.Status.HEALTHY ? 200 : 503).json(new HealthInfo(status, report.message()));
        });
    }
}
