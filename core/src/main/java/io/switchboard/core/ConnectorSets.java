package io.switchboard.core;

import io.switchboard.core.SetPlanner.Desired;
import io.switchboard.core.SetPlanner.Plan;
import io.switchboard.processor.ConnectorKey;
import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.CommandDecision;
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
    private final CommandBus bus;
    private final ConnectorStore store;
    private final ConnectorConfigValidator validator;
    private final ConnectorSecrets secrets;
    private final NamedSecrets namedSecrets;
    private final ClusterDirectory clusters;

    public ConnectorSets(CommandBus bus, ConnectorStore store, ConnectorConfigValidator validator, ConnectorSecrets secrets,
                         NamedSecrets namedSecrets, ClusterDirectory clusters) {
        this.bus = bus;
        this.store = store;
        this.validator = validator;
        this.secrets = secrets;
        this.namedSecrets = namedSecrets;
        this.clusters = clusters;
    }

    /** What is asked: the set's selector, its connectors, and whether to prune (within max_deletes unless forced). */
    public record Request(Map<String, String> selector, List<DesiredState.Connector> connectors, boolean prune, int maxDeletes,
                          boolean force) {
        public Request {
            selector = Map.copyOf(selector);
            connectors = List.copyOf(connectors);
            if (connectors.size() > DesiredStateFiles.MAX_CONNECTORS) {
                throw new ServiceException.InvalidRequest("connectors", "At most " + DesiredStateFiles.MAX_CONNECTORS
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
        /** The processor refused the change whole: another change came first (409), or no such change to revert (404). */
        REFUSED
    }

    /** An apply's answer: the plan it was decided on, the result, the change's id and the set's version after it. */
    public record Applied(Plan plan, Result result, String changeId, long setVersion, String message) {
    }

    /** The set as the processor holds it; empty when no change was applied to it yet. */
    public Optional<SetState> set(Scope scope, String name) {
        ConnectorNames.requireAddressable(name);
        return store.set(SetPlanner.key(scope.cluster(), name));
    }

    /** The plan, read and validated now; sends nothing. */
    public Plan plan(Scope scope, String name, Request request) {
        ConnectorNames.requireAddressable(name);
        DesiredState.SetScope setScope = new DesiredState.SetScope(name, scope.cluster(), request.selector());
        SetState set = store.set(SetPlanner.key(scope.cluster(), name)).orElse(null);
        Map<String, ConnectorState> current = new HashMap<>();
        Set<String> read = new java.util.TreeSet<>();
        request.connectors().forEach(c -> read.add(c.name()));
        if (set != null) {
            read.addAll(set.getManaged().keySet());
        }
        for (String connector : read) {
            current.put(connector, store.connector(new ConnectorKey(scope.cluster(), connector)).orElse(null));
        }
        List<Desired> desired = new ArrayList<>();
        for (DesiredState.Connector c : request.connectors()) {
            desired.add(setScope.selects(c.labels()) ? desired(scope, c, current.get(c.name()))
                    : new Desired(c, null, "outside set " + name + "'s scope: its labels do not match the selector"));
        }
        return SetPlanner.plan(setScope, desired, current, set, request.prune(), request.maxDeletes(), request.force(),
                secrets.keys()::matches);
    }

    /** Checked and sealed as a single PUT of the config would be; a problem is the item's error, in the API's words. */
    private Desired desired(Scope scope, DesiredState.Connector c, ConnectorState existing) {
        try {
            secrets.requireOpenable(c.config());
            namedSecrets.requireKnown(scope, c.config());
            Set<String> passwords = validator.validate(scope.cluster(), c.config());
            Map<String, String> sealed = secrets.seal(c.config(), passwords, existing == null ? Map.of() : existing.getConfig());
            secrets.requireDeliverable(scope.cluster(), sealed, clusters.opensSecrets(scope.cluster()));
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
        Plan plan = plan(scope, name, request);
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
        return submit(scope, name, change, context, plan);
    }

    /** Reverts a change the set keeps: one new change restoring what it found of every connector it touched. */
    public CompletableFuture<Applied> revert(Scope scope, String name, String changeId, RequestContext context) {
        ConnectorNames.requireAddressable(name);
        SetState set = store.set(SetPlanner.key(scope.cluster(), name))
                .orElseThrow(() -> new ServiceException.InvalidRequest("set", "Set " + name + " has no changes"));
        return submit(scope, name, new RevertSetChange(changeId, set.getVersion()), context, null);
    }

    private CompletableFuture<Applied> submit(Scope scope, String name, Object action, RequestContext context, Plan plan) {
        CompletableFuture<CommandDecision> decided = bus.submit(bus.command(SetPlanner.key(scope.cluster(), name), action, context).build());
        CompletableFuture<Applied> answered = decided.thenApply(d -> {
            boolean accepted = d.getOutcome() == Outcome.CREATED || d.getOutcome() == Outcome.UPDATED;
            long before = plan == null ? 0 : plan.setVersion();
            return new Applied(plan, accepted ? Result.APPLIED : Result.REFUSED, d.getCommandId(),
                    accepted ? before + 1 : before, accepted ? null : d.getMessage());
        });
        if (plan == null) {
            return answered;
        }
        // Answered once the connectors' commands are decided too, so that the next plan reads what this one made.
        return answered.thenCompose(applied -> applied.result() != Result.APPLIED ? done(applied)
                : DerivedDecisions.await(store, scope.cluster(), applied.changeId(), plan.changes()).thenApply(all -> applied));
    }

    private static CompletableFuture<Applied> done(Applied applied) {
        return CompletableFuture.completedFuture(applied);
    }
}
