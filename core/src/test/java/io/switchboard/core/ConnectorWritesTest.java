package io.switchboard.core;

import io.switchboard.core.ServiceException.ConfigNameMismatch;
import io.switchboard.core.Views.Written;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.PipelineOwnership;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Core's writes over its ports in memory, decided by the processor's own decider: no broker, so
 * each test runs in milliseconds. What reaches "Kafka" is the list of commands sent.
 */
class ConnectorWritesTest {
    private static final Scope SCOPE = new Scope(ClusterDirectory.DEFAULT_CLUSTER);
    private static final RequestContext REQUEST = new RequestContext("r-1", "alice");
    private final UnitCore core = new UnitCore();

    private static Map<String, String> config() {
        return Map.of("connector.class", "org.example.Sink", "topics", "orders");
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    private ConnectorState stored(String name) {
        return core.kafka.connector(new ConnectorKey(SCOPE.cluster(), name), ReadConsistency.LINEARIZABLE).orElseThrow();
    }

    @Test
    void aCreateStoresTheConfigWithTheConnectorsNameInOneCommand() throws Exception {
        Written written = done(core.service.create(SCOPE, "orders-sink", config(), null, REQUEST));
        assertTrue(written.created());
        assertEquals("orders-sink", stored("orders-sink").getConfig().get("name"), "config.name is set when absent");
        assertEquals(TargetState.RUNNING, stored("orders-sink").getTargetState());
        assertEquals(1, core.kafka.sent().size(), "one command, built once: " + core.kafka.sent());
        assertEquals("alice", core.kafka.sent().get(0).getPrincipal());
    }

    @Test
    void aConfigNamingAnotherConnectorIsRefusedBeforeAnythingIsSent() {
        Map<String, String> config = new HashMap<>(config());
        config.put("name", "other");
        ConfigNameMismatch refused = assertThrows(ConfigNameMismatch.class,
                () -> done(core.service.create(SCOPE, "orders-sink", config, null, REQUEST)));
        assertEquals("other", refused.configName());
        assertEquals("config.name", refused.field());
        assertThrows(ConfigNameMismatch.class, () -> done(core.service.putConfig(SCOPE, "orders-sink", config, REQUEST)));
        assertTrue(core.kafka.sent().isEmpty(), "nothing reached Kafka");
    }

    @Test
    void anUnaddressableNameIsRefusedByTheProcessorsRule() {
        ServiceException.InvalidRequest refused = assertThrows(ServiceException.InvalidRequest.class,
                () -> done(core.service.create(SCOPE, "a/b", config(), null, REQUEST)));
        assertEquals("name", refused.field());
        assertTrue(refused.getMessage().contains("cannot contain /"), refused.getMessage());
        assertTrue(core.kafka.sent().isEmpty());
    }

    @Test
    void aSecondCreateOfOneNameIsTheDecidersConflict() throws Exception {
        done(core.service.create(SCOPE, "twice", config(), null, REQUEST));
        assertThrows(ServiceException.AlreadyExists.class, () -> done(core.service.create(SCOPE, "twice", config(), null, REQUEST)));
    }

    @Test
    void pauseUpdateAndDeleteAreEachOneDecidedCommand() throws Exception {
        done(core.service.create(SCOPE, "c1", config(), null, REQUEST));
        done(core.service.changeTargetState(SCOPE, "c1", TargetState.PAUSED, REQUEST));
        assertEquals(TargetState.PAUSED, stored("c1").getTargetState());

        Written updated = done(core.service.putConfig(SCOPE, "c1", Map.of("connector.class", "org.example.Sink", "topics", "refunds"), REQUEST));
        assertFalse(updated.created());
        assertEquals("refunds", stored("c1").getConfig().get("topics"));
        assertEquals("c1", stored("c1").getConfig().get("name"));
        assertInstanceOf(PutConnectorConfig.class, core.kafka.sent().get(2).getAction());

        done(core.service.delete(SCOPE, "c1", REQUEST));
        assertTrue(core.kafka.connector(new ConnectorKey(SCOPE.cluster(), "c1"), ReadConsistency.LINEARIZABLE).isEmpty());
        assertThrows(ServiceException.NotFound.class, () -> core.service.connector(SCOPE, "c1"));
        assertThrows(ServiceException.NotFound.class, () -> done(core.service.changeTargetState(SCOPE, "c1", TargetState.RUNNING, REQUEST)));
        assertEquals(5, core.kafka.sent().size());
    }

    @Test
    void aPatchIsValidatedAgainstTheStoredVersion() throws Exception {
        done(core.service.create(SCOPE, "p1", config(), null, REQUEST));
        done(core.service.patchConfig(SCOPE, "p1", Map.of("topics", "patched"), REQUEST));
        assertEquals("patched", stored("p1").getConfig().get("topics"));
        assertThrows(ServiceException.NotFound.class, () -> done(core.service.patchConfig(SCOPE, "none", Map.of("a", "b"), REQUEST)));
    }

    @Test
    void aPipelinesConnectorIsRefusedToOthersBeforeValidation() throws Exception {
        Map<String, String> owned = new HashMap<>(config());
        owned.put(PipelineOwnership.PIPELINE_ID, "pipe-1");
        done(core.service.create(SCOPE, "owned", owned, null, REQUEST.forPipeline("pipe-1")));
        core.worker.hang();
        try {
            assertThrows(ServiceException.NotTheOwner.class, () -> done(core.service.putConfig(SCOPE, "owned", config(), REQUEST)));
            assertEquals(1, core.kafka.sent().size(), "refused at hand, not sent");
        } finally {
            core.worker.release();
        }
    }
}
