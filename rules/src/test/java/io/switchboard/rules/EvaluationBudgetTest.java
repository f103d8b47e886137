package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A policy whose evaluation would grow without bound is a quick refusal of the connector, never a failure of the decider. */
class EvaluationBudgetTest {
    private static final String BOOM = "connector.name" + ".replace('', 'aaaaaaaaaaaaaaaa')".repeat(8) + ".size() > 0";

    private static ConnectorCommand create(String name) {
        return ConnectorCommand.newBuilder().setCommandId("cmd-" + name).setCluster("default").setConnector(name)
                .setPrincipal("alice").setIssuedAt(5L).setAction(new CreateConnector(
                        Map.of("connector.class", "FileStreamSink", "file", "/dev/null", "topics", "t"), TargetState.RUNNING, null))
                .build();
    }

    @Test
    void chainedReplacementsAreStoredButRefuseTheConnectorQuicklyAndTheNextCreateIsDecided() {
        assertNull(PolicyExpressions.problem(BOOM));
        PolicySpec spec = PolicySpec.newBuilder().setAction(PolicyAction.DENY).setMatchNames(List.of("boom-*"))
                .setValidations(List.of(new PolicyValidation(BOOM, "x"))).build();
        UserPolicies policies = new UserPolicies(List.of(UserPoliciesTest.policy("boom", 1, spec)));

        Decision refused = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, null, null, create("boom-1")));
        assertEquals(Outcome.REJECTED, refused.outcome());
        assertTrue(refused.message().startsWith("Connector config refused by policy boom: x (the expression could not be evaluated: ")
                && refused.message().contains("longer than 65536 characters"), refused.message());

        Decision next = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, null, null, create("orders")));
        assertEquals(Outcome.CREATED, next.outcome());
    }

    @Test
    void whatOneEvaluationMakesIsBoundedInTotal() {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < 90; i++) { // 8,190 iterations: within the iteration budget
            config.put("k" + i, "v".repeat(60_000));
        }
        PolicyExpressions.Subject subject = new PolicyExpressions.Subject("default", "big", config, Map.of());
        String breach = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> PolicyExpressions.breach(
                "connector.config.all(a, connector.config.all(b, (connector.config[a] + connector.config[b]).size() > 0))",
                subject, null, null));
        assertTrue(breach != null && breach.contains("made more than 1048576 characters or elements"), breach);
    }

    @Test
    void replaceKeepsTheStringsExtensionsMeaning() {
        PolicyExpressions.Subject subject = new PolicyExpressions.Subject("default", "hello", Map.of(), Map.of());
        assertNull(PolicyExpressions.breach("connector.name.replace('', '_') == '_h_e_l_l_o_'", subject, null, null));
        assertNull(PolicyExpressions.breach("connector.name.replace('l', 'L') == 'heLLo'", subject, null, null));
        assertNull(PolicyExpressions.breach("connector.name.replace('l', 'L', 1) == 'heLlo'", subject, null, null));
        assertNull(PolicyExpressions.breach("connector.name.replace('l', 'L', 0) == 'hello'", subject, null, null));
        assertNull(PolicyExpressions.breach("connector.name.replace('', '_', 2) == '_h_ello'", subject, null, null));
        assertNull(PolicyExpressions.breach("''.replace('', 'x') == 'x' && ''.replace('a', 'x') == ''", subject, null, null));
        assertNull(PolicyExpressions.breach("'a😀b'.replace('', '-') == '-a-😀-b-'", subject, null, null));
    }

    @Test
    void anEvaluationErrorQuotesNoConfigValueOnlyWhereAndWhatKind() {
        PolicySpec levels = PolicySpec.newBuilder().setAction(PolicyAction.WARN)
                .setValidations(List.of(new PolicyValidation("int(connector.config[?\"x.level\"].orValue(\"0\")) < 5", "level"))).build();
        PolicyExpressions.Subject lv = new PolicyExpressions.Subject("default", "lv",
                Map.of("connector.class", "FileStreamSink", "x.level", "s3cret-ish"), Map.of());
        List<UserPolicies.Breach> breaches = UserPolicies.breaches(UserPoliciesTest.policy("levels", 1, levels), lv, null, null);
        assertEquals(1, breaches.size());
        String warning = breaches.get(0).warning();
        assertFalse(warning.contains("s3cret"), warning);
        assertEquals("levels: level (the expression could not be evaluated: at <input>:3: bad format)", warning);

        String missing = PolicyExpressions.breach("connector.config['k' + connector.config['x.level']] == ''", lv, null, null);
        assertFalse(missing.contains("s3cret"), missing);
    }
}
