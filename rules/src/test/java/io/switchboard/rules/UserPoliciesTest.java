package io.switchboard.rules;

import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.PutPolicy;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserPoliciesTest {
    private static final String SINK = "io.confluent.connect.jdbc.JdbcSinkConnector";

    static PolicySpec spec(PolicyAction action, List<String> classes, String expression, String message) {
        return PolicySpec.newBuilder().setAction(action).setMatchClasses(classes)
                .setValidations(List.of(new PolicyValidation(expression, message))).build();
    }

    static ConnectorPolicy policy(String name, long version, PolicySpec spec) {
        return ConnectorPolicy.newBuilder().setCluster("default").setName(name).setVersion(version).setSpec(spec)
                .setChangedAt(1L).setCommandId("c" + version).build();
    }

    private static ConnectorCommand create(String name, Map<String, String> config) {
        return ConnectorCommand.newBuilder().setCommandId("cmd-" + name).setCluster("default").setConnector(name)
                .setPrincipal("alice").setIssuedAt(5L).setAction(new CreateConnector(config, TargetState.RUNNING, null)).build();
    }

    private static ConnectorCommand policyCommand(String name, String id, Object action) {
        return ConnectorCommand.newBuilder().setCommandId(id).setCluster("default").setConnector("{policy}" + name)
                .setPrincipal("admin").setIssuedAt(2L).setAction(action).build();
    }

    private static final String DLQ = "connector.config[?'errors.tolerance'].orValue('none') != 'all'"
            + " || connector.config[?'errors.deadletterqueue.topic.name'].orValue('') != ''";

    @Test
    void aDenyPolicyRefusesACreateNamingThePolicyAndTheDecisionRecordsTheVersionsCheckedAgainst() {
        UserPolicies policies = new UserPolicies(List.of(
                policy("dlq-required", 3, spec(PolicyAction.DENY, List.of("*Sink*"), DLQ, "a sink tolerating all errors needs a dead letter queue")),
                policy("tasks", 1, spec(PolicyAction.DENY, List.of(), "int(connector.config[?'tasks.max'].orValue('1')) <= 4", "at most 4 tasks"))));

        Decision refused = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, null, null,
                create("orders-sink", Map.of("connector.class", SINK, "topics", "orders", "errors.tolerance", "all")));
        assertEquals(Outcome.REJECTED, refused.outcome());
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, refused.reason());
        assertEquals("Connector config refused by policy dlq-required: a sink tolerating all errors needs a dead letter queue",
                refused.message());
        assertEquals(Map.of("dlq-required", 3L, "tasks", 1L), refused.policyVersions());
        assertNull(refused.next());

        Decision accepted = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, null, null,
                create("orders-sink", Map.of("connector.class", SINK, "topics", "orders", "errors.tolerance", "all",
                        "errors.deadletterqueue.topic.name", "orders-dlq", "tasks.max", "2")));
        assertEquals(Outcome.CREATED, accepted.outcome());
        assertEquals(Map.of("dlq-required", 3L, "tasks", 1L), accepted.toRecord("x", new ConnectorKey("default", "orders-sink"))
                .getPolicyVersions());

        Decision tooMany = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, null, null,
                create("orders-sink", Map.of("connector.class", "FileStreamSource", "tasks.max", "9")));
        assertEquals("Connector config refused by policy tasks: at most 4 tasks", tooMany.message());
    }

    @Test
    void aWarnPolicyAcceptsAndRecordsTheWarningOnTheDecisionAndTheLifecycleEvent() {
        UserPolicies policies = new UserPolicies(List.of(policy("team-prefix", 2,
                spec(PolicyAction.WARN, List.of(), "connector.name.startsWith('payments-')", "names start with payments-"))));
        Decision decision = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, null, null,
                create("orders", Map.of("connector.class", SINK, "topics", "orders")));
        assertEquals(Outcome.CREATED, decision.outcome());
        assertEquals(List.of("team-prefix: names start with payments-"), decision.warnings());
        assertEquals(List.of("team-prefix: names start with payments-"), decision.event().getPolicyWarnings());
    }

    @Test
    void aConnectorBreakingAPolicyAddedLaterCanStillBePausedAndResumed() {
        UserPolicies policies = new UserPolicies(List.of(policy("no-file", 1,
                spec(PolicyAction.DENY, List.of("FileStream*"), "false", "no file connectors"))));
        ConnectorState old = ConnectorState.newBuilder().setCluster("default").setName("f").setConfig(Map.of("connector.class", "FileStreamSource"))
                .setTargetState(TargetState.RUNNING).setVersion(1).setCreatedAt(1).setUpdatedAt(1).setLastCommandId("c").build();
        ConnectorCommand pause = ConnectorCommand.newBuilder().setCommandId("p").setCluster("default").setConnector("f").setIssuedAt(2L)
                .setAction(new ChangeTargetState(TargetState.PAUSED)).build();
        assertEquals(Outcome.UPDATED, CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, old, null, pause).outcome());
    }

    @Test
    void anExpressionThatDoesNotCompileOrIsNotABooleanIsRefusedInCelsWords() {
        String problem = PolicyExpressions.problem("connector.config['tasks.max'] <= ");
        assertNotNull(problem);
        assertTrue(problem.contains("mismatched input"), problem);
        String notBoolean = PolicyExpressions.problem("connector.name + 'x'");
        assertNotNull(notBoolean);
        assertNull(PolicyExpressions.problem(DLQ));

        ConnectorCommand put = ConnectorCommand.newBuilder().setCommandId("p1").setCluster("default").setConnector("{policy}bad")
                .setIssuedAt(1L).setAction(new PutPolicy(spec(PolicyAction.DENY, List.of(), "connector.nope(", "m"))).build();
        PolicyDecider.PolicyDecision decision = PolicyDecider.decide(null, put);
        assertEquals(Outcome.REJECTED, decision.outcome());
        assertTrue(decision.message().startsWith("validations[0].expression does not compile: "), decision.message());
    }

    @Test
    void policyVersionsGrowAndBuiltInNamesAreReadOnly() {
        PolicySpec first = spec(PolicyAction.DENY, List.of(), "true", "m");
        ConnectorCommand put = ConnectorCommand.newBuilder().setCommandId("p1").setCluster("default").setConnector("{policy}p")
                .setPrincipal("admin").setIssuedAt(1L).setAction(new PutPolicy(first)).build();
        PolicyDecider.PolicyDecision v1 = PolicyDecider.decide(null, put);
        assertEquals(Outcome.CREATED, v1.outcome());
        assertEquals(1L, v1.next().getVersion());
        assertEquals(Outcome.UNCHANGED, PolicyDecider.decide(v1.next(), put).outcome());
        ConnectorCommand again = policyCommand("p", "p2", new PutPolicy(spec(PolicyAction.WARN, List.of(), "true", "m")));
        PolicyDecider.PolicyDecision v2 = PolicyDecider.decide(v1.next(), again);
        assertEquals(Outcome.UPDATED, v2.outcome());
        assertEquals(2L, v2.next().getVersion());
        assertEquals("admin", v2.next().getPrincipal());
        ConnectorCommand builtIn = policyCommand(ConnectorPolicies.CLIENT_OVERRIDES, "p3", new PutPolicy(first));
        assertEquals("policy client-overrides is built in and read-only", PolicyDecider.decide(null, builtIn).message());
    }

    @Test
    void everyExpressionOfTheDocsCompiles() throws java.io.IOException {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "policies.md"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"expression\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(doc);
        int found = 0;
        while (m.find()) {
            found++;
            assertNull(PolicyExpressions.problem(m.group(1)), m.group(1));
        }
        assertTrue(found >= 6, "expressions found: " + found);
    }

    @Test
    void globsMatchClassesAndNames() {
        assertTrue(UserPolicies.glob("io.debezium.*").matcher("io.debezium.connector.postgresql.PostgresConnector").matches());
        assertTrue(!UserPolicies.glob("io.debezium.*").matcher("io_debezium.x").matches());
        assertTrue(UserPolicies.glob("*Sink?onnector").matcher("JdbcSinkConnector").matches());
    }
}
