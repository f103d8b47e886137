package io.switchboard.schemas;

import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class SignedStatesTest {
    private static final String CHANGELOG = "switchboard-connectors-changelog";

    private static RecordSignatures keys(String id, int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return RecordSignatures.derived(Map.of(id, key), io.switchboard.kafkaio.KeyPurpose.STATES);
    }

    private static final SignedStates REPLICA = new SignedStates(keys("k1", 1), CHANGELOG);

    private static ConnectorState state(Map<String, String> config) {
        return ConnectorState.newBuilder().setCluster("default").setName("orders").setConfig(config).setTargetState(TargetState.RUNNING)
                .setVersion(3).setCreatedAt(1).setUpdatedAt(2).setLastCommandId("c-3").build();
    }

    private static Map<String, String> config(String... keysAndValues) {
        Map<String, String> config = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    @Test
    void aSignedStateVerifiesAsReadFromTheChangelogWhateverItsMapsOrder() {
        ConnectorState signed = REPLICA.sign("default/orders", 0, 7, state(config("b", "2", "a", "1", "connector.class", "X")));
        assertNotNull(signed.getSignature());
        AvroSerde<ConnectorState> serde = new AvroSerde<>(new InMemorySchemaRegistryClient(), ConnectorState.class, false);
        ConnectorState read = serde.deserializer().deserialize(CHANGELOG, serde.serializer().serialize(CHANGELOG, signed));
        assertEquals(Verdict.SIGNED, REPLICA.verify("default/orders", 0, read));
        ConnectorState reordered = ConnectorState.newBuilder(signed).setConfig(config("connector.class", "X", "a", "1", "b", "2")).build();
        assertEquals(Verdict.SIGNED, REPLICA.verify("default/orders", 0, reordered));
    }

    @Test
    void anUnsignedAChangedOrAMovedStateDoesNotVerify() {
        ConnectorState signed = REPLICA.sign("default/orders", 0, 7, state(config("connector.class", "X")));
        assertEquals(Verdict.UNSIGNED, REPLICA.verify("default/orders", 0, state(config("connector.class", "X"))));
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify("default/orders", 0,
                ConnectorState.newBuilder(signed).setConfig(config("connector.class", "Y")).build()), "config changed");
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify("default/orders", 0,
                ConnectorState.newBuilder(signed).setTargetState(TargetState.STOPPED).build()), "target state changed");
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify("default/billing", 0, signed), "under another key");
        assertEquals(Verdict.UNKNOWN_KEY, new SignedStates(keys("k9", 9), CHANGELOG).verify("default/orders", 0, signed));
        assertEquals(Verdict.BAD_SIGNATURE, new SignedStates(keys("k1", 1), "other-changelog").verify("default/orders", 0, signed));
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify("default/orders", 1, signed), "in another partition");
        assertEquals(Verdict.BAD_SIGNATURE, REPLICA.verify("default/orders", 0, ConnectorState.newBuilder(signed).setSequence(8).build()),
                "with another sequence");
    }

    @Test
    void aStateIsTakenOnlyAfterTheLatestOfItsPartition() {
        SignedStates.Order order = new SignedStates.Order();
        ConnectorState first = REPLICA.sign("default/orders", 0, 7, state(config("connector.class", "X")));
        ConnectorState later = REPLICA.sign("default/orders", 0, 9, state(config("connector.class", "Y")));
        assertEquals(7, first.getSequence());
        assertTrue(order.advances(0, first));
        assertTrue(order.advances(1, REPLICA.sign("default/billing", 1, 3, state(config()))), "each partition on its own");
        assertTrue(order.advances(0, later));
        assertFalse(order.advances(0, first), "an earlier state copied back");
        assertFalse(order.advances(0, later), "the latest one copied again");
        assertTrue(order.advances(0, REPLICA.sign("default/other", 0, 10, state(config()))));
    }
}
