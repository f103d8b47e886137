package io.switchboard.apply;

import io.switchboard.apply.DesiredStateFiles.Options;
import io.switchboard.core.DesiredState;
import io.switchboard.apply.DesiredStateFiles.Source;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.secrets.Redactor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kind: ConnectorPolicy} documents in desired-state files: read with the decider's own checks, a set only when one is declared. */
class PolicyDocumentsTest {
    private static final Options OPTIONS = new Options(null, "default", name -> null, Redactor.DEFAULT, Set.of());

    private static DesiredState read(String text) {
        return DesiredStateFiles.read(List.of(new Source("policies.yaml", text)), OPTIONS);
    }

    @Test
    void aPolicyDocumentIsReadAsThePolicyApiTakesIt() {
        DesiredState state = read("""
                apiVersion: switchboard.io/v1
                kind: ConnectorPolicy
                metadata: {name: tasks}
                spec:
                  action: warn
                  match: {classes: ["*JdbcSink*"], labels: {team: payments}}
                  validations:
                    - expression: "int(connector.config[?'tasks.max'].orValue('1')) <= 4"
                      message: at most 4 tasks
                """);
        assertEquals(1, state.policies().size());
        DesiredState.Policy policy = state.policies().get(0);
        assertEquals("tasks", policy.name());
        assertEquals(PolicyAction.WARN, policy.spec().getAction());
        assertEquals(List.of("*JdbcSink*"), policy.spec().getMatchClasses());
        assertEquals(Map.of("team", "payments"), policy.spec().getMatchLabels());
        assertEquals("at most 4 tasks", policy.spec().getValidations().get(0).getMessage());
        assertFalse(state.setDeclared(), "files of policies alone declare no set");
        assertTrue(state.connectors().isEmpty());
    }

    @Test
    void anExpressionThatDoesNotCompileABuiltInNameAndAnotherClusterAreProblemsOfTheFiles() {
        DesiredStateException bad = assertThrows(DesiredStateException.class, () -> read("""
                apiVersion: switchboard.io/v1
                kind: ConnectorPolicy
                metadata: {name: tasks}
                spec:
                  validations: [{expression: "connector.config['tasks.max'] <=", message: m}]
                ---
                apiVersion: switchboard.io/v1
                kind: ConnectorPolicy
                metadata: {name: client-overrides}
                spec: {validations: [{expression: "true", message: m}]}
                ---
                apiVersion: switchboard.io/v1
                kind: ConnectorPolicy
                metadata: {name: elsewhere, cluster: other}
                spec: {validations: [{expression: "true", message: m}], nope: 1}
                """));
        String problems = bad.problems().toString();
        assertTrue(problems.contains("document 1") && problems.contains("spec.validations")
                && problems.contains("validations[0].expression does not compile"), problems);
        assertTrue(problems.contains("policy client-overrides is built in and read-only"), problems);
        assertTrue(problems.contains("spec.nope: unknown field"), problems);
    }

    @Test
    void aPolicyInAnotherClusterThanTheSetsIsAProblem() {
        DesiredStateException bad = assertThrows(DesiredStateException.class, () -> read("""
                apiVersion: switchboard.io/v1
                kind: ConnectorPolicy
                metadata: {name: elsewhere, cluster: other}
                spec: {validations: [{expression: "true", message: m}]}
                """));
        assertTrue(bad.problems().toString().contains("policy elsewhere is in cluster other, but the files apply to cluster default"),
                bad.problems().toString());
    }
}
