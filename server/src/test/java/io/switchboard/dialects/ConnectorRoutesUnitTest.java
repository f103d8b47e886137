package io.switchboard.dialects;

import io.switchboard.core.ReadConsistency;
import io.switchboard.core.UnitCore;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dialects' create, pause, update and delete routes over core's ports in memory: the real
 * routes, the real core and the real decider, no broker. The config-name rule is core's; each
 * dialect only words it.
 */
class ConnectorRoutesUnitTest {
    private static final String CONFLUENT = "/connect/v1/environments/env-default/clusters/unit-kafka/connectors";
    private static final String CONFIG = "{\"connector.class\":\"org.example.Sink\",\"topics\":\"orders\"}";
    private final UnitServer server = new UnitServer(new UnitCore(), 0);

    @AfterEach
    void stop() {
        server.close();
    }

    private TargetState target(String name) {
        return server.core.kafka.connector(new ConnectorKey("default", name), ReadConsistency.LINEARIZABLE).orElseThrow().getTargetState();
    }

    @Test
    void kafkaConnectCreatePauseUpdateDelete() throws Exception {
        HttpResponse<String> created = server.call("POST", "/connectors", "{\"name\":\"c1\",\"config\":" + CONFIG + "}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(created.body().contains("\"name\":\"c1\""), created.body());
        assertEquals(202, server.call("PUT", "/connectors/c1/pause", null).statusCode());
        assertEquals(TargetState.PAUSED, target("c1"));
        HttpResponse<String> updated = server.call("PUT", "/connectors/c1/config",
                "{\"connector.class\":\"org.example.Sink\",\"topics\":\"refunds\"}");
        assertEquals(200, updated.statusCode(), updated.body());
        assertEquals("refunds", server.core.kafka.connector(new ConnectorKey("default", "c1"), ReadConsistency.LINEARIZABLE).orElseThrow()
                .getConfig().get("topics"));
        assertEquals(204, server.call("DELETE", "/connectors/c1", null).statusCode());
        assertEquals(404, server.call("GET", "/connectors/c1", null).statusCode());
        assertEquals(4, server.core.kafka.sent().size(), "one command per write");
    }

    @Test
    void eachDialectWordsTheCoresConfigNameRule() throws Exception {
        HttpResponse<String> connect = server.call("PUT", "/connectors/c2/config",
                "{\"connector.class\":\"org.example.Sink\",\"name\":\"other\"}");
        assertEquals(400, connect.statusCode());
        assertEquals("{\"error_code\":400,\"message\":\"Connector name configuration (other) doesn't match connector name in the URL (c2)\"}",
                connect.body());
        HttpResponse<String> confluent = server.call("POST", CONFLUENT,
                "{\"name\":\"c2\",\"config\":{\"connector.class\":\"org.example.Sink\",\"name\":\"other\"}}");
        assertEquals(400, confluent.statusCode(), confluent.body());
        assertTrue(confluent.body().contains("config.name (other) must be the connector's name (c2)"), confluent.body());
        HttpResponse<String> redpanda = server.call("PUT", "/v1/kafka-connect/clusters/default/connectors/c2/config",
                "{\"connector.class\":\"org.example.Sink\",\"name\":\"other\"}");
        assertEquals(400, redpanda.statusCode(), redpanda.body());
        assertTrue(redpanda.body().contains("\"field\":\"config.name\""), redpanda.body());
        assertTrue(server.core.kafka.sent().isEmpty(), "nothing reached Kafka");
    }

    @Test
    void confluentCreateTakesTheSameWalkAsKafkaConnects() throws Exception {
        HttpResponse<String> created = server.call("POST", CONFLUENT, "{\"name\":\"c3\",\"config\":" + CONFIG + "}");
        assertEquals(201, created.statusCode(), created.body());
        assertEquals("c3", server.core.kafka.sent().get(0).getConnector());
        assertEquals(1, server.core.kafka.sent().size());
    }
}
