package io.switchboard.core;

import io.switchboard.processor.ConnectorKey;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A revert is answered once the connectors' commands it wrote are decided, as an apply is: here the
 * stores say so only some time after the set's decision, and the answer waits for that. The stores
 * and the bus are stand-ins answering what the processor would (the end-to-end flow is in the
 * integration tests, where that gap is too short to see over HTTP).
 */
class SetRevertWaitTest {
    private static final Map<String, String> BEFORE = Map.of("connector.class", "FileStreamSource", "topic", "v1");
    private static final Map<String, String> AFTER = Map.of("connector.class", "FileStreamSource", "topic", "v2");

    @Test
    void aRevertIsAnsweredOnceItsConnectorsCommandsAreDecided() throws Exception {
        SetItem applied = SetItem.newBuilder().setConnector("a").setLabels(Map.of()).setConfig(AFTER).setTargetState(TargetState.RUNNING)
                .setPreviousConfig(BEFORE).setPreviousTargetState(TargetState.RUNNING).setAdopt(false).build();
        // Built field by field: Avro's copying builder loads classes reflectively.
        SetItem restoring = SetItem.newBuilder().setConnector("a").setLabels(Map.of()).setConfig(BEFORE).setTargetState(TargetState.RUNNING)
                .setPreviousConfig(AFTER).setPreviousTargetState(TargetState.RUNNING).setAdopt(false).build();
        SetState set = SetState.newBuilder().setCluster("default").setName("s").setVersion(2).setSelector(Map.of())
                .setManaged(Map.of("a", Map.of())).setChanges(List.of(new SetChange("change-1", 1L, "erin", 1L, null, List.of(applied)),
                        new SetChange("revert-1", 2L, "erin", 2L, "change-1", List.of(restoring)))).build();
        // The connector as the store holds it: the change's config until its revert's command is decided.
        AtomicReference<ConnectorState> connector = new AtomicReference<>(state(AFTER, "change-1/0"));
        ConnectorStore store = (ConnectorStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConnectorStore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "set" -> Optional.of(set);
                    case "connector" -> Optional.ofNullable(((ConnectorKey) args[0]).name().equals("a") ? connector.get() : null);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        CommandBus bus = (CommandBus) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CommandBus.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "command" -> ConnectorCommand.newBuilder().setCommandId("revert-1").setCluster("default")
                            .setConnector(((ConnectorKey) args[0]).name()).setIssuedAt(2L).setAction(args[1]);
                    case "submit" -> CompletableFuture.completedFuture(CommandDecision.newBuilder().setCommandId("revert-1")
                            .setCluster("default").setConnector("{set}s").setOutcome(Outcome.UPDATED).build());
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        ConnectorSets sets = new ConnectorSets(bus, store, null, null, null, null);

        CompletableFuture<ConnectorSets.Applied> answer = sets.revert(new Scope("default"), "s", "change-1", new RequestContext("req-1", "erin"));
        Thread.sleep(500);
        assertFalse(answer.isDone(), "answered before the revert's command for connector a was decided");
        connector.set(state(BEFORE, "revert-1/0"));
        ConnectorSets.Applied done = answer.get(10, TimeUnit.SECONDS);
        assertEquals(ConnectorSets.Result.APPLIED, done.result());
        assertTrue(done.changeId().equals("revert-1"), done.toString());
    }

    private static ConnectorState state(Map<String, String> config, String commandId) {
        return ConnectorState.newBuilder().setCluster("default").setName("a").setConfig(config).setTargetState(TargetState.RUNNING)
                .setVersion(1).setCreatedAt(0).setUpdatedAt(0).setLastCommandId(commandId).build();
    }
}
