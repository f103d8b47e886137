package io.switchboard.core;

import io.switchboard.rules.PolicyExpressions;
import io.switchboard.rules.UserPolicies;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Which connectors break each user policy in force, kept per connector and evaluated only for a
 * connector whose state changed since (its version and last command), or for all of them when the
 * policies in force changed: a scrape of {@code switchboard_policy_violations}, a policy's page
 * and the console's table read the count, and evaluate no policy for a connector already counted.
 * A read with nothing changed answers the count it made before; reads of one cluster take turns.
 */
final class PolicyViolations {
    /** One cluster's count: how many connectors break each policy in force, and the first {@link Policies#MAX_VIOLATORS} of them. */
    record Count(Map<String, Integer> counts, Map<String, List<Policies.Violator>> violators) {
    }

    /** What one connector's state broke, by policy, when it was evaluated. */
    private record Evaluated(long version, String lastCommandId, Map<String, List<String>> broken) {
    }

    /** One cluster's memory: the policies it was evaluated against, each connector's result, and the count made of them. */
    private static final class Cluster {
        Map<String, Long> versions = Map.of();
        Map<String, Evaluated> connectors = new HashMap<>();
        Count count;
    }

    private final PolicyStore policies;
    private final BiFunction<String, ReadConsistency, List<ConnectorState>> connectors;
    private final Map<String, Cluster> clusters = new ConcurrentHashMap<>();

    /** @param connectors a cluster's connectors, read with a consistency */
    PolicyViolations(PolicyStore policies, BiFunction<String, ReadConsistency, List<ConnectorState>> connectors) {
        this.policies = policies;
        this.connectors = connectors;
    }

    /**
     * The cluster's count, evaluating only the connectors changed since the last one (all, after a
     * policy change), as the cluster's connectors read with {@code consistency} are.
     */
    Count of(String cluster, ReadConsistency consistency) {
        List<ConnectorPolicy> inForce = policies.policies(cluster).stream().filter(p -> !p.getDeleted()).toList();
        Map<String, Long> versions = new UserPolicies(inForce).versions();
        Cluster memory = clusters.computeIfAbsent(cluster, c -> new Cluster());
        synchronized (memory) {
            boolean changed = !memory.versions.equals(versions) || memory.count == null;
            if (!memory.versions.equals(versions)) {
                memory.connectors = new HashMap<>();
                memory.versions = Map.copyOf(versions);
            }
            Map<String, Evaluated> now = new HashMap<>();
            for (ConnectorState state : inForce.isEmpty() ? List.<ConnectorState>of() : connectors.apply(cluster, consistency)) {
                Evaluated known = memory.connectors.get(state.getName());
                if (known == null || known.version() != state.getVersion() || !known.lastCommandId().equals(state.getLastCommandId())) {
                    known = evaluate(inForce, state);
                    changed = true;
                }
                now.put(state.getName(), known);
            }
            changed |= now.size() != memory.connectors.size();
            memory.connectors = now;
            if (changed) {
                memory.count = count(inForce, now);
            }
            return memory.count;
        }
    }

    private static Evaluated evaluate(List<ConnectorPolicy> inForce, ConnectorState state) {
        PolicyExpressions.Subject subject = PolicyExpressions.Subject.of(state);
        Map<String, List<String>> broken = new HashMap<>();
        for (ConnectorPolicy policy : inForce) {
            List<UserPolicies.Breach> breaches = UserPolicies.breaches(policy, subject, null, null);
            if (!breaches.isEmpty()) {
                broken.put(policy.getName(), breaches.stream().map(UserPolicies.Breach::message).toList());
            }
        }
        return new Evaluated(state.getVersion(), state.getLastCommandId(), broken);
    }

    private static Count count(List<ConnectorPolicy> inForce, Map<String, Evaluated> evaluated) {
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, List<Policies.Violator>> violators = new TreeMap<>();
        inForce.forEach(p -> {
            counts.put(p.getName(), 0);
            violators.put(p.getName(), new ArrayList<>());
        });
        new TreeMap<>(evaluated).forEach((connector, result) -> result.broken().forEach((policy, messages) -> {
            counts.merge(policy, 1, Integer::sum);
            List<Policies.Violator> listed = violators.get(policy);
            if (listed != null && listed.size() < Policies.MAX_VIOLATORS) {
                listed.add(new Policies.Violator(connector, messages));
            }
        }));
        return new Count(Collections.unmodifiableMap(counts), Collections.unmodifiableMap(violators));
    }
}
