package io.switchboard.dialects.redpanda;

import io.javalin.config.JavalinConfig;
import io.switchboard.core.CoreServices;
import io.switchboard.http.ApiDocument;
import io.switchboard.http.Dialect;
import io.switchboard.http.ErrorFormat;

import java.util.List;

/**
 * Redpanda Cloud's Kafka Connect API under {@code /v1/kafka-connect/}: each Connect cluster
 * Switchboard manages by its name ({@code default} for the embedded one).
 */
public final class RedpandaDialect implements Dialect {
    private final CoreServices core;
    private final String advertisedUrl;
    private final RedpandaErrors errors = new RedpandaErrors();

    /** @param advertisedUrl this replica's address, which clusters are described at */
    public RedpandaDialect(CoreServices core, String advertisedUrl) {
        this.core = core;
        this.advertisedUrl = advertisedUrl;
    }

    @Override
    public List<String> basePaths() {
        return List.of("/v1/kafka-connect/");
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    @Override
    public void register(JavalinConfig config) {
        ApiDocument.fromClasspath("/v1/kafka-connect/openapi.yaml", "/openapi/redpanda-kafka-connect.yaml").register(config);
        RedpandaScopes scopes = new RedpandaScopes(core.clusters());
        new ConnectorsRoutes(core.connectors(), core.facts(), core.clusters(), scopes, core.kafkaClusterId(), advertisedUrl)
                .register(config);
        new SecretsRoutes(core.secrets(), scopes).register(config);
    }
}
