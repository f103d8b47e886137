package io.switchboard.core;

import io.switchboard.core.SetPlanner.Item;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Creates, puts, patches and a set's items pass one function for their desired config
 * ({@link DesiredConfig#decide}), so that the same config is refused in the same words, first by
 * the same rule, whichever of them gives it.
 */
class DesiredConfigTest {
    private static final Scope SCOPE = new Scope(ClusterDirectory.DEFAULT_CLUSTER);
    private static final RequestContext REQUEST = new RequestContext("r-1", "alice");
    /** A client override that says where the connector's consumer connects: a built-in policy refuses it. */
    private static final String OVERRIDE = "consumer.override.bootstrap.servers";
    private final UnitCore core = new UnitCore();

    private static Map<String, String> config() {
        return Map.of("connector.class", "org.example.Sink", "topics", "orders");
    }

    private static Map<String, String> with(Map<String, String> config, String key, String value) {
        Map<String, String> copy = new TreeMap<>(config);
        copy.put(key, value);
        return copy;
    }

    private static Exception refusal(CompletableFuture<?> write) {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> write.get(5, TimeUnit.SECONDS));
        return (Exception) failed.getCause();
    }

    private Item planned(String connector, Map<String, String> config) {
        ConnectorSets.Request request = new ConnectorSets.Request(Map.of(),
                List.of(new DesiredState.Connector(connector, Map.of(), config, null, "test")), false, 0, false);
        return core.services().sets().plan(SCOPE, "s", request, REQUEST).items().get(0);
    }

    @Test
    void aConfigThatNamesAnotherConnectorIsRefusedByTheNameRuleFirstOnEveryWholeWrite() {
        // Both wrong: it names another connector, and it breaks a built-in policy.
        Map<String, String> config = with(with(config(), "name", "other"), OVERRIDE, "elsewhere:9092");
        Exception create = refusal(core.service.create(SCOPE, "orders-sink", config, null, REQUEST));
        Exception put = refusal(core.service.putConfig(SCOPE, "orders-sink", config, REQUEST));
        assertInstanceOf(ServiceException.ConfigNameMismatch.class, create);
        assertEquals(create.getMessage(), put.getMessage());
        assertEquals(create.getMessage(), planned("orders-sink", config).error(), "a set's item, refused as a create is");
    }

    @Test
    void aBrokenPolicyIsRefusedInTheSameWordsByACreateAPutAPatchAndASetsItem() throws Exception {
        core.service.create(SCOPE, "orders-sink", config(), null, REQUEST).get(5, TimeUnit.SECONDS);
        Map<String, String> broken = with(config(), OVERRIDE, "elsewhere:9092");
        Exception create = refusal(core.service.create(SCOPE, "orders-sink-2", broken, null, REQUEST));
        assertInstanceOf(ServiceException.InvalidRequest.class, create);
        assertEquals(create.getMessage(), refusal(core.service.putConfig(SCOPE, "orders-sink", broken, REQUEST)).getMessage());
        assertEquals(create.getMessage(), refusal(core.service.patchConfig(SCOPE, "orders-sink",
                Map.of(OVERRIDE, "elsewhere:9092"), REQUEST)).getMessage());
        assertEquals(create.getMessage(), planned("orders-sink", broken).error());
        assertEquals(1, core.kafka.sent().size(), "only the first create reached Kafka: " + core.kafka.sent());
    }

    @Test
    void aValidationAskedForItselfIsRefusedByTheSamePolicyInTheSameWordsBeforeAnyWorker() {
        Map<String, String> broken = with(config(), OVERRIDE, "elsewhere:9092");
        Exception create = refusal(core.service.create(SCOPE, "orders-sink", broken, null, REQUEST));
        ServiceException.InvalidRequest validated = assertThrows(ServiceException.InvalidRequest.class,
                () -> core.services().facts().validate(SCOPE, "org.example.Sink", broken));
        assertEquals(create.getMessage(), validated.getMessage());
    }

    @Test
    void aPatchIsRefusedByTheSameRuleFirstAsAPutOfTheConfigItMakes() throws Exception {
        core.service.create(SCOPE, "orders-sink", config(), null, REQUEST).get(5, TimeUnit.SECONDS);
        // Both wrong: it breaks a built-in policy, and it names a secret the cluster does not have.
        Map<String, String> patch = Map.of(OVERRIDE, "elsewhere:9092", "db.password", "${secretsManager:missing}");
        Map<String, String> whole = new TreeMap<>(config());
        whole.putAll(patch);
        Exception put = refusal(core.service.putConfig(SCOPE, "orders-sink", whole, REQUEST));
        Exception patched = refusal(core.service.patchConfig(SCOPE, "orders-sink", patch, REQUEST));
        assertTrue(put.getMessage().contains("policy"), put.getMessage());
        assertEquals(put.getMessage(), patched.getMessage(), "the policy first, then the secrets, as a put");
        assertEquals(1, core.kafka.sent().size(), "only the create reached Kafka: " + core.kafka.sent());
    }

    @Test
    void aSetsItemIsStoredAsDeclaredAndValidatedWithItsName() {
        Item item = planned("orders-sink", config());
        assertNull(item.error(), item.toString());
        assertEquals(new TreeMap<>(config()), item.item().getConfig(), "no name added to what the files declare");
    }
}
