package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import io.switchboard.core.SetPlanner.Desired;
import io.switchboard.core.SetPlanner.Plan;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.rules.SetDecider;
import io.switchboard.rules.UserPolicies;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.RevertSetChange;
import io.switchboard.schemas.SetState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * Connectors as code: the plan of a set's change and its apply as one decision (see docs/apply.md).
 * Each desired config is checked and sealed as a single write would be (secrets openable, named
 * secrets known, the worker's validation, sealed with the current config so that an unchanged secret
 * keeps its sealed text), then {@link SetPlanner} plans it. An apply re-plans, refuses the whole
 * change when the plan's version is not the one given (If-Match) or when any item is invalid, sends
 * nothing when nothing changes, and otherwise sends one command that the processor decides whole
 * ({@code SetDecider}) against the set's version the plan was made on.
 */
public final class ConnectorSets {
    /** Up to this many connectors are read one by one; more, the cluster's at once. */
    private static final int FEW = 20;
    private final CommandBus bus;
    private final ConnectorStore store;
    private final ConnectorSecrets secrets;
    private final DesiredConfig desiredConfig;
    private final DerivedDecisions derivedDecisions;
    private final WritePreflight preflight;
    private final PolicyStore policies;
    private final ClusterDirectory clusters;

    /**
     * @param preflight the write pre-flight whose bounded pool plans run in (the one every config
     *                  write passes, {@link ConnectorCore#preflight()}); null: plans are made on the
     *                  caller's thread only ({@link #plan})
     */
    public ConnectorSets(CommandBus bus, ConnectorStore store, ConnectorConfigValidator validator, ConnectorSecrets secrets,
                         NamedSecrets namedSecrets, ClusterDirectory clusters, WritePreflight preflight) {
        this(bus, store, validator, secrets, namedSecrets, clusters, preflight, null);
    }

    /** @param policies where the user policies are read, for a plan to show which item breaks which; null: none */
    public ConnectorSets(CommandBus bus, ConnectorStore store, ConnectorConfigValidator validator, ConnectorSecrets secrets,
                         NamedSecrets namedSecrets, ClusterDirectory clusters, WritePreflight preflight, PolicyStore policies) {
        this.preflight = preflight;
        this.policies = policies;
        this.clusters = clusters;
        this.bus = bus;
        this.store = store;
        this.secrets = secrets;
        this.desiredConfig = new DesiredConfig(bus, validator, secrets, namedSecrets, clusters, store);
        this.derivedDecisions = new DerivedDecisions(bus);
    }

    /** What is asked: the set's selector, its connectors, and whether to prune (within max_deletes unless forced). */
    public record Request(Map<String, String> selector, List<DesiredState.Connector> connectors, boolean prune, int maxDeletes,
                          boolean force) {
        public Request {
            selector = Map.copyOf(selector);
            connectors = List.copyOf(connectors);
            if (connectors.size() > DesiredState.MAX_CONNECTORS) {
                throw new ServiceException.InvalidRequest("connectors", "At most " + DesiredState.MAX_CONNECTORS
                        + " connectors in one set, not " + connectors.size());
            }
        }
    }

    /** How an apply ended. */
    public enum Result {
        /** Accepted: the set's change and its connectors' commands are in Kafka, decided. */
        APPLIED,
        /** Nothing to change: nothing was written. */
        UNCHANGED,
        /** The plan's version is not the one given: something in the scope changed since (412). */
        STALE,
        /** An item is invalid or too many deletions: nothing was sent (422). */
        INVALID,
        /** A revert of a change the set does not keep (404). */
        NOT_FOUND,
        /** The change is too large for one record (413): nothing was sent. */
        TOO_LARGE,
        /** The processor refused the change whole: another change came first (409), or no such change to revert (404). */
        REFUSED
    }

    /** An apply's answer: the plan it was decided on, the result, the change's id and the set's version after it. */
    public record Applied(Plan plan, Result result, String changeId, long setVersion, String message) {
    }

    /** Refuses a set name that could not be a connector's name (a set's key is its name behind a prefix). */
    public static void requireSetName(String name) {
        String problem = io.switchboard.rules.ConnectorRules.nameProblem(name);
        if (problem != null) {
            throw new ServiceException.InvalidRequest("set", "Set name: " + problem.replace("Connector name", "the name")
                    .replace("a connector name", "a set's name"));
        }
    }

    /** The set as the processor holds it; empty when no change was applied to it yet. */
    public Optional<SetState> set(Scope scope, String name) {
        requireSetName(name);
        return store.set(SetPlanner.key(scope.cluster(), name), scope.consistency());
    }

    /**
     * The plan, made in the write pre-flight's bounded pool (store reads and a worker validation per
     * item may wait): past its bound, {@link ServiceException.Unavailable} (503) at once. Sends nothing.
     */
    public CompletableFuture<Plan> planLater(Scope scope, String name, Request request, RequestContext context) {
        return preflight.offThread(() -> plan(scope, name, request, context));
    }

    /** What the request needs before it is planned (a secret given in the clear needs edit): {@link SetPlanner#needsBeforePlanning}. */
    public SetPlanner.Needs needsBeforePlanning(Request request) {
        return SetPlanner.needsBeforePlanning(request.connectors(), secrets.keys()::matches);
    }

    /**
     * The plan, read and validated now, on this thread; sends nothing. It reads the current state
     * ({@link ReadConsistency#LINEARIZABLE}), as a write's checks do, whatever the scope asks.
     *
     * @param context the request the change would be issued for: its principal is the one the decider's policies see
     */
    public Plan plan(Scope scope, String name, Request request, RequestContext context) {
        requireSetName(name);
        DesiredState.SetScope setScope = new DesiredState.SetScope(name, scope.cluster(), request.selector());
        SetState set = store.set(SetPlanner.key(scope.cluster(), name), ReadConsistency.LINEARIZABLE).orElse(null);
        Map<String, ConnectorState> current = new HashMap<>();
        Set<String> read = new java.util.TreeSet<>();
        request.connectors().forEach(c -> read.add(c.name()));
        if (set != null) {
            read.addAll(set.getManaged().keySet());
        }
        for (String connector : read) {
            current.put(connector, store.connector(new ConnectorKey(scope.cluster(), connector), ReadConsistency.LINEARIZABLE).orElse(null));
        }
        // A connector not here that the set of the same name manages in another cluster moves here (sealed against its config there).
        List<String> absent = request.connectors().stream().map(DesiredState.Connector::name).filter(n -> current.get(n) == null).toList();
        Map<String, ConnectorState> sources = SetMovePlans.sources(store, clusters == null ? List.of() : clusters.names(), scope.cluster(), name, absent);
        List<Desired> desired = new ArrayList<>();
        for (DesiredState.Connector c : request.connectors()) {
            ConnectorState sealedWith = current.get(c.name()) != null ? current.get(c.name()) : sources.get(c.name());
            desired.add(setScope.selects(c.labels()) ? desired(scope, c, sealedWith)
                    : new Desired(c, null, "outside set " + name + "'s scope: its labels do not match the selector"));
        }
        UserPolicies inForce = policies == null ? UserPolicies.NONE : new UserPolicies(policies.policies(scope.cluster()));
        SetDecider.Checks checks = new SetDecider.Checks(bus.controlPlane(), inForce, context == null ? null : context.principal());
        Plan plan = SetPlanner.plan(checks, setScope, desired, current, sources, set, request.prune(), request.maxDeletes(),
                request.force(), secrets.keys()::matches);
        return plan.withWorkers(workers(scope.cluster(), current));
    }

    /** Beside the plan: whether each existing connector's worker differs from what is desired, from the data plane's reports. */
    private Map<String, SetProgress.Drift> workers(String cluster, Map<String, ConnectorState> current) {
        Map<String, ConnectorObservation> statuses = statuses(cluster, current.keySet(), ReadConsistency.LINEARIZABLE);
        Map<String, SetProgress.Drift> workers = new TreeMap<>();
        current.forEach((connector, state) -> {
            SetProgress.Drift drift = SetProgress.drift(state, statuses.get(connector));
            if (drift != null) {
                workers.put(connector, drift);
            }
        });
        return workers;
    }

    /** The reports of some connectors: read one by one when few, else the cluster's at once. */
    private Map<String, ConnectorObservation> statuses(String cluster, Set<String> connectors, ReadConsistency consistency) {
        if (connectors.size() > FEW) {
            return store.statuses(cluster, consistency);
        }
        Map<String, ConnectorObservation> statuses = new HashMap<>();
        for (String connector : connectors) {
            store.status(new ConnectorKey(cluster, connector), consistency).ifPresent(s -> statuses.put(connector, s));
        }
        return statuses;
    }

    /**
     * The keys a change's item added, changed and removed, as a plan shows them (secrets as sealed:
     * changed or unchanged), with every value hidden for a caller who sees keys only.
     */
    public List<SetPlanner.KeyChange> keys(Scope scope, io.switchboard.schemas.SetItem item) {
        Map<String, String> before = item.getPreviousConfig() == null ? Map.of() : item.getPreviousConfig();
        Map<String, String> after = item.getConfig() == null ? Map.of() : item.getConfig();
        if (item.getAdopt()) {
            return List.of();
        }
        List<SetPlanner.KeyChange> keys = SetPlanner.keys(before, after, secrets.keys()::matches);
        if (scope.visibility() == Visibility.FULL) {
            return keys;
        }
        return keys.stream().map(k -> new SetPlanner.KeyChange(k.op(), k.key(), k.from() == null ? null : Redactor.MASK,
                k.to() == null ? null : Redactor.MASK, k.sealed())).toList();
    }

    /**
     * The connectors the set lists as managed here: those it manages that are in its cluster, and
     * those a change it keeps moves here (while they move). A connector it managed that moved to
     * another cluster (a set file whose connector changed {@code cluster}) is no longer listed.
     */
    public List<String> listed(Scope scope, SetState set) {
        Set<String> movingHere = new java.util.TreeSet<>();
        set.getChanges().forEach(c -> c.getItems().forEach(i -> {
            if (io.switchboard.rules.SetMoves.moves(i)) {
                movingHere.add(i.getConnector());
            }
        }));
        Set<String> managed = new java.util.TreeSet<>(set.getManaged().keySet());
        Set<String> here = managed.size() > FEW ? new java.util.HashSet<>(store.names(scope.cluster(), scope.consistency())) : null;
        return managed.stream().filter(n -> movingHere.contains(n) || (here != null ? here.contains(n)
                : store.connector(new ConnectorKey(scope.cluster(), n), scope.consistency()).isPresent())).toList();
    }

    /** The connectors a set manages and those its latest change touched (deleted ones too); empty when it has no change. */
    public Set<String> members(Scope scope, String name) {
        Set<String> members = new java.util.TreeSet<>();
        set(scope, name).ifPresent(s -> {
            members.addAll(s.getManaged().keySet());
            if (!s.getChanges().isEmpty()) {
                s.getChanges().get(s.getChanges().size() - 1).getItems().forEach(i -> members.add(i.getConnector()));
            }
        });
        return members;
    }

    /** One connector's progress in the set's latest change (three reads), or empty when that change did not touch it. */
    public Optional<SetProgress.Item> progressOf(Scope scope, String name, String connector) {
        Optional<SetChange> latest = set(scope, name).flatMap(s -> s.getChanges().stream().reduce((a, b) -> b));
        Optional<io.switchboard.schemas.SetItem> item = latest.flatMap(c -> c.getItems().stream()
                .filter(i -> i.getConnector().equals(connector)).findFirst());
        if (item.isEmpty()) {
            return Optional.empty();
        }
        ConnectorKey key = new ConnectorKey(scope.cluster(), connector);
        return Optional.of(itemProgress(scope, latest.get(), item.get(), store.connector(key, scope.consistency()).orElse(null),
                store.status(key, scope.consistency()).orElse(null)));
    }

    /**
     * How far a change of the set has come, per connector ({@link SetProgress}); the latest change
     * when {@code changeId} is null. Empty when the set keeps no such change.
     */
    public Optional<SetProgress.Change> progress(Scope scope, String name, String changeId) {
        Optional<SetState> set = set(scope, name);
        Optional<SetChange> change = set.flatMap(s -> changeId == null
                ? s.getChanges().stream().reduce((a, b) -> b)
                : s.getChanges().stream().filter(c -> c.getChangeId().equals(changeId)).findFirst());
        if (change.isEmpty()) {
            return Optional.empty();
        }
        Set<String> names = new java.util.TreeSet<>();
        change.get().getItems().forEach(i -> names.add(i.getConnector()));
        Map<String, ConnectorState> states = new HashMap<>();
        if (names.size() > FEW) {
            store.connectors(scope.cluster(), scope.consistency()).forEach(c -> states.put(c.getName(), c));
        } else {
            names.forEach(n -> store.connector(new ConnectorKey(scope.cluster(), n), scope.consistency()).ifPresent(c -> states.put(n, c)));
        }
        Map<String, ConnectorObservation> statuses = statuses(scope.cluster(), names, scope.consistency());
        List<SetProgress.Item> items = change.get().getItems().stream()
                .map(i -> itemProgress(scope, change.get(), i, states.get(i.getConnector()), statuses.get(i.getConnector())))
                .toList();
        return Optional.of(new SetProgress.Change(change.get(), items));
    }

    /** An item's progress; a move's reads its source too ({@link SetMoveProgress}), with the scope's consistency. */
    private SetProgress.Item itemProgress(Scope scope, SetChange change, io.switchboard.schemas.SetItem item, ConnectorState state,
                                          ConnectorObservation status) {
        return io.switchboard.rules.SetMoves.moves(item)
                ? SetMoveProgress.of(store, scope.consistency(), scope.cluster(), change, item, state, status)
                : SetProgress.of(change, item, state, status);
    }

    /**
     * Checked and sealed by the function every config write's desired config passes
     * ({@link DesiredConfig#decide}); a problem is the item's error, in the API's words.
     */
    private Desired desired(Scope scope, DesiredState.Connector c, ConnectorState existing) {
        try {
            // Stored as declared (its name checked, and given to the worker's validation, which requires it).
            Map<String, String> sealed = desiredConfig.decide(new DesiredConfig.Write(scope, c.name(), c.config(),
                    DesiredConfig.Kind.DECLARED, () -> existing == null ? Map.of() : existing.getConfig()), null);
            return new Desired(c, new TreeMap<>(sealed), null);
        } catch (ServiceException.InvalidConfig invalid) {
            return new Desired(c, null, String.join("; ", invalid.violations().stream()
                    .map(v -> (v.key() == null ? "" : v.key() + ": ") + v.message()).toList()));
        } catch (ServiceException refused) {
            return new Desired(c, null, refused.getMessage());
        }
    }

    /**
     * Plans again and applies the plan whole, or refuses it whole.
     *
     * @param ifMatch the plan's version the caller saw (null: apply whatever the plan now is)
     */
    public CompletableFuture<Applied> apply(Scope scope, String name, Request request, String ifMatch, RequestContext context) {
        return apply(scope, name, request, ifMatch, context, null);
    }

    /**
     * As {@link #apply(Scope, String, Request, String, RequestContext)}, on a plan already made of
     * this request (the one access was decided on), so that it is made once.
     */
    public CompletableFuture<Applied> apply(Scope scope, String name, Request request, String ifMatch, RequestContext context,
                                            Plan planned) {
        Plan plan = planned != null ? planned : plan(scope, name, request, context);
        if (ifMatch != null && !ifMatch.equals(plan.version())) {
            return done(new Applied(plan, Result.STALE, null, plan.setVersion(), "the set's scope changed since the plan (version "
                    + ifMatch + ", now " + plan.version() + "): plan again"));
        }
        if (!plan.valid()) {
            return done(new Applied(plan, Result.INVALID, null, plan.setVersion(), "the plan has problems: nothing was applied"));
        }
        if (plan.changes().isEmpty()) {
            return done(new Applied(plan, Result.UNCHANGED, null, plan.setVersion(), "nothing to change"));
        }
        ApplySetChange change = new ApplySetChange(plan.setVersion(), new TreeMap<>(request.selector()), plan.changes());
        ConnectorCommand command = bus.command(SetPlanner.key(scope.cluster(), name), change, context).build();
        long size = SetDecider.encodedSize(command);
        if (size > SetDecider.MAX_CHANGE_BYTES) {
            // Kafka refuses a record over its limit; the set's record keeps the change too.
            return done(new Applied(plan, Result.TOO_LARGE, null, plan.setVersion(), "the change is " + size + " bytes encoded (each "
                    + "connector's config and the one it replaces), more than the " + SetDecider.MAX_CHANGE_BYTES
                    + " a set's change may hold: nothing was applied; apply it in smaller sets"));
        }
        return submit(command, plan, SetDecider.commands(command, plan.changes()));
    }

    /** Reverts a change the set keeps: one new change restoring what it found of every connector it touched. */
    public CompletableFuture<Applied> revert(Scope scope, String name, String changeId, RequestContext context) {
        requireSetName(name);
        SetState set = store.set(SetPlanner.key(scope.cluster(), name), ReadConsistency.LINEARIZABLE)
                .orElseThrow(() -> new ServiceException.InvalidRequest("set", "Set " + name + " has no changes"));
        ConnectorKey key = SetPlanner.key(scope.cluster(), name);
        ConnectorCommand command = bus.command(key, new RevertSetChange(changeId, set.getVersion()), context).build();
        // The commands it writes if accepted: the processor decides it on this version of the set, or refuses it.
        SetDecider.SetDecision expected = SetDecider.decide(bus.controlPlane(), set, command);
        return submit(command, null, expected.changed() ? expected.derived() : List.of());
    }

    /**
     * Sends the set's command and answers once it is decided and, when accepted, once each of the
     * connectors' commands it writes ({@code derived}) is decided too, so that the next plan reads
     * what this change made.
     */
    private CompletableFuture<Applied> submit(ConnectorCommand command, Plan plan, List<ConnectorCommand> derived) {
        DerivedDecisions.Following following = derivedDecisions.follow(derived);
        CompletableFuture<CommandDecision> decided;
        try {
            decided = bus.submit(command);
        } catch (RuntimeException e) {
            following.stop();
            throw e;
        }
        CompletableFuture<Applied> answered = decided.thenApply(d -> {
            boolean accepted = d.getOutcome() == Outcome.CREATED || d.getOutcome() == Outcome.UPDATED;
            long before = plan == null ? 0 : plan.setVersion();
            Result refused = d.getOutcome() == Outcome.NOT_FOUND ? Result.NOT_FOUND : Result.REFUSED;
            return new Applied(plan, accepted ? Result.APPLIED : refused, d.getCommandId(),
                    accepted ? before + 1 : before, accepted ? null : d.getMessage());
        });
        return answered.whenComplete((applied, error) -> {
            if (error != null || applied.result() != Result.APPLIED) {
                following.stop();
            }
        }).thenCompose(applied -> applied.result() != Result.APPLIED ? done(applied) : following.decided().thenApply(all -> applied));
    }

    private static CompletableFuture<Applied> done(Applied applied) {
        return CompletableFuture.completedFuture(applied);
    }
}
