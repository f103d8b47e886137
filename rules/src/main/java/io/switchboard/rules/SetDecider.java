package io.switchboard.rules;

import io.switchboard.schemas.ApplySetChange;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.RevertSetChange;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetConnector;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides a change to a connector set (connectors as code) against the set's current state, whole:
 * accepted, it is the set's next version and the per-connector commands that follow from it, which
 * the processor writes in the same transaction; refused, nothing. A pure function like
 * {@link CommandDecider}: the derived commands' ids, times and principal come from the set's command.
 *
 * <p>A set's commands are keyed {@code <cluster>/{set}<name>}: a connector name cannot hold
 * {@code {}} (see {@link ConnectorRules#nameProblem}), so no connector shares a set's key.
 */
public final class SetDecider {
    /** What a set's name is prefixed with in its key and in its commands' connector field. */
    public static final String PREFIX = "{set}";
    /** How many of its latest changes a set keeps for reverts. */
    public static final int KEPT_CHANGES = 5;
    /** At most this many connectors in one change. */
    public static final int MAX_ITEMS = 500;
    /**
     * The most a set's record (its state, with the changes it keeps) may hold, encoded: under
     * Kafka's default record limit of 1 MiB (the broker's {@code max.message.bytes} and a producer's
     * {@code max.request.size}), with room for the record's key and headers. The oldest changes are
     * let go first; a change that alone would pass it is refused.
     */
    public static final int MAX_STATE_BYTES = 900 * 1024;
    /**
     * The most one change's command may hold, encoded (the API refuses a larger one, 413, before
     * sending it): a change carries each connector's config and the one it replaces, and the
     * set's record keeps it, so it must leave room for what the set manages.
     */
    public static final int MAX_CHANGE_BYTES = 512 * 1024;

    private SetDecider() {
    }

    /** The decision: outcome, refusal reason and message, the set after it, and the commands it writes. */
    public record SetDecision(Outcome outcome, String reason, String message, SetState next, List<ConnectorCommand> derived) {
        public boolean changed() {
            return outcome == Outcome.UPDATED || outcome == Outcome.CREATED;
        }
    }

    /** Whether a command's connector field names a set rather than a connector. */
    public static boolean isSet(String connector) {
        return connector != null && connector.startsWith(PREFIX);
    }

    /** Whether the command is one a set decides. */
    public static boolean isSetCommand(ConnectorCommand command) {
        return command.getAction() instanceof ApplySetChange || command.getAction() instanceof RevertSetChange;
    }

    /** @param controlPlane the deployment's control plane, whose policies every item's config obeys ({@link ConnectorPolicies}) */
    public static SetDecision decide(ControlPlane controlPlane, SetState current, ConnectorCommand command) {
        return decide(controlPlane, UserPolicies.NONE, current, command);
    }

    /** @param policies the user policies in force in the set's cluster: an item that breaks a deny policy refuses the change whole, naming both */
    public static SetDecision decide(ControlPlane controlPlane, UserPolicies policies, SetState current, ConnectorCommand command) {
        if (!isSet(command.getConnector()) || command.getConnector().length() == PREFIX.length()) {
            return refused(Outcome.REJECTED, DecisionReasons.INVALID_SET_CHANGE, "a set's command names no set", current);
        }
        if (command.getAction() instanceof ApplySetChange apply) {
            return apply(controlPlane, policies, current, command, apply.getExpectedVersion(), apply.getSelector(), apply.getItems(), null);
        }
        if (command.getAction() instanceof RevertSetChange revert) {
            return revert(controlPlane, policies, current, command, revert);
        }
        throw new InvalidCommandException("Not a set's command: " + command.getCommandId());
    }

    private static SetDecision revert(ControlPlane controlPlane, UserPolicies policies, SetState current, ConnectorCommand command, RevertSetChange revert) {
        SetChange change = current == null ? null : current.getChanges().stream()
                .filter(c -> c.getChangeId().equals(revert.getChangeId())).findFirst().orElse(null);
        if (change == null) {
            return refused(Outcome.NOT_FOUND, DecisionReasons.NOT_FOUND, "the set keeps no change " + revert.getChangeId()
                    + " (it keeps its last " + KEPT_CHANGES + ")", current);
        }
        String moved = SetMoves.movedIn(change);
        if (moved != null) {
            return refused(Outcome.CONFLICT, DecisionReasons.INVALID_SET_CHANGE, "change " + change.getChangeId()
                    + " moved connectors between clusters (" + moved + "); a revert does not move them back: apply the"
                    + " previous files (their cluster) to move them back", current);
        }
        List<SetItem> items = new ArrayList<>();
        // What the change made, undone: deletions first, as in any change.
        for (SetItem item : change.getItems()) {
            if (item.getAdopt()) {
                continue;
            }
            items.add(SetItem.newBuilder().setConnector(item.getConnector()).setLabels(item.getLabels())
                    .setConfig(item.getPreviousConfig()).setTargetState(item.getPreviousTargetState())
                    .setPreviousConfig(item.getConfig()).setPreviousTargetState(item.getTargetState()).setAdopt(false).build());
        }
        items.sort((a, b) -> Boolean.compare(a.getConfig() != null, b.getConfig() != null));
        return apply(controlPlane, policies, current, command, revert.getExpectedVersion(), current.getSelector(), items, change.getChangeId());
    }

    private static SetDecision apply(ControlPlane controlPlane, UserPolicies policies, SetState current, ConnectorCommand command, long expectedVersion,
                                     Map<String, String> selector, List<SetItem> items, String revertOf) {
        long version = current == null ? 0 : current.getVersion();
        if (expectedVersion != version) {
            return refused(Outcome.CONFLICT, DecisionReasons.SET_CHANGED_MEANWHILE, "the change was planned on version "
                    + expectedVersion + " of the set, which is now at version " + version, current);
        }
        if (items.isEmpty() || items.size() > MAX_ITEMS) {
            return refused(Outcome.REJECTED, DecisionReasons.INVALID_SET_CHANGE, "a change touches 1 to " + MAX_ITEMS
                    + " connectors, not " + items.size(), current);
        }
        Map<String, Map<String, String>> managed = new TreeMap<>(current == null ? Map.of() : current.getManaged());
        Checks checks = new Checks(controlPlane, policies, command.getPrincipal());
        for (SetItem item : items) {
            String problem = checks.problem(command.getCluster(), item, managed);
            if (problem != null) {
                return refused(Outcome.REJECTED, DecisionReasons.INVALID_SET_CHANGE, item.getConnector() + ": " + problem, current);
            }
        }
        for (SetItem item : items) {
            if (item.getConfig() == null) {
                managed.remove(item.getConnector());
            } else {
                managed.put(item.getConnector(), new TreeMap<>(item.getLabels()));
            }
        }
        List<ConnectorCommand> derived = commands(command, items);
        List<SetChange> changes = new ArrayList<>(current == null ? List.of() : current.getChanges());
        changes.add(new SetChange(command.getCommandId(), version + 1, command.getPrincipal(), command.getIssuedAt(), revertOf, items));
        while (changes.size() > KEPT_CHANGES) {
            changes.remove(0);
        }
        SetState next = SetState.newBuilder()
                .setCluster(command.getCluster())
                .setName(command.getConnector().substring(PREFIX.length()))
                .setVersion(version + 1)
                .setSelector(new TreeMap<>(selector))
                .setManaged(managed)
                .setChanges(changes)
                .build();
        // Bounded in bytes too: the oldest changes go first, the latest is always kept (or refused).
        while (encodedSize(next) > MAX_STATE_BYTES) {
            if (changes.size() == 1) {
                return refused(Outcome.REJECTED, DecisionReasons.INVALID_SET_CHANGE, "the change is too large for the set's record ("
                        + encodedSize(next) + " bytes encoded, at most " + MAX_STATE_BYTES + "): apply it in smaller sets", current);
            }
            changes.remove(0);
            next.setChanges(changes);
        }
        return new SetDecision(version == 0 ? Outcome.CREATED : Outcome.UPDATED, null, null, next, derived);
    }

    /**
     * The per-connector commands a set's command writes when it is accepted with these items, in
     * order: a delete, a config with the set's labels (a new connector in the state asked), a target
     * state. Adopted items write their labels only (a config equal to the one kept).
     */
    public static List<ConnectorCommand> commands(ConnectorCommand change, List<SetItem> items) {
        List<ConnectorCommand> derived = new ArrayList<>();
        for (SetItem item : items) {
            if (item.getConfig() == null) {
                derived.add(derived(change, item, derived.size(), new DeleteConnector()));
                continue;
            }
            if (item.getFrom() != null) {
                // Moved here by the move's own steps, the first of them keyed to the connector where it is.
                derived.add(SetMoves.start(change, item));
                continue;
            }
            if (item.getAdopt()) {
                // Adopted as it is: only the labels are written (the decider keeps a config and labels it has).
                derived.add(derived(change, item, derived.size(), SetConnector.newBuilder().setConfig(item.getConfig())
                        .setInitialState(item.getTargetState() == null ? TargetState.RUNNING : item.getTargetState())
                        .setSet(change.getConnector().substring(PREFIX.length()))
                        .setLabels(item.getLabels()).build()));
                continue;
            }
            boolean exists = item.getPreviousConfig() != null;
            TargetState state = item.getTargetState();
            // The labels ride on the config's command: written whenever the item gives labels, or when nothing else
            // of it changes (then it is in the change for its labels); the decider keeps a config and labels it has.
            boolean labelsOnly = exists && item.getConfig().equals(item.getPreviousConfig())
                    && (state == null || state == item.getPreviousTargetState());
            if (!exists || !item.getConfig().equals(item.getPreviousConfig()) || !item.getLabels().isEmpty() || labelsOnly) {
                derived.add(derived(change, item, derived.size(), SetConnector.newBuilder().setConfig(item.getConfig())
                        .setInitialState(exists || state == null ? TargetState.RUNNING : state)
                        .setSet(change.getConnector().substring(PREFIX.length())).setLabels(item.getLabels()).build()));
            }
            if (exists && state != null && state != item.getPreviousTargetState()) {
                derived.add(derived(change, item, derived.size(), new ChangeTargetState(state)));
            }
        }
        return derived;
    }

    /**
     * What the decider checks of each item of a change: the deployment's control plane, the user
     * policies in force in the set's cluster and who issues the change, as its command will say. A
     * plan ({@code SetPlanner}) asks {@link #problem} of each item it would carry, so that a plan
     * without problems is a change the decider accepts.
     */
    public record Checks(ControlPlane controlPlane, UserPolicies policies, String principal) {
        public Checks {
            policies = policies == null ? UserPolicies.NONE : policies;
        }

        /** The built-in policies only: no user policy, no principal. */
        public static Checks builtIn(ControlPlane controlPlane) {
            return new Checks(controlPlane, UserPolicies.NONE, null);
        }

        /**
         * Why the item cannot be part of an accepted change, or null: what the decider refuses of it.
         *
         * @param managed the connectors the set manages now, with their labels
         */
        public String problem(String cluster, SetItem item, Map<String, Map<String, String>> managed) {
            return SetDecider.problem(controlPlane, policies, cluster, principal, item, managed);
        }
    }

    private static String problem(ControlPlane controlPlane, UserPolicies policies, String cluster, String principal, SetItem item,
                                  Map<String, Map<String, String>> managed) {
        String nameProblem = ConnectorRules.nameProblem(item.getConnector());
        if (nameProblem != null) {
            return nameProblem;
        }
        if (item.getConfig() == null) {
            return managed.containsKey(item.getConnector()) ? null
                    : "the set does not manage this connector, so it does not delete it";
        }
        if (!ConnectorRules.hasConnectorClass(item.getConfig())) {
            return "the config names no connector class";
        }
        String configName = ConnectorRules.configNameProblem(item.getConnector(), item.getConfig());
        if (configName != null) {
            return configName;
        }
        if (item.getConfig().containsKey(PipelineOwnership.PIPELINE_ID)
                || (item.getPreviousConfig() != null && item.getPreviousConfig().containsKey(PipelineOwnership.PIPELINE_ID))) {
            return "a pipeline's connector is changed only through its pipeline";
        }
        ConnectorPolicies.Refusal refusal = ConnectorPolicies.refusal(controlPlane, item.getConfig());
        if (refusal != null) {
            return refusal.message();
        }
        if (item.getConfig() == null || item.getAdopt()) {
            return null;
        }
        if (item.getFrom() != null) {
            String moveProblem = SetMoves.problem(cluster, item);
            if (moveProblem != null) {
                return moveProblem;
            }
        }
        PolicyExpressions.Subject next = new PolicyExpressions.Subject(cluster, item.getConnector(), item.getConfig(), item.getLabels());
        // A move is a create in this cluster: what it had in the other is no old config here.
        PolicyExpressions.Subject old = item.getPreviousConfig() == null || item.getFrom() != null ? null
                : new PolicyExpressions.Subject(cluster, item.getConnector(), item.getPreviousConfig(), item.getLabels());
        UserPolicies.Breach denial = policies.check(next, old, principal).denial();
        return denial == null ? null : denial.refusal();
    }

    /** A command the change writes: id {@code <changeId>/<n>}, the change's principal, time, and request id. */
    private static ConnectorCommand derived(ConnectorCommand change, SetItem item, int n, Object action) {
        return ConnectorCommand.newBuilder()
                .setCommandId(change.getCommandId() + "/" + n)
                .setCluster(change.getCluster())
                .setConnector(item.getConnector())
                .setRequestId(change.getCommandId())
                .setPrincipal(change.getPrincipal())
                .setIssuedAt(change.getIssuedAt())
                .setAction(action)
                .build();
    }

    /** The record's size as Avro's binary encoding writes it (the topic's framing adds a few bytes); counted, not kept. */
    public static long encodedSize(SpecificRecordBase record) {
        long[] count = new long[1];
        OutputStream counter = new OutputStream() {
            @Override
            public void write(int b) {
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count[0] += len;
            }
        };
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(counter, null);
            new SpecificDatumWriter<SpecificRecordBase>(record.getSchema(), record.getSpecificData()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count[0];
    }

    private static SetDecision refused(Outcome outcome, String reason, String message, SetState current) {
        return new SetDecision(outcome, reason, message, current, List.of());
    }
}
