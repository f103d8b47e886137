package io.switchboard.connect;

import io.javalin.config.JavalinConfig;
import io.switchboard.connect.Entities.HealthInfo;
import io.switchboard.connect.Entities.ServerInfo;
import org.apache.kafka.common.utils.AppInfoParser;

import java.util.function.BooleanSupplier;

/** GET / and GET /health, as a Kafka Connect worker answers them. */
public final class RootResource {
    private final String kafkaClusterId;
    private final BooleanSupplier ready;

    public RootResource(String kafkaClusterId, BooleanSupplier ready) {
        this.kafkaClusterId = kafkaClusterId;
        this.ready = ready;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/", ctx -> ctx.json(new ServerInfo(AppInfoParser.getVersion(), AppInfoParser.getCommitId(), kafkaClusterId)));
        config.routes.get("/health", ctx -> {
            if (ready.getAsBoolean()) {
                ctx.json(new HealthInfo("healthy", "Worker has completed startup and is ready to handle requests."));
            } else {
                ctx.status(503).json(new HealthInfo("starting", "Worker is still starting up."));
            }
        });
    }
}
