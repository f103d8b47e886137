package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.DeletePolicy;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.PutPolicy;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides a policy's command ({@link PutPolicy}, {@link DeletePolicy}) against the policy's current
 * version: a pure function, as {@link CommandDecider} is. A policy's commands are keyed
 * {@code <cluster>/{policy}<name>}, so one partition orders the versions of one policy.
 */
public final class PolicyDecider {
    /** The start of a policy command's connector field: no connector name starts so. */
    public static final String PREFIX = "{policy}";
    /** The names of the built-in policies ({@link ConnectorPolicies}), in the order they are listed: never stored. */
    public static final List<String> BUILT_IN = ConnectorPolicies.BUILT_IN;
    /** Reason code of a policy refused as written (a bad name, an expression that does not compile). */
    public static final String INVALID_POLICY = "INVALID_POLICY";
    static final int MAX_VALIDATIONS = 32;
    /** A refusal quotes the message: it stays short. */
    static final int MAX_MESSAGE_CHARS = 1024;
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,98}[a-z0-9])?");

    private PolicyDecider() {
    }

    /** @param next the policy's version after the command (null when unchanged or refused) */
    public record PolicyDecision(Outcome outcome, String reason, String message, ConnectorPolicy next) {
    }

    public static boolean isPolicyCommand(ConnectorCommand command) {
        return command.getConnector() != null && command.getConnector().startsWith(PREFIX);
    }

    /** Why the policy's name cannot be used, or null. */
    public static String nameProblem(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "a policy's name is 1 to 100 lower-case letters, digits, '.', '_' or '-', starting and ending with a letter or digit";
        }
        return builtInProblem(name);
    }

    /** That the name is a built-in policy's, which is read-only (neither stored nor deleted), or null. */
    public static String builtInProblem(String name) {
        return BUILT_IN.contains(name) ? "policy " + name + " is built in and read-only" : null;
    }

    /** Whether a policy's next spec says what the current one says: a put of it changes nothing. */
    public static boolean sameSpec(PolicySpec current, PolicySpec next) {
        return current.equals(next);
    }

    /** Why the spec cannot be stored (the first expression that does not compile, in CEL's words), or null. */
    public static String specProblem(PolicySpec spec) {
        List<PolicyValidation> validations = spec.getValidations();
        if (validations.isEmpty() || validations.size() > MAX_VALIDATIONS) {
            return "a policy has 1 to " + MAX_VALIDATIONS + " validations";
        }
        for (int i = 0; i < validations.size(); i++) {
            PolicyValidation validation = validations.get(i);
            String problem = PolicyExpressions.problem(validation.getExpression());
            if (problem != null) {
                return "validations[" + i + "].expression does not compile: " + problem;
            }
            if (validation.getMessage() == null || validation.getMessage().isBlank()) {
                return "validations[" + i + "].message is empty";
            }
            if (validation.getMessage().length() > MAX_MESSAGE_CHARS) {
                return "validations[" + i + "].message is longer than " + MAX_MESSAGE_CHARS + " characters";
            }
        }
        return null;
    }

    public static PolicyDecision decide(ConnectorPolicy current, ConnectorCommand command) {
        String name = command.getConnector().substring(PREFIX.length());
        String nameProblem = nameProblem(name);
        if (nameProblem != null) {
            return new PolicyDecision(Outcome.REJECTED, INVALID_POLICY, nameProblem, null);
        }
        boolean exists = current != null && !current.getDeleted();
        long version = current == null ? 1 : current.getVersion() + 1;
        if (command.getAction() instanceof PutPolicy put) {
            String problem = specProblem(put.getSpec());
            if (problem != null) {
                return new PolicyDecision(Outcome.REJECTED, INVALID_POLICY, problem, null);
            }
            if (exists && sameSpec(current.getSpec(), put.getSpec())) {
                return new PolicyDecision(Outcome.UNCHANGED, null, null, null);
            }
            return new PolicyDecision(exists ? Outcome.UPDATED : Outcome.CREATED, null, null,
                    version(command, name, version, put.getSpec(), false));
        }
        if (command.getAction() instanceof DeletePolicy) {
            if (!exists) {
                return new PolicyDecision(Outcome.NOT_FOUND, DecisionReasons.NOT_FOUND, "policy " + name + " not found", null);
            }
            return new PolicyDecision(Outcome.DELETED, null, null, version(command, name, version, current.getSpec(), true));
        }
        throw new InvalidCommandException("Not a policy's command: " + command.getCommandId());
    }

    private static ConnectorPolicy version(ConnectorCommand command, String name, long version, PolicySpec spec, boolean deleted) {
        return ConnectorPolicy.newBuilder().setCluster(command.getCluster()).setName(name).setVersion(version).setSpec(spec)
                .setDeleted(deleted).setPrincipal(command.getPrincipal()).setChangedAt(command.getIssuedAt())
                .setCommandId(command.getCommandId()).build();
    }
}
