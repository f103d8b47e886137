package io.switchboard.core;

import io.switchboard.rules.PolicyExpressions;
import io.switchboard.rules.UserPolicies;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Which connectors break each user policy in force, counted in one pass over a cluster's connectors
 * and served from that count: a scrape of {@code switchboard_policy_violations}, a policy's page and
 * the console's table read it, and never evaluate the policies themselves. A cluster is counted
 * again at most once per {@link #REFRESH} (so a connector's change shows within it), and at once
 * when the policies in force change (a new version is listed with its violators at its first read);
 * callers asking while a count is made wait for that one count rather than make their own.
 */
final class PolicyViolations {
    static final Duration REFRESH = Duration.ofSeconds(30);

    /** One cluster's count: the versions it was made against, how many break each policy, and the first of them. */
    record Count(Map<String, Long> versions, Map<String, Integer> counts, Map<String, List<Policies.Violator>> violators, long at) {
    }

    private final PolicyStore policies;
    private final Function<String, List<ConnectorState>> connectors;
    private final LongSupplier nanos;
    private final Map<String, Count> counted = new ConcurrentHashMap<>();
    private final Map<String, Object> counting = new ConcurrentHashMap<>();

    PolicyViolations(PolicyStore policies, Function<String, List<ConnectorState>> connectors, LongSupplier nanos) {
        this.policies = policies;
        this.connectors = connectors;
        this.nanos = nanos;
    }

    /** The cluster's count, made now only when there is none yet, it is older than {@link #REFRESH}, or the policies changed. */
    Count of(String cluster) {
        List<ConnectorPolicy> inForce = policies.policies(cluster).stream().filter(p -> !p.getDeleted()).toList();
        Map<String, Long> versions = new UserPolicies(inForce).versions();
        Count last = counted.get(cluster);
        if (current(last, versions)) {
            return last;
        }
        synchronized (counting.computeIfAbsent(cluster, c -> new Object())) {
            last = counted.get(cluster);
            if (current(last, versions)) {
                return last;
            }
            Count next = count(cluster, inForce, versions);
            counted.put(cluster, next);
            return next;
        }
    }

    private boolean current(Count count, Map<String, Long> versions) {
        return count != null && count.versions().equals(versions) && nanos.getAsLong() - count.at() < REFRESH.toNanos();
    }

    private Count count(String cluster, List<ConnectorPolicy> inForce, Map<String, Long> versions) {
        Map<String, Integer> counts = new TreeMap<>();
        Map<String, List<Policies.Violator>> violators = new TreeMap<>();
        inForce.forEach(p -> {
            counts.put(p.getName(), 0);
            violators.put(p.getName(), new ArrayList<>());
        });
        if (!inForce.isEmpty()) {
            for (ConnectorState connector : connectors.apply(cluster)) {
                PolicyExpressions.Subject subject = PolicyExpressions.Subject.of(connector);
                for (ConnectorPolicy policy : inForce) {
                    List<UserPolicies.Breach> breaches = UserPolicies.breaches(policy, subject, null, null);
                    if (!breaches.isEmpty()) {
                        counts.merge(policy.getName(), 1, Integer::sum);
                        List<Policies.Violator> listed = violators.get(policy.getName());
                        if (listed.size() < Policies.MAX_VIOLATORS) {
                            listed.add(new Policies.Violator(connector.getName(), breaches.stream().map(UserPolicies.Breach::message).toList()));
                        }
                    }
                }
            }
        }
        return new Count(Map.copyOf(versions), java.util.Collections.unmodifiableMap(counts),
                java.util.Collections.unmodifiableMap(violators), nanos.getAsLong());
    }
}
