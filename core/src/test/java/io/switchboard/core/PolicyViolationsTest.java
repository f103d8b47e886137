package io.switchboard.core;

import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The policy pages and the metric read a count made once per cluster and refresh, never an evaluation per request. */
class PolicyViolationsTest {
    private static final Scope SCOPE = new Scope("default");
    private static final RequestContext CONTEXT = new RequestContext("r", "admin");

    private static PolicySpec atMost(int tasks) {
        return PolicySpec.newBuilder().setAction(PolicyAction.DENY).setValidations(List.of(new PolicyValidation(
                "int(connector.config[?'tasks.max'].orValue('1')) <= " + tasks, "at most " + tasks + " tasks"))).build();
    }

    private static void create(InMemoryConnectors kafka, String name, String tasks) {
        kafka.submit(kafka.command(new io.switchboard.rules.ConnectorKey("default", name), new CreateConnector(Map.of(
                "connector.class", "FileStreamSource", "file", "/tmp/x", "topic", "t", "tasks.max", tasks), TargetState.RUNNING, null),
                CONTEXT).build()).join();
    }

    @Test
    void scrapesAndPagesServeOneCountUntilItsRefreshOrAPolicyChange() {
        InMemoryConnectors kafka = new InMemoryConnectors();
        Policies policies = new Policies(kafka, kafka, kafka);
        create(kafka, "wide", "8");
        create(kafka, "narrow", "1");
        policies.put(SCOPE, "tasks", atMost(2), CONTEXT).join();
        long before = kafka.listings.get();
        for (int i = 0; i < 10; i++) {
            assertEquals(Map.of("tasks", 1), policies.violationCounts(SCOPE));
            assertEquals(List.of("wide"), policies.violators(SCOPE, "tasks").stream().map(Policies.Violator::connector).toList());
        }
        assertEquals(1, kafka.listings.get() - before, "one count for 20 reads");

        policies.put(SCOPE, "tasks", atMost(0), CONTEXT).join();
        assertEquals(Map.of("tasks", 2), policies.violationCounts(SCOPE), "a new version is counted at its first read");
        assertEquals(2, kafka.listings.get() - before);
    }

    @Test
    void aCountIsMadeAgainOnlyPastItsRefresh() {
        InMemoryConnectors kafka = new InMemoryConnectors();
        new Policies(kafka, kafka, kafka).put(SCOPE, "tasks", atMost(2), CONTEXT).join();
        AtomicLong now = new AtomicLong();
        PolicyViolations violations = new PolicyViolations(kafka, kafka::connectors, now::get);
        assertEquals(Map.of("tasks", 0), violations.of("default").counts());
        create(kafka, "wide", "8");
        assertEquals(Map.of("tasks", 0), violations.of("default").counts(), "within the refresh: the count made");
        now.addAndGet(PolicyViolations.REFRESH.toNanos());
        assertEquals(Map.of("tasks", 1), violations.of("default").counts());
    }
}
