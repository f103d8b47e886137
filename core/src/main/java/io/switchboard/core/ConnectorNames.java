package io.switchboard.core;

import io.switchboard.rules.ConnectorRules;

/**
 * The API's early answer to a name a new connector cannot have: the processor's own rule
 * ({@link ConnectorRules#nameProblem}), which the decider applies again to every create.
 *
 * <p>An empty name and ISO control characters are left to the config check
 * ({@link ConnectorConfigValidator}), which words them as Kafka Connect does.
 */
public final class ConnectorNames {
    public static final int MAX_LENGTH = ConnectorRules.MAX_NAME_LENGTH;

    private ConnectorNames() {
    }

    /** Refuses a name that breaks the rule. */
    public static void requireAddressable(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new ServiceException.InvalidRequest("name", problem);
        }
    }

    /** Why the name cannot be used, or null if it can (or if the config check words its problem). */
    static String problem(String name) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        return ConnectorRules.nameProblem(name);
    }
}
