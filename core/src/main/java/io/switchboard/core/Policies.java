package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.JdbcDriverProperties;
import io.switchboard.rules.PolicyDecider;
import io.switchboard.rules.PolicyExpressions;
import io.switchboard.rules.UserPolicies;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.DeletePolicy;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PutPolicy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The user policies of a Connect cluster (docs/policies.md): stored by a policy command the
 * processor decides ({@link PolicyDecider}), read from every replica's copy. The early answers
 * (a name, an expression that does not compile) call the decider's own checks; a dry run stores
 * nothing and lists the connectors that break the policy as written.
 */
public final class Policies {
    /** At most this many violators are listed by a dry run or a policy's page. */
    public static final int MAX_VIOLATORS = 1000;
    /** The longest a policy's answer waits for its version to be read back committed, and how often it looks. */
    static final Duration IN_FORCE_WAIT = Duration.ofSeconds(30);
    private static final Duration READ_BACK_EVERY = Duration.ofMillis(10);

    private final CommandBus bus;
    private final PolicyStore policies;
    private final ConnectorStore connectors;

    private final PolicyViolations violations;

    public Policies(CommandBus bus, PolicyStore policies, ConnectorStore connectors) {
        this.bus = bus;
        this.policies = policies;
        this.connectors = connectors;
        this.violations = new PolicyViolations(policies, connectors::connectors);
    }

    /** A policy as listed: a user's, or a built-in one (read-only, no spec, version 0). */
    public record Listed(String name, boolean builtIn, ConnectorPolicy policy) {
    }

    /** A connector breaking a policy, with each message. */
    public record Violator(String connector, List<String> messages) {
    }

    /** What a dry run answers: the connectors that would break the policy, at most {@link #MAX_VIOLATORS}. */
    public record DryRun(List<Violator> violators, int checked) {
    }

    /** The built-in policies first, then the cluster's policies in force, by name. */
    public List<Listed> list(Scope scope) {
        List<Listed> listed = new ArrayList<>();
        PolicyDecider.BUILT_IN.forEach(name -> listed.add(new Listed(name, true, null)));
        for (ConnectorPolicy policy : policies.policies(scope.cluster())) {
            if (!policy.getDeleted()) {
                listed.add(new Listed(policy.getName(), false, policy));
            }
        }
        return listed;
    }

    public Listed get(Scope scope, String name) {
        if (PolicyDecider.BUILT_IN.contains(name)) {
            return new Listed(name, true, null);
        }
        return policies.policy(scope.cluster(), name).filter(p -> !p.getDeleted()).map(p -> new Listed(name, false, p))
                .orElseThrow(() -> new ServiceException.NotFound(ServiceException.Subject.POLICY, name, null, ServiceException.Operation.READ));
    }

    public List<ConnectorPolicy> history(Scope scope, String name) {
        List<ConnectorPolicy> versions = policies.versions(scope.cluster(), name);
        if (versions.isEmpty()) {
            throw new ServiceException.NotFound(ServiceException.Subject.POLICY, name, null, ServiceException.Operation.READ);
        }
        return versions;
    }

    /** Refuses, as a 400, a policy the decider would refuse as written. */
    public static void requireValid(String name, PolicySpec spec) {
        String problem = PolicyDecider.nameProblem(name);
        if (problem != null) {
            throw new ServiceException.InvalidRequest("name", problem);
        }
        problem = PolicyDecider.specProblem(spec);
        if (problem != null) {
            throw new ServiceException.InvalidRequest("validations", problem);
        }
    }

    /** The connectors of the cluster, as they are now, that would break the policy as written, with each message; nothing is stored. */
    public DryRun dryRun(Scope scope, String name, PolicySpec spec, String principal) {
        requireValid(name, spec);
        ConnectorPolicy policy = ConnectorPolicy.newBuilder().setCluster(scope.cluster()).setName(name).setVersion(0).setSpec(spec)
                .setChangedAt(0L).setCommandId("dry-run").build();
        List<Violator> violators = new ArrayList<>();
        List<ConnectorState> all = connectors.connectors(scope.cluster(), ReadConsistency.LINEARIZABLE);
        for (ConnectorState connector : all) {
            List<UserPolicies.Breach> breaches = UserPolicies.breaches(policy, PolicyExpressions.Subject.of(connector), null, principal);
            if (!breaches.isEmpty() && violators.size() < MAX_VIOLATORS) {
                violators.add(new Violator(connector.getName(), breaches.stream().map(UserPolicies.Breach::message).toList()));
            }
        }
        return new DryRun(violators, all.size());
    }

    /**
     * Each user policy in force in the cluster with how many of its connectors break it now (the
     * metric's values), evaluated only for the connectors changed since the last count ({@link PolicyViolations}).
     */
    public java.util.Map<String, Integer> violationCounts(Scope scope) {
        return violations.of(scope.cluster(), scope.consistency()).counts();
    }

    /** The connectors of the cluster that break the policy in force now (at most {@link #MAX_VIOLATORS}), as {@link #violationCounts} counts them. */
    public List<Violator> violators(Scope scope, String name) {
        Listed listed = get(scope, name);
        if (listed.builtIn()) {
            return List.of();
        }
        return violations.of(scope.cluster(), scope.consistency()).violators().getOrDefault(name, List.of());
    }

    public CompletableFuture<CommandDecision> put(Scope scope, String name, PolicySpec spec, RequestContext context) {
        requireValid(name, spec);
        return submit(scope, name, new PutPolicy(spec), context);
    }

    public CompletableFuture<CommandDecision> delete(Scope scope, String name, RequestContext context) {
        String builtIn = PolicyDecider.builtInProblem(name);
        if (builtIn != null) {
            throw new ServiceException.InvalidRequest("name", builtIn);
        }
        return submit(scope, name, new DeletePolicy(), context);
    }

    private CompletableFuture<CommandDecision> submit(Scope scope, String name, Object action, RequestContext context) {
        ConnectorKey key = new ConnectorKey(scope.cluster(), PolicyDecider.PREFIX + name);
        return bus.submit(bus.command(key, action, context).build()).thenApply(decision -> {
            if (decision.getOutcome() == Outcome.NOT_FOUND) {
                throw new ServiceException.NotFound(ServiceException.Subject.POLICY, name, null, ServiceException.Operation.READ);
            }
            if (decision.getOutcome() == Outcome.REJECTED || decision.getOutcome() == Outcome.CONFLICT) {
                throw new ServiceException.InvalidRequest(decision.getMessage());
            }
            return decision;
        }).thenCompose(decision -> committed(scope, name, decision));
    }

    /**
     * The decision, once this replica's copy of the policies holds the version it stored. A
     * decision is seen before its transaction commits; the copy reads only what is committed, and
     * the version is committed with the records that put it in force in every partition of the
     * command topic (docs/policies.md), so every command sent after this answer is decided
     * against it, whichever replica sends it. A decision that stored nothing is answered at once.
     */
    private CompletableFuture<CommandDecision> committed(Scope scope, String name, CommandDecision decision) {
        Long version = decision.getPolicyVersions().get(name);
        if (version == null) {
            return CompletableFuture.completedFuture(decision);
        }
        CompletableFuture<CommandDecision> answer = new CompletableFuture<>();
        awaitVersion(scope.cluster(), name, version, System.nanoTime() + IN_FORCE_WAIT.toNanos(), decision, answer);
        return answer;
    }

    private void awaitVersion(String cluster, String name, long version, long deadline, CommandDecision decision,
                              CompletableFuture<CommandDecision> answer) {
        boolean held;
        try {
            held = policies.policy(cluster, name).map(p -> p.getVersion() >= version).orElse(false);
        } catch (StoreUnavailableException e) {
            held = false;
        }
        if (held) {
            answer.complete(decision);
        } else if (System.nanoTime() - deadline > 0) {
            answer.completeExceptionally(new ServiceException.Unavailable("policy " + name + " version " + version
                    + " was decided and is in force once its transaction commits; it is not read back yet"));
        } else {
            CompletableFuture.runAsync(() -> awaitVersion(cluster, name, version, deadline, decision, answer),
                    CompletableFuture.delayedExecutor(READ_BACK_EVERY.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** The policy in force, when there is one: what a caller reads back after a put. */
    public Optional<ConnectorPolicy> current(Scope scope, String name) {
        return policies.policy(scope.cluster(), name).filter(p -> !p.getDeleted());
    }
}
