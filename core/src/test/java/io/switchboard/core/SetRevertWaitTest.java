package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.SetDecider;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set's change is answered once the connectors' commands it wrote are decided: a revert and an
 * apply wait for the decision of each command ({@code <change>/<n>}) as the decision feed brings it,
 * and a refused change waits for none and stops following them. The bus and the store are
 * stand-ins answering what the processor would (the end-to-end flow is in the integration tests,
 * where the gap between the set's decision and its connectors' is too short to see over HTTP). The
 * stand-ins complete their futures on the test's thread, so whether a change is answered is settled
 * when the call returns: nothing here waits for time to pass.
 */
class SetRevertWaitTest {
    private static final Map<String, String> BEFORE = Map.of("connector.class", "FileStreamSource", "topic", "v1");
    private static final Map<String, String> AFTER = Map.of("connector.class", "FileStreamSource", "topic", "v2");

    /** A bus whose set command is decided with {@code outcome}, and whose followed decisions the test completes. */
    private static final class Bus {
        final Map<String, CompletableFuture<CommandDecision>> followed = new ConcurrentHashMap<>();
        final CommandBus proxy;

        Bus(String changeId, Outcome outcome) {
            proxy = (CommandBus) Proxy.newProxyInstance(SetRevertWaitTest.class.getClassLoader(), new Class<?>[] {CommandBus.class},
                    (p, method, args) -> switch (method.getName()) {
                        case "command" -> ConnectorCommand.newBuilder().setCommandId(changeId).setCluster("default")
                                .setConnector(((ConnectorKey) args[0]).name()).setIssuedAt(2L).setPrincipal("erin").setAction(args[1]);
                        case "submit" -> CompletableFuture.completedFuture(decision(changeId, "{set}s", outcome));
                        case "controlPlane" -> InMemoryConnectors.CONTROL_PLANE;
                        case "decisionOf" -> followed.computeIfAbsent((String) args[0], id -> new CompletableFuture<>());
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        void decide(String commandId) {
            followed.get(commandId).complete(decision(commandId, "a", Outcome.UPDATED));
        }
    }

    private static ConnectorStore store(SetState set) {
        return (ConnectorStore) Proxy.newProxyInstance(SetRevertWaitTest.class.getClassLoader(), new Class<?>[] {ConnectorStore.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "set" -> Optional.ofNullable(set);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aRevertIsAnsweredOnceItsConnectorsCommandsAreDecided() throws Exception {
        Bus bus = new Bus("revert-1", Outcome.UPDATED);
        ConnectorSets sets = new ConnectorSets(bus.proxy, store(setWithChange()), null, null, null, null, null);

        CompletableFuture<ConnectorSets.Applied> answer = sets.revert(new Scope("default"), "s", "change-1", new RequestContext("req-1", "erin"));
        assertFalse(answer.isDone(), "answered before the revert's command for connector a was decided");
        assertEquals(List.of("revert-1/0"), List.copyOf(bus.followed.keySet()), "the command the revert writes");
        bus.decide("revert-1/0");
        ConnectorSets.Applied done = answer.get(10, TimeUnit.SECONDS);
        assertEquals(ConnectorSets.Result.APPLIED, done.result());
        assertEquals("revert-1", done.changeId());
    }

    @Test
    void anApplyIsAnsweredOnceEachOfItsConnectorsCommandsIsDecided() throws Exception {
        Bus bus = new Bus("apply-1", Outcome.CREATED);
        ConnectorSets sets = new ConnectorSets(bus.proxy, store(null), null, null, null, null, null);
        // A new connector a, and b paused: a config and a target state, two commands.
        ConnectorState b = ConnectorState.newBuilder().setCluster("default").setName("b").setConfig(BEFORE)
                .setTargetState(TargetState.RUNNING).setVersion(1).setCreatedAt(0).setUpdatedAt(0).setLastCommandId("x").build();
        DesiredState.SetScope scope = new DesiredState.SetScope("s", "default", Map.of());
        List<SetPlanner.Desired> desired = List.of(
                new SetPlanner.Desired(new DesiredState.Connector("a", Map.of(), AFTER, null, "test"), AFTER, null),
                new SetPlanner.Desired(new DesiredState.Connector("b", Map.of(), BEFORE, TargetState.PAUSED, "test"), BEFORE, null));
        SetPlanner.Plan plan = SetPlanner.plan(SetDecider.Checks.builtIn(InMemoryConnectors.CONTROL_PLANE), scope, desired, Map.of("b", b), null, false, 0, false, key -> false);
        ConnectorSets.Request request = new ConnectorSets.Request(Map.of(), List.of(), false, 0, false);

        CompletableFuture<ConnectorSets.Applied> answer = sets.apply(new Scope("default"), "s", request, null,
                new RequestContext("req-1", "erin"), plan);
        assertEquals(List.of("apply-1/0", "apply-1/1"), bus.followed.keySet().stream().sorted().toList());
        bus.decide("apply-1/1");
        assertFalse(answer.isDone(), "answered before the command creating connector a was decided");
        bus.decide("apply-1/0");
        assertEquals(ConnectorSets.Result.APPLIED, answer.get(10, TimeUnit.SECONDS).result());
    }

    @Test
    void aRefusedRevertIsAnsweredAtOnceAndFollowsNoDecision() throws Exception {
        Bus bus = new Bus("revert-2", Outcome.CONFLICT);
        ConnectorSets sets = new ConnectorSets(bus.proxy, store(setWithChange()), null, null, null, null, null);

        ConnectorSets.Applied done = sets.revert(new Scope("default"), "s", "change-1", new RequestContext("req-1", "erin"))
                .get(10, TimeUnit.SECONDS);
        assertEquals(ConnectorSets.Result.REFUSED, done.result());
        assertEquals(List.of("revert-2/0"), List.copyOf(bus.followed.keySet()), "followed from before the revert was sent");
        assertTrue(bus.followed.get("revert-2/0").isCancelled(), "and no longer once it was refused");
    }

    /** The set as read before the revert: version 1, whose change moved connector a from v1 to v2. */
    private static SetState setWithChange() {
        // Built field by field: Avro's copying builder loads classes reflectively.
        SetItem applied = SetItem.newBuilder().setConnector("a").setLabels(Map.of()).setConfig(AFTER).setTargetState(TargetState.RUNNING)
                .setPreviousConfig(BEFORE).setPreviousTargetState(TargetState.RUNNING).setAdopt(false).build();
        return SetState.newBuilder().setCluster("default").setName("s").setVersion(1).setSelector(Map.of())
                .setManaged(Map.of("a", Map.of())).setChanges(List.of(new SetChange("change-1", 1L, "erin", 1L, null, List.of(applied))))
                .build();
    }

    private static CommandDecision decision(String commandId, String connector, Outcome outcome) {
        return CommandDecision.newBuilder().setCommandId(commandId).setCluster("default").setConnector(connector)
                .setOutcome(outcome).build();
    }
}
