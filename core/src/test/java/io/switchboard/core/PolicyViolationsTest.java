package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The metric and the policy pages read a count kept per connector: reads with nothing changed
 * evaluate nothing and answer the count made before; a connector's change, or a policy's, is
 * counted at the next read.
 */
class PolicyViolationsTest {
    private static final Scope SCOPE = new Scope("default");
    private static final RequestContext CONTEXT = new RequestContext("r", "admin");

    private static PolicySpec atMost(int tasks) {
        return PolicySpec.newBuilder().setAction(PolicyAction.DENY).setValidations(List.of(new PolicyValidation(
                "int(connector.config[?'tasks.max'].orValue('1')) <= " + tasks, "at most " + tasks + " tasks"))).build();
    }

    private static void send(InMemoryConnectors kafka, String name, Object action) {
        kafka.submit(kafka.command(new ConnectorKey("default", name), action, CONTEXT).build()).join();
    }

    private static void create(InMemoryConnectors kafka, String name, String tasks) {
        send(kafka, name, new CreateConnector(Map.of("connector.class", "FileStreamSource", "file", "/tmp/x", "topic", "t",
                "tasks.max", tasks), TargetState.RUNNING, null));
    }

    private static List<String> violators(Policies policies) {
        return policies.violators(SCOPE, "tasks").stream().map(Policies.Violator::connector).toList();
    }

    @Test
    void readsWithNothingChangedServeTheCountMadeAndChangesShowAtTheNextRead() {
        InMemoryConnectors kafka = new InMemoryConnectors();
        Policies policies = new Policies(kafka, kafka, kafka);
        create(kafka, "wide", "8");
        create(kafka, "narrow", "1");
        policies.put(SCOPE, "tasks", atMost(2), CONTEXT).join();

        Map<String, Integer> first = policies.violationCounts(SCOPE);
        assertEquals(Map.of("tasks", 1), first);
        for (int i = 0; i < 10; i++) {
            assertSame(first, policies.violationCounts(SCOPE), "nothing changed: the count made before, nothing evaluated");
            assertEquals(List.of("wide"), violators(policies));
        }

        create(kafka, "wider", "9");
        Map<String, Integer> afterCreate = policies.violationCounts(SCOPE);
        assertNotSame(first, afterCreate);
        assertEquals(Map.of("tasks", 2), afterCreate, "a new connector is counted at the next read");
        send(kafka, "wide", new DeleteConnector());
        assertEquals(List.of("wider"), violators(policies), "a deleted one is gone at the next read");

        policies.put(SCOPE, "tasks", atMost(0), CONTEXT).join();
        assertEquals(Map.of("tasks", 2), policies.violationCounts(SCOPE), "a new version is counted at its first read");
        assertEquals(List.of("narrow", "wider"), violators(policies));
    }
}
