package io.switchboard.processor;

import io.opentelemetry.api.trace.Span;
import io.switchboard.rules.CommandDecider;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ConnectorMoves;
import io.switchboard.rules.ControlPlane;
import io.switchboard.rules.Decision;
import io.switchboard.rules.InvalidCommandException;
import io.switchboard.rules.PolicyDecider;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.rules.SetDecider;
import io.switchboard.rules.UserPolicies;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.MoveStep;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyInForce;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.SignedStates;
import io.switchboard.schemas.TargetState;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies each command to the connectors store: decides it against the current state, writes the
 * next state, and forwards the decision (unless the next state's changelog record announces it:
 * {@link AnnouncedDecisions}) and, when something changed, a lifecycle event.
 */
public final class CommandProcessor implements Processor<String, ConnectorCommand, String, Object> {
    /** The decisions, signed on their way to the decisions topic ({@link RecordSigner}). */
    static final String DECISIONS = "sign-decisions";
    static final String LIFECYCLE = "lifecycle-sink";
    static final String HISTORY = "history";
    /** The commands an accepted set change writes, signed, to the command topic, in the transaction of its decision. */
    static final String DERIVED = "sign-derived-commands";
    static final String POLICIES = "sign-policies";
    static final String POLICY_VERSIONS = "sign-policy-versions";
    /** A policy's version stored, to every partition of the command topic ({@link PolicyInForce}), signed. */
    static final String POLICY_IN_FORCE = "sign-policy-in-force";
    /** Header of each decision record naming its command, so readers can skip the ones they do not wait for. */
    public static final String COMMAND_ID_HEADER = "switchboard.command.id";

    private final ControlPlane controlPlane;
    private final SignedStates states;
    private final DecisionObserver observer;
    private final DecisionSpans spans;
    private final boolean recordsHistory;
    private final boolean keepsTimeline;
    private KeyValueStore<String, ConnectorTimeline> timelines;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, ConnectorState> connectors;
    private KeyValueStore<String, ConnectorObservation> statuses;
    private IdempotentAnswers answers;
    private KeyValueStore<String, SetState> sets;
    private KeyValueStore<String, RolloutState> rollouts;
    private KeyValueStore<String, ConnectorPolicy> policyHeads;
    private KeyValueStore<String, ConnectorPolicy> policies;
    /** Each cluster's policies in force as read from {@link #policies}, until a {@link PolicyInForce} changes them. */
    private final Map<String, UserPolicies> policiesRead = new HashMap<>();

    /**
     * @param controlPlane   the deployment's control plane, whose policies every config stored obeys
     * @param states         signs every state stored, for what acts on the store's changelog ({@link SignedStates})
     * @param recordsHistory whether each lifecycle event is also handed to the history processor
     * @param keepsTimeline  whether repairs asked for go to the connector's timeline, which goes with the connector
     * @param spans          a span per decision, in its command's trace
     */
    public CommandProcessor(ControlPlane controlPlane, SignedStates states, DecisionObserver observer, boolean recordsHistory,
                            boolean keepsTimeline, DecisionSpans spans) {
        this.spans = spans;
        this.controlPlane = controlPlane;
        this.states = states;
        this.observer = observer;
        this.recordsHistory = recordsHistory;
        this.keepsTimeline = keepsTimeline;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.connectors = context.getStateStore(StoreNames.CONNECTORS);
        this.statuses = context.getStateStore(StoreNames.STATUSES);
        this.answers = new IdempotentAnswers(context.getStateStore(StoreNames.IDEMPOTENCY));
        this.sets = context.getStateStore(StoreNames.SETS);
        this.rollouts = context.getStateStore(StoreNames.ROLLOUTS);
        this.policyHeads = context.getStateStore(StoreNames.POLICY_HEADS);
        this.policies = context.getStateStore(StoreNames.POLICIES_IN_FORCE);
        this.policiesRead.clear();
        if (keepsTimeline) {
            this.timelines = context.getStateStore(StoreNames.TIMELINE);
        }
        // Stream time, not the clock: answers older than the retention are forgotten as commands arrive.
        context.schedule(Duration.ofMinutes(10), PunctuationType.STREAM_TIME,
                answers::forgetBefore);
    }

    /** The command decided within its span ({@link DecisionSpans}: a no-op unless tracing is on). */
    @Override
    public void process(Record<String, ConnectorCommand> record) {
        Span span = spans.begin(record.headers(), record.value());
        try {
            decide(record);
        } catch (RuntimeException e) {
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    private void decide(Record<String, ConnectorCommand> record) {
        ConnectorCommand command = record.value();
        ConnectorKey key = keyOf(record.key(), command);
        String storeKey = key.toString();

        if (PolicyDecider.isPolicyCommand(command)) {
            decidePolicy(record, command, key);
            processed();
            return;
        }
        if (SetDecider.isSetCommand(command)) {
            decideSet(record, command, key);
            processed();
            return;
        }
        if (RolloutDecider.isRolloutCommand(command)) {
            decideRollout(record, command, key);
            processed();
            return;
        }
        CommandDecision replayed = answers.replay(storeKey, command);
        if (replayed != null) {
            // A retry: the first answer again, and nothing else happens.
            forwardDecision(record, command, replayed);
            processed();
            return;
        }
        ConnectorState before = connectors.get(storeKey);
        Decision decision = CommandDecider.decide(controlPlane, policiesOf(key.cluster()), before, statuses.get(storeKey),
                command);
        // Signed once: the store, its changelog and the decision carry the same state, which the data plane verifies,
        // bound to the store's partition and to this command's offset in it (which grows with every state written there).
        // A state not changed is the one stored, as it was signed then.
        ConnectorState next = decision.next() == null || !decision.changed() ? decision.next() : states.sign(storeKey,
                context.taskId().partition(), context.recordMetadata().map(at -> at.offset()).orElseThrow(), decision.next());
        if (decision.changed()) {
            if (next == null) {
                connectors.delete(storeKey);
                if (timelines != null) {
                    timelines.delete(storeKey);
                }
            } else {
                connectors.put(storeKey, next);
            }
        }
        CommandDecision made = decision.toRecord(command.getCommandId(), key);
        if (next != null && decision.next().equals(made.getState())) {
            made = CommandDecision.newBuilder(made).setState(next).build();
        }
        CommandDecision decided = answers.remember(storeKey, command, made);
        if (!AnnouncedDecisions.byState(decided)) {
            // An accepted change is announced by its state's changelog record, written by the put above.
            RecordHeaders headers = new RecordHeaders();
            headers.add(COMMAND_ID_HEADER, command.getCommandId().getBytes(StandardCharsets.UTF_8));
            context.forward(record.withValue((Object) decided).withHeaders(headers), DECISIONS);
        }
        if (decision.event() != null) {
            context.forward(record.withValue(decision.event()), LIFECYCLE);
            if (timelines != null && decision.next() != null) {
                Timeline.append(timelines, decision.event(), statuses.get(storeKey), decision.next());
            }
            if (recordsHistory) {
                context.forward(record.withValue(decision.event()), HISTORY);
            }
        }
        for (ConnectorCommand step : moveSteps(command, before, decision, storeKey)) {
            context.forward(new Record<String, Object>(MoveSteps.keyOf(step), step, record.timestamp()), DERIVED);
        }
        if (decision.changed() && decision.next() == null) {
            // After the history took the offsets last read of the deleted connector.
            statuses.delete(storeKey);
        }
        observer.decided(decided);
        processed();
    }

    /**
     * The steps of a move that this decision makes due ({@link MoveSteps}): a connector stopped
     * already when its move started hands the target its offsets at once (a stopped connector's
     * stay as last read); a target's create refused sends the source back to its state.
     */
    private List<ConnectorCommand> moveSteps(ConnectorCommand command, ConnectorState before, Decision decision, String storeKey) {
        MoveStep move = command.getMove();
        if (move == null) {
            return List.of();
        }
        if (ConnectorMoves.START.equals(move.getStep()) && decision.outcome() == Outcome.UPDATED
                && before != null && before.getTargetState() == TargetState.STOPPED) {
            ConnectorObservation last = statuses.get(storeKey);
            return MoveSteps.afterStop(decision.next(), last == null ? null : last.getOffsets(), command.getIssuedAt());
        }
        if (ConnectorMoves.CREATE.equals(move.getStep()) && decision.outcome() != Outcome.CREATED) {
            // Created, it waits on its worker (its offsets set, or it shown created): the observations make the next step due.
            return MoveSteps.afterCreateRefused(command, decision.message() != null ? decision.message() : decision.reason(),
                    command.getIssuedAt());
        }
        return List.of();
    }

    /**
     * A set's change, decided whole: the set's next state, its decision, and the per-connector
     * commands it writes, all in this record's transaction (exactly-once), so none is written alone.
     */
    private void decideSet(Record<String, ConnectorCommand> record, ConnectorCommand command, ConnectorKey key) {
        SetDecider.SetDecision decision = SetDecider.decide(controlPlane, policiesOf(key.cluster()), sets.get(key.toString()), command);
        if (decision.changed()) {
            sets.put(key.toString(), decision.next());
            for (ConnectorCommand derived : decision.derived()) {
                String derivedKey = new ConnectorKey(derived.getCluster(), derived.getConnector()).toString();
                context.forward(new Record<String, Object>(derivedKey, derived, record.timestamp()), DERIVED);
            }
        }
        CommandDecision decided = CommandDecision.newBuilder()
                .setCommandId(command.getCommandId())
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setOutcome(decision.outcome())
                .setReason(decision.reason())
                .setMessage(decision.message())
                .setIssuedAt(command.getIssuedAt())
                .build();
        forwardDecision(record, command, decided);
    }

    /**
     * A rollout's start or step, decided against the cluster's rollouts: their next state and the
     * config patches it writes, in this record's transaction, like a set's change.
     */
    private void decideRollout(Record<String, ConnectorCommand> record, ConnectorCommand command, ConnectorKey key) {
        RolloutDecider.RolloutDecision decision = RolloutDecider.decide(rollouts.get(key.toString()), command);
        if (decision.changed()) {
            rollouts.put(key.toString(), decision.next());
            for (ConnectorCommand derived : decision.derived()) {
                String derivedKey = new ConnectorKey(derived.getCluster(), derived.getConnector()).toString();
                context.forward(new Record<String, Object>(derivedKey, derived, record.timestamp()), DERIVED);
            }
        }
        forwardDecision(record, command, CommandDecision.newBuilder()
                .setCommandId(command.getCommandId())
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setOutcome(decision.outcome())
                .setReason(decision.reason())
                .setMessage(decision.message())
                .setIssuedAt(command.getIssuedAt())
                .build());
    }

    /**
     * The cluster's user policies in force, as this partition's own copy holds them: the
     * {@link PolicyInForce} records read so far from this partition, in order with its other
     * commands. A command decided again after an aborted transaction meets the copy as it was
     * committed, so it is decided against the same versions; the decision records them
     * ({@link CommandDecision#getPolicyVersions}).
     */
    private UserPolicies policiesOf(String cluster) {
        // Only this processor writes its store, so what it read stays true until it writes again.
        return policiesRead.computeIfAbsent(cluster, this::readPolicies);
    }

    private UserPolicies readPolicies(String cluster) {
        List<ConnectorPolicy> inForce = new ArrayList<>();
        String prefix = ConnectorKey.clusterPrefix(cluster);
        try (KeyValueIterator<String, ConnectorPolicy> all = policies.prefixScan(prefix, new StringSerializer())) {
            all.forEachRemaining(entry -> inForce.add(entry.value));
        }
        return inForce.isEmpty() ? UserPolicies.NONE : new UserPolicies(inForce);
    }

    /**
     * A policy's command, decided against the version this partition holds (one partition orders
     * one policy's versions): the version stored, written to the policies topic (the one in force)
     * and the versions topic (its history), all in this record's transaction.
     */
    private void decidePolicy(Record<String, ConnectorCommand> record, ConnectorCommand command, ConnectorKey key) {
        if (command.getAction() instanceof PolicyInForce inForce) {
            // Nobody waits on it: no decision, only this partition's copy of the policies in force.
            ConnectorPolicy policy = inForce.getPolicy();
            String policyKey = policy.getCluster() + ConnectorKey.SEPARATOR + policy.getName();
            if (policy.getDeleted()) {
                policies.delete(policyKey);
            } else {
                policies.put(policyKey, policy);
            }
            policiesRead.remove(policy.getCluster());
            return;
        }
        PolicyDecider.PolicyDecision decision = PolicyDecider.decide(policyHeads.get(key.toString()), command);
        ConnectorPolicy next = decision.next();
        if (next != null) {
            policyHeads.put(key.toString(), next);
            String policyKey = next.getCluster() + ConnectorKey.SEPARATOR + next.getName();
            context.forward(new Record<String, Object>(policyKey, next, record.timestamp()), POLICIES);
            context.forward(new Record<String, Object>(policyKey + ConnectorKey.SEPARATOR + String.format("%019d", next.getVersion()),
                    next, record.timestamp()), POLICY_VERSIONS);
            // In this transaction, ahead of any command sent once its decision is answered, in every partition.
            ConnectorCommand inForce = ConnectorCommand.newBuilder().setCommandId(command.getCommandId() + "/in-force")
                    .setCluster(command.getCluster()).setConnector(command.getConnector()).setRequestId(null)
                    .setPrincipal(command.getPrincipal()).setIssuedAt(command.getIssuedAt()).setAction(new PolicyInForce(next)).build();
            context.forward(new Record<String, Object>(key.toString(), inForce, record.timestamp()), POLICY_IN_FORCE);
        }
        CommandDecision decided = CommandDecision.newBuilder()
                .setCommandId(command.getCommandId())
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setOutcome(decision.outcome())
                .setReason(decision.reason())
                .setMessage(decision.message())
                .setIssuedAt(command.getIssuedAt())
                .setPolicyVersions(next == null ? Map.of() : Map.of(next.getName(), next.getVersion()))
                .build();
        forwardDecision(record, command, decided);
    }

    /** Closed with its task, cleanly or not: the observer forgets how far it had decided the partition. */
    @Override
    public void close() {
        policiesRead.clear();
        if (context != null) {
            observer.released(context.taskId().partition());
        }
    }

    /** Tells the observer how far this partition has been decided (the stores already hold it). */
    private void processed() {
        context.recordMetadata().ifPresent(at -> observer.processed(at.partition(), at.offset()));
    }

    private void forwardDecision(Record<String, ConnectorCommand> record, ConnectorCommand command, CommandDecision decided) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(COMMAND_ID_HEADER, command.getCommandId().getBytes(StandardCharsets.UTF_8));
        context.forward(record.withValue((Object) decided).withHeaders(headers), DECISIONS);
        observer.decided(decided);
    }

    private static ConnectorKey keyOf(String recordKey, ConnectorCommand command) {
        if (command == null) {
            throw new InvalidCommandException("Command record with key '" + recordKey + "' has no value");
        }
        ConnectorKey key;
        try {
            key = new ConnectorKey(command.getCluster(), command.getConnector());
        } catch (IllegalArgumentException e) {
            throw new InvalidCommandException(e.getMessage());
        }
        if (command.getConnector().isEmpty()) {
            throw new InvalidCommandException("Command " + command.getCommandId() + " names no connector");
        }
        if (!key.toString().equals(recordKey)) {
            throw new InvalidCommandException("Command " + command.getCommandId() + " is for " + key
                    + " but its record key is '" + recordKey + "'");
        }
        return key;
    }
}
