package io.switchboard.processor;

import io.switchboard.rules.DecisionReasons;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands that arrive on the command topic, not through the API, are held to the connector
 * policies by the processor itself, with the control plane of the topology's own topics.
 */
class ControlPlanePolicyTopologyTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private final TopologyFixture fixture = TopologyFixture.withoutHistory();

    @AfterEach
    void close() {
        fixture.close();
    }

    private static Map<String, String> source(String topic) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", SOURCE);
        config.put("file", "/tmp/lines");
        config.put("topic", topic);
        return config;
    }

    @Test
    void aCreateNamingTheCommandTopicIsRefusedAndNothingIsStoredOrPublished() {
        CommandDecision decision = fixture.decide("forger", new CreateConnector(source(TopologyFixture.TOPICS.commands()),
                TargetState.RUNNING, null), null);
        assertEquals(Outcome.REJECTED, decision.getOutcome());
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, decision.getReason());
        assertEquals("Connector config refused by policy control-plane-topics: topic switchboard.commands belongs to the control "
                + "plane (topic)", decision.getMessage());
        assertNull(fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/forger"));
        assertTrue(fixture.lifecycle().readValuesToList().isEmpty(), "no lifecycle event for a refused create");

        CommandDecision override = fixture.decide("leaker", new PutConnectorConfig(Map.of("connector.class", SOURCE, "topic", "orders",
                "producer.override.bootstrap.servers", "elsewhere:9092")), null);
        assertEquals(Outcome.REJECTED, override.getOutcome());
        assertTrue(override.getMessage().contains("client-overrides: producer.override.bootstrap.servers"), override.getMessage());
    }

    @Test
    void aSetChangeWithAnItemNamingAControlPlaneTopicIsRefusedWhole() {
        SetItem good = SetItem.newBuilder().setConnector("a").setLabels(Map.of()).setConfig(source("orders"))
                .setTargetState(null).setPreviousConfig(null).setPreviousTargetState(null).setAdopt(false).build();
        SetItem bad = SetItem.newBuilder(good).setConnector("b").setConfig(source("switchboard-connect-offsets")).build();
        CommandDecision decision = fixture.decide("{set}s", new ApplySetChange(0L, Map.of(), List.of(good, bad)), null);
        assertEquals(Outcome.REJECTED, decision.getOutcome());
        assertTrue(decision.getMessage().contains("b: Connector config refused by policy control-plane-topics: topic "
                + "switchboard-connect-offsets belongs to the control plane"), decision.getMessage());
        assertNull(fixture.<ConnectorState>store(StoreNames.CONNECTORS).get("default/a"));
    }

    @Test
    void aConnectorStoredBeforeThePolicyKeepsItsRecordAndCanBePausedFixedOrDeleted() {
        KeyValueStore<String, ConnectorState> connectors = fixture.store(StoreNames.CONNECTORS);
        connectors.put("default/old", ConnectorState.newBuilder().setCluster("default").setName("old")
                .setConfig(source("switchboard.replica-keys")).setTargetState(TargetState.RUNNING).setVersion(1)
                .setCreatedAt(1L).setUpdatedAt(1L).setLastCommandId("before").build());

        assertEquals(Outcome.UPDATED, fixture.decide("old", new ChangeTargetState(TargetState.PAUSED), null).getOutcome());
        assertEquals(TargetState.PAUSED, connectors.get("default/old").getTargetState());
        // Taken again as it is: refused, the record kept.
        CommandDecision again = fixture.decide("old", new PutConnectorConfig(source("switchboard.replica-keys")), null);
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, again.getReason());
        assertNotNull(connectors.get("default/old"));
        CommandDecision fixed = fixture.decide("old", new PatchConnectorConfig(Map.of("topic", "orders"), null), null);
        assertEquals(Outcome.UPDATED, fixed.getOutcome());
        assertEquals("orders", connectors.get("default/old").getConfig().get("topic"));
        assertEquals(Outcome.DELETED, fixture.decide("old", new DeleteConnector(), null).getOutcome());
        assertNull(connectors.get("default/old"));
    }
}
