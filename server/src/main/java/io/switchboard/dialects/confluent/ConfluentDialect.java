package io.switchboard.dialects.confluent;

import io.javalin.config.JavalinConfig;
import io.switchboard.core.CoreServices;
import io.switchboard.http.ApiDocument;
import io.switchboard.http.Dialect;
import io.switchboard.http.ErrorFormat;

import java.util.List;
import java.util.Map;

/**
 * Confluent Cloud's connect/v1 API under {@code /connect/v1/}: each environment and Kafka cluster
 * pair in its paths is one Connect cluster Switchboard manages ({@link ConfluentScopes}).
 */
public final class ConfluentDialect implements Dialect {
    private final CoreServices core;
    private final Map<String, String> scopes;
    private final ConfluentErrors errors = new ConfluentErrors();

    /** @param scopes "ENVIRONMENT_ID/KAFKA_CLUSTER_ID" to Connect cluster, as {@code --confluent-scope} gives them */
    public ConfluentDialect(CoreServices core, Map<String, String> scopes) {
        this.core = core;
        this.scopes = scopes;
    }

    @Override
    public List<String> basePaths() {
        return List.of("/connect/v1/");
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    @Override
    public void register(JavalinConfig config) {
        ConfluentScopes confluentScopes = new ConfluentScopes(scopes, core.kafkaClusterId(), core.clusters());
        ApiDocument.fromClasspath("/connect/v1/openapi.yaml", "/openapi/confluent-connect-v1.yaml").register(config);
        new ConnectorsRoutes(core.connectors(), core.facts(), confluentScopes).register(config);
    }
}
