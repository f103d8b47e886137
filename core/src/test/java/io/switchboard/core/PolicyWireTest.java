package io.switchboard.core;

import io.switchboard.rules.PolicyDecider;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A policy's spec read from and rendered to the one wire format the API, the files and apply's plan share. */
class PolicyWireTest {
    private static final PolicySpec SPEC = PolicySpec.newBuilder().setAction(PolicyAction.WARN)
            .setMatchClasses(List.of("*JdbcSink*")).setMatchNames(List.of("orders-*"))
            .setMatchLabels(Map.of("team", "payments", "env", "prod"))
            .setValidations(List.of(new PolicyValidation("int(connector.config[?'tasks.max'].orValue('1')) <= 4", "at most 4 tasks")))
            .build();

    private static PolicySpec read(Map<String, Object> tree, List<String> problems) {
        return PolicyWire.read(tree, (field, message) -> problems.add(field + ": " + message));
    }

    @Test
    void aRenderedSpecReadsBackAsTheSameSpecByTheDecidersJudgement() {
        List<String> problems = new ArrayList<>();
        PolicySpec back = read(PolicyWire.render(SPEC), problems);
        assertEquals(List.of(), problems);
        assertTrue(PolicyDecider.sameSpec(SPEC, back), "a put of what GET answered changes nothing");
        assertEquals(List.of("action", "match", "validations"), List.copyOf(PolicyWire.render(SPEC).keySet()));
        assertEquals("warn", PolicyWire.render(SPEC).get("action"));
    }

    @Test
    void anAbsentActionIsDenyAndAbsentMatchesMatchEverything() {
        List<String> problems = new ArrayList<>();
        PolicySpec spec = read(Map.of("validations", List.of(Map.of("expression", "true", "message", "m"))), problems);
        assertEquals(List.of(), problems);
        assertEquals(PolicyAction.DENY, spec.getAction());
        assertEquals(List.of(), spec.getMatchClasses());
        assertEquals(Map.of(), spec.getMatchLabels());
        assertEquals(PolicyAction.WARN, read(Map.of("action", "WARN", "validations", List.of()), problems).getAction());
    }

    @Test
    void everyProblemIsReportedByItsFieldAndNoSpecIsRead() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("action", "allow");
        tree.put("match", Map.of("classes", "X", "labels", Map.of("team", 1)));
        tree.put("validations", List.of(Map.of("expression", "true"), "x"));
        tree.put("colour", "red");
        List<String> problems = new ArrayList<>();
        assertNull(read(tree, problems));
        assertEquals(List.of(
                "colour: unknown field (expected action, match, validations)",
                "action: must be deny or warn, not allow",
                "match.classes: must be a list of globs",
                "match.labels.team: must be a string",
                "validations[0].message: missing",
                "validations[1]: must be an object with an expression and a message"), problems);

        problems.clear();
        assertNull(read(Map.of("match", List.of()), problems));
        assertEquals(List.of("match: must be an object of classes, names and labels",
                "validations: must be a list of {expression, message}"), problems);
    }
}
