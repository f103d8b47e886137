package io.switchboard.core;

import io.switchboard.rules.ConnectorRules;
import io.switchboard.schemas.TargetState;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a set of desired-state files asks for (see docs/apply.md): the set's scope and the
 * connectors it holds. Read from files by the apply CLI (the apply module's {@code io.switchboard.apply}) or from a
 * request's body; planned by {@link SetPlanner}.
 *
 * @param set         the set's scope
 * @param connectors  every connector the files declare, in the order they were read
 * @param policies    every policy the files declare (docs/policies.md), in the order they were read
 * @param setDeclared whether the files declare a set or a connector: files of policies alone plan no set
 */
public record DesiredState(SetScope set, List<Connector> connectors, List<Policy> policies, boolean setDeclared) {
    /** At most this many connectors in one set. */
    public static final int MAX_CONNECTORS = 500;

    public DesiredState {
        Objects.requireNonNull(set, "set");
        connectors = List.copyOf(connectors);
        policies = List.copyOf(policies);
    }

    /** A set's connectors and no policy. */
    public DesiredState(SetScope set, List<Connector> connectors) {
        this(set, connectors, List.of(), true);
    }

    /**
     * A {@code kind: ConnectorPolicy} document ({@link PolicyDocuments}): a policy of the set's
     * cluster, stored as {@code PUT /policies/{name}} would store it.
     *
     * @param origin where it was declared, for messages: "file, document n"
     */
    public record Policy(String name, String cluster, io.switchboard.schemas.PolicySpec spec, String origin) {
        public Policy {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(spec, "spec");
        }
    }

    /**
     * A set: its name, the Connect cluster it applies to, and the labels a connector must carry to be
     * in its scope (empty: every connector it manages).
     */
    public record SetScope(String name, String cluster, Map<String, String> selector) {
        public SetScope {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(cluster, "cluster");
            selector = Map.copyOf(selector);
        }

        /** Whether a connector with these labels is in the set's scope. */
        public boolean selects(Map<String, String> labels) {
            return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    /**
     * One connector as desired: its config (with {@code connector.class} and, when given,
     * {@code tasks.max}), and its target state; a null state leaves an existing connector's as it is
     * (kcctl's files declare none) and creates a new one running.
     *
     * @param origin where it was declared, for messages: "file, document n"
     */
    public record Connector(String name, Map<String, String> labels, Map<String, String> config, TargetState state,
                            String origin) {
        public Connector {
            Objects.requireNonNull(name, "name");
            labels = Map.copyOf(labels);
            config = Map.copyOf(config);
        }

        public String connectorClass() {
            return config.get(ConnectorRules.CONNECTOR_CLASS);
        }
    }
}
