package io.switchboard.core;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.SetChange;
import io.switchboard.schemas.SetItem;

import java.util.List;
import java.util.Locale;

/**
 * How far a set's change has come, per connector, and whether a worker differs from what is
 * desired: pure functions of what the stores already hold (the connector's desired state, with the
 * command that made it, and the data plane's last report). Nothing here is stored; every read
 * computes it again.
 *
 * <ul>
 *   <li><b>pending</b>: the change's command for it is not decided yet, or the worker has not
 *   reported it in the state the change asks;</li>
 *   <li><b>converged</b>: decided as asked and the worker reports it in that state with no failed
 *   task (a deletion: decided, as the data plane's report goes with the connector);</li>
 *   <li><b>failed</b>: the worker reports it or a task FAILED, or the data plane keeps failing to
 *   make it as asked;</li>
 *   <li><b>superseded</b>: changed by a later command than the change's (another change of the set,
 *   or a write from outside it): this change no longer says what it should be.</li>
 * </ul>
 */
public final class SetProgress {
    private SetProgress() {
    }

    /** Whether the worker differs from what is desired, and how, in states only. */
    public record Drift(String kind, String detail) {
    }

    /** One connector of a change: what the change did to it, how far it is, and why, in states only (no config values). */
    public record Item(String name, String action, String progress, String detail) {
    }

    /** A change's progress: its items, and the whole (failed if any failed, converged if all are, else pending). */
    public record Change(SetChange change, List<Item> items) {
        public String overall() {
            if (items.stream().anyMatch(i -> i.progress().equals("failed"))) {
                return "failed";
            }
            return items.stream().allMatch(i -> i.progress().equals("converged") || i.progress().equals("superseded"))
                    ? "converged" : "pending";
        }

        public long count(String progress) {
            return items.stream().filter(i -> i.progress().equals(progress)).count();
        }
    }

    /** What a change's item does: delete, create, move, update, state or adopt. */
    public static String action(SetItem item) {
        if (item.getConfig() == null) {
            return "delete";
        }
        if (item.getAdopt()) {
            return "adopt";
        }
        if (item.getFrom() != null) {
            return "move";
        }
        if (item.getPreviousConfig() == null) {
            return "create";
        }
        return item.getConfig().equals(item.getPreviousConfig()) ? "state" : "update";
    }

    /**
     * @param change  the change
     * @param item    one of its items
     * @param state   the connector as the store holds it now (null: it does not exist)
     * @param status  the data plane's last report of it (null: none)
     */
    public static Item of(SetChange change, SetItem item, ConnectorState state, ConnectorObservation status) {
        String name = item.getConnector();
        String action = action(item);
        String changeId = change.getChangeId();
        if (item.getConfig() == null) {
            if (state == null) {
                return new Item(name, action, "converged", "deleted");
            }
            return superseded(change, state) ? new Item(name, action, "superseded", "recreated by " + state.getLastCommandId())
                    : new Item(name, action, "pending", "deletion not decided yet");
        }
        boolean asAsked = state != null && state.getConfig().equals(item.getConfig())
                && (item.getTargetState() == null || state.getTargetState() == item.getTargetState());
        if (!asAsked) {
            if (state != null && superseded(change, state)) {
                return new Item(name, action, "superseded", "changed since by " + state.getLastCommandId());
            }
            if (state == null && item.getPreviousConfig() != null) {
                return new Item(name, action, "superseded", "deleted since");
            }
            return new Item(name, action, "pending", "command not decided yet");
        }
        String target = state.getTargetState().name();
        if (status == null) {
            return new Item(name, action, "pending", "decided; the worker has not reported it yet (desired " + target + ")");
        }
        ReconcileFailure failure = status.getReconcileFailure();
        if (failure != null) {
            return new Item(name, action, "failed", "the worker refuses it: desired " + failure.getDesired() + ", observed "
                    + failure.getObserved() + " after " + failure.getAttempts() + " attempts");
        }
        long failedTasks = status.getTasks().stream().filter(t -> "FAILED".equals(t.getState())).count();
        if ("FAILED".equals(status.getState()) || failedTasks > 0) {
            return new Item(name, action, "failed", "the worker reports " + status.getState()
                    + (failedTasks > 0 ? " with " + failedTasks + " failed task" + (failedTasks > 1 ? "s" : "") : ""));
        }
        if (target.equals(status.getState())) {
            return new Item(name, action, "converged", "the worker reports " + status.getState());
        }
        return new Item(name, action, "pending", "desired " + target + ", the worker reports " + status.getState());
    }

    /** Changed by a command after the change's: a later time than the change's and not one of its commands. */
    private static boolean superseded(SetChange change, ConnectorState state) {
        return !state.getLastCommandId().startsWith(change.getChangeId() + "/") && state.getUpdatedAt() > change.getAppliedAt();
    }

    /**
     * Whether the worker's connector differs from what is desired, from the data plane's last report:
     * {@code in_sync}, {@code differs} (the worker shows another state, or the data plane keeps failing
     * to make it as asked, ABSENT when the worker does not have it), {@code repaired} (someone changed
     * it on the worker behind Switchboard's back and the data plane put it back), or
     * {@code not_reported}. Null for a connector that is not desired yet.
     */
    public static Drift drift(ConnectorState state, ConnectorObservation status) {
        if (state == null) {
            return null;
        }
        String target = state.getTargetState().name();
        if (status == null) {
            return new Drift("not_reported", "the worker has not reported it");
        }
        ReconcileFailure failure = status.getReconcileFailure();
        if (failure != null) {
            return new Drift("differs", "desired " + failure.getDesired() + ", the worker has it "
                    + failure.getObserved() + " (" + failure.getAttempts() + " failed attempts to put it back)");
        }
        if (!status.getRepairs().isEmpty()) {
            return new Drift("repaired", "changed on the worker and put back: "
                    + String.join(", ", status.getRepairs()).toLowerCase(Locale.ROOT));
        }
        if (!target.equals(status.getState()) && !"FAILED".equals(status.getState())) {
            return new Drift("differs", "desired " + target + ", the worker has it " + status.getState());
        }
        return new Drift("in_sync", "the worker has it " + status.getState());
    }
}
