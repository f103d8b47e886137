package io.switchboard.core;

import io.switchboard.rules.CommandDecider;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ControlPlane;
import io.switchboard.rules.Decision;
import io.switchboard.rules.PolicyDecider;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.SetState;
import io.switchboard.rules.RolloutDecider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Core's two ports, {@link CommandBus} and {@link ConnectorStore}, in memory: a command is decided at
 * once by the processor's own {@link CommandDecider} against the stored state, and the decision is
 * applied as the topology applies it (stored, or deleted with its status). No broker, no Streams:
 * the unit tier of core and of the dialects' routes runs on it in milliseconds. Every command sent
 * is kept, in order, so a test can say what reached "Kafka". A policy's command is decided by the
 * processor's {@link PolicyDecider}, and its versions kept as the policy stores keep them. Not kept:
 * idempotent replays, history, timelines and connector sets (the broker tiers prove those).
 */
public final class InMemoryConnectors implements CommandBus, ConnectorStore, PolicyStore {
    private final Map<ConnectorKey, ConnectorState> connectors = new TreeMap<>(
            (a, b) -> a.cluster().equals(b.cluster()) ? a.name().compareTo(b.name()) : a.cluster().compareTo(b.cluster()));
    private final Map<ConnectorKey, ConnectorObservation> statuses = new TreeMap<>(
            (a, b) -> a.cluster().equals(b.cluster()) ? a.name().compareTo(b.name()) : a.cluster().compareTo(b.cluster()));
    private final List<ConnectorCommand> sent = new ArrayList<>();
    private final Map<String, RolloutState> rollouts = new java.util.HashMap<>();
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final Map<ConnectorKey, ConnectorHistory> histories = new java.util.HashMap<>();
    private final Map<ConnectorKey, ConnectorTimeline> timelines = new java.util.HashMap<>();
    /** Each policy's versions, oldest first, by its command key. */
    private final Map<ConnectorKey, List<ConnectorPolicy>> policies = new TreeMap<>(
            (a, b) -> a.cluster().equals(b.cluster()) ? a.name().compareTo(b.name()) : a.cluster().compareTo(b.cluster()));
    /** Reads of a connector, a history, a timeline, or a cluster's timelines at once (one each). */
    public final AtomicLong reads = new AtomicLong();
    /** The consistency every read was made with, in the order read. */
    private final List<ReadConsistency> consistencies = new ArrayList<>();
    /** Where each decision's lifecycle event goes, as the topology writes it to the lifecycle topic. */
    private volatile Consumer<LifecycleEvent> lifecycle = event -> { };

    /** Hands each decision's lifecycle event to {@code events}, in the order decided. */
    public InMemoryConnectors publishingTo(Consumer<LifecycleEvent> events) {
        this.lifecycle = events;
        return this;
    }

    /** Keeps a connector's history and timeline as the topology would have recorded them. */
    public synchronized void recorded(ConnectorKey key, ConnectorHistory history, ConnectorTimeline timeline) {
        histories.put(key, history);
        timelines.put(key, timeline);
    }

    /** The control plane of a deployment with the default topic prefix. */
    public static final ControlPlane CONTROL_PLANE = new ControlPlane("switchboard", Set.of("switchboard.commands",
            "switchboard-connect-configs"), Set.of("switchboard-connect"), "switchboard-pipeline-notifications");

    @Override
    public ControlPlane controlPlane() {
        return CONTROL_PLANE;
    }

    @Override
    public ConnectorCommand.Builder command(ConnectorKey key, Object action, RequestContext request) {
        return ConnectorCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setRequestId(request.requestId())
                .setPrincipal(request.principal())
                .setIdempotencyKey(request.idempotencyKey())
                .setPipeline(request.pipeline())
                .setIssuedAt(clock.incrementAndGet())
                .setAction(action);
    }

    @Override
    public synchronized CompletableFuture<CommandDecision> submit(ConnectorCommand command) {
        sent.add(command);
        ConnectorKey key = new ConnectorKey(command.getCluster(), command.getConnector());
        if (PolicyDecider.isPolicyCommand(command)) {
            return CompletableFuture.completedFuture(decidePolicy(command, key));
        }
        if (RolloutDecider.isRolloutCommand(command)) {
            return CompletableFuture.completedFuture(decideRollout(command, key));
        }
        Decision decision = CommandDecider.decide(CONTROL_PLANE, connectors.get(key), statuses.get(key), command);
        if (decision.changed()) {
            if (decision.next() == null) {
                connectors.remove(key);
                statuses.remove(key);
            } else {
                connectors.put(key, decision.next());
            }
        }
        if (decision.event() != null) {
            lifecycle.accept(decision.event());
        }
        return CompletableFuture.completedFuture(decision.toRecord(command.getCommandId(), key));
    }

    /** A rollout's command, and the patches it writes decided at once, after it, as the processor would. */
    private CommandDecision decideRollout(ConnectorCommand command, ConnectorKey key) {
        RolloutDecider.RolloutDecision decision = RolloutDecider.decide(rollouts.get(key.cluster()), command);
        if (decision.changed()) {
            rollouts.put(key.cluster(), decision.next());
        }
        for (ConnectorCommand derived : decision.derived()) {
            submit(derived);
        }
        return CommandDecision.newBuilder()
                .setCommandId(command.getCommandId())
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setOutcome(decision.outcome())
                .setReason(decision.reason())
                .setMessage(decision.message())
                .setIssuedAt(command.getIssuedAt())
                .build();
    }

    private CommandDecision decidePolicy(ConnectorCommand command, ConnectorKey key) {
        List<ConnectorPolicy> versions = policies.computeIfAbsent(key, k -> new ArrayList<>());
        PolicyDecider.PolicyDecision decision = PolicyDecider.decide(versions.isEmpty() ? null : versions.get(versions.size() - 1), command);
        if (decision.next() != null) {
            versions.add(decision.next());
        }
        return CommandDecision.newBuilder()
                .setCommandId(command.getCommandId())
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setOutcome(decision.outcome())
                .setReason(decision.reason())
                .setMessage(decision.message())
                .setIssuedAt(command.getIssuedAt())
                .setPolicyVersions(decision.next() == null ? Map.of() : Map.of(decision.next().getName(), decision.next().getVersion()))
                .build();
    }

    @Override
    public synchronized List<ConnectorPolicy> policies(String cluster) {
        return policies.entrySet().stream().filter(e -> e.getKey().cluster().equals(cluster) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(e.getValue().size() - 1)).toList();
    }

    @Override
    public synchronized Optional<ConnectorPolicy> policy(String cluster, String name) {
        List<ConnectorPolicy> versions = policies.getOrDefault(new ConnectorKey(cluster, PolicyDecider.PREFIX + name), List.of());
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    @Override
    public synchronized List<ConnectorPolicy> versions(String cluster, String name) {
        return List.copyOf(policies.getOrDefault(new ConnectorKey(cluster, PolicyDecider.PREFIX + name), List.of()));
    }

    @Override
    public CompletableFuture<Void> submitDurably(ConnectorCommand command) {
        return submit(command).thenApply(d -> null);
    }

    /** Decided as they are sent, here commands have no decision to follow later (a set's change is not decided here). */
    @Override
    public CompletableFuture<CommandDecision> decisionOf(String commandId, java.time.Duration timeout) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no command is decided later here: " + commandId));
    }

    /** Every command sent, in order. */
    public synchronized List<ConnectorCommand> sent() {
        return List.copyOf(sent);
    }

    /** What the data plane would report of a connector. */
    public synchronized void report(ConnectorKey key, ConnectorObservation observation) {
        statuses.put(key, observation);
    }

    /** The consistency of every read made so far, in the order read; {@link #forgetConsistencies} starts it again. */
    public synchronized List<ReadConsistency> consistencies() {
        return List.copyOf(consistencies);
    }

    public synchronized void forgetConsistencies() {
        consistencies.clear();
    }

    private void readWith(ReadConsistency consistency) {
        consistencies.add(java.util.Objects.requireNonNull(consistency, "consistency"));
    }

    @Override
    public synchronized Optional<ConnectorState> connector(ConnectorKey key, ReadConsistency consistency) {
        readWith(consistency);
        return stored(key);
    }

    private synchronized Optional<ConnectorState> stored(ConnectorKey key) {
        reads.incrementAndGet();
        return Optional.ofNullable(connectors.get(key));
    }

    /** The active copy here: the store itself, read directly (no consistency is asked of it). */
    @Override
    public AtHand atHand() {
        return this::stored;
    }

    @Override
    public synchronized List<ConnectorState> connectors(String cluster, ReadConsistency consistency) {
        readWith(consistency);
        return connectors.values().stream().filter(s -> s.getCluster().equals(cluster)).toList();
    }

    @Override
    public synchronized List<String> names(String cluster, ReadConsistency consistency) {
        return connectors(cluster, consistency).stream().map(ConnectorState::getName).toList();
    }

    @Override
    public synchronized Optional<ConnectorObservation> status(ConnectorKey key, ReadConsistency consistency) {
        readWith(consistency);
        return Optional.ofNullable(statuses.get(key));
    }

    @Override
    public synchronized Map<String, ConnectorObservation> statuses(String cluster, ReadConsistency consistency) {
        readWith(consistency);
        Map<String, ConnectorObservation> of = new TreeMap<>();
        statuses.forEach((key, observed) -> {
            if (key.cluster().equals(cluster)) {
                of.put(key.name(), observed);
            }
        });
        return of;
    }

    @Override
    public synchronized Optional<ConnectorHistory> history(ConnectorKey key, ReadConsistency consistency) {
        readWith(consistency);
        reads.incrementAndGet();
        return Optional.ofNullable(histories.get(key));
    }

    @Override
    public synchronized Optional<SetState> set(ConnectorKey key, ReadConsistency consistency) {
        readWith(consistency);
        return Optional.empty();
    }

    @Override
    public synchronized Optional<RolloutState> rollouts(String cluster, ReadConsistency consistency) {
        readWith(consistency);
        return Optional.ofNullable(rollouts.get(cluster));
    }

    /** Keeps the data plane's report of a connector, as the topology would have stored it. */
    public synchronized void observed(ConnectorKey key, ConnectorObservation status) {
        statuses.put(key, status);
    }

    @Override
    public synchronized Optional<ConnectorTimeline> timeline(ConnectorKey key, ReadConsistency consistency) {
        readWith(consistency);
        reads.incrementAndGet();
        return Optional.ofNullable(timelines.get(key));
    }

    @Override
    public synchronized Map<String, ConnectorTimeline> timelines(String cluster, ReadConsistency consistency) {
        readWith(consistency);
        reads.incrementAndGet();
        Map<String, ConnectorTimeline> of = new TreeMap<>();
        timelines.forEach((key, timeline) -> {
            if (key.cluster().equals(cluster)) {
                of.put(key.name(), timeline);
            }
        });
        return of;
    }
}
