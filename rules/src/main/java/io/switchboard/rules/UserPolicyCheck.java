package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.ModifyOffsets;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.SetConnector;

import java.util.Map;

/**
 * The user policies' part of deciding a connector's command: a change that would store a config
 * (create, put, patch, a set's item) and that the built-in rules accepted is checked against the
 * policies in force in its cluster, the connector as it would be after the change and as it was
 * before. A {@code DENY} breach refuses it ({@link DecisionReasons#REFUSED_BY_POLICY}, the policy
 * named in the message) and nothing is stored; {@code WARN} breaches accept it with the warnings
 * on the decision and the lifecycle event. The decision records the policy versions it was checked
 * against. Commands that store no config (a target state, a restart, a delete) are never refused
 * by a user policy: a connector that breaks a policy added later keeps running.
 */
final class UserPolicyCheck {
    private UserPolicyCheck() {
    }

    static Decision apply(UserPolicies policies, ConnectorState current, ConnectorCommand command, Decision decided) {
        Object action = command.getAction();
        boolean writesConfig = action instanceof CreateConnector || action instanceof PutConnectorConfig
                || action instanceof PatchConnectorConfig || action instanceof SetConnector
                || action instanceof ModifyOffsets restore && restore.getConfig() != null;
        if (!writesConfig || policies.inForce().isEmpty()) {
            return decided;
        }
        Map<String, Long> versions = policies.versions();
        boolean accepted = decided.changed() && decided.next() != null
                && (decided.outcome() == Outcome.CREATED || decided.outcome() == Outcome.UPDATED);
        if (!accepted) {
            return new Decision(decided.outcome(), decided.reason(), decided.message(), decided.next(), decided.changed(), decided.event(),
                    versions, decided.warnings());
        }
        ConnectorState next = decided.next();
        UserPolicies.Verdict verdict = policies.check(PolicyExpressions.Subject.of(next), current == null ? null : PolicyExpressions.Subject.of(current), command.getPrincipal());
        if (verdict.denial() != null) {
            return new Decision(Outcome.REJECTED, DecisionReasons.REFUSED_BY_POLICY, verdict.denial().refusal(), current, false, null,
                    versions, verdict.warnings());
        }
        LifecycleEvent event = decided.event();
        if (event != null) {
            // The event was made for this decision alone; Avro's copying builder would refuse its union (see ReconcileStep).
            event.setPolicyWarnings(verdict.warnings());
            event.setPolicyVersions(versions);
        }
        return new Decision(decided.outcome(), null, null, next, true, event, versions, verdict.warnings());
    }
}
