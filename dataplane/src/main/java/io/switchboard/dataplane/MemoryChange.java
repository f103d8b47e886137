package io.switchboard.dataplane;

import io.switchboard.dataplane.ConnectorMemory.Details;
import io.switchboard.dataplane.ConnectorMemory.StaleTasks;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;

import java.util.List;
import java.util.Map;

/**
 * What happened to a connector that its {@link ConnectorMemory} is to remember: the
 * {@link ReconcileExecutor} answers what it carried out on the worker, the
 * {@link ReconcileReporter} what it reported and read, and the {@link ReconcileStep} what it saw.
 * Each is an immutable value; the step alone applies them, in the order they happened, through
 * {@link ConnectorMemory#apply}, the memory's one way to change.
 */
sealed interface MemoryChange {

    // Carried out on the worker (ReconcileExecutor).

    /**
     * The connector was created with {@code config} in {@code target} at {@code at} (the version it
     * made true is a {@link VersionApplied} after it); {@code repair} says what was put back, or null.
     */
    record Created(Map<String, String> config, TargetState target, long at, String repair) implements MemoryChange {
    }

    /**
     * Its config was put at {@code at} (the config itself is a {@link WorkerConfigSeen} before it);
     * {@code lastTasks} are its task configs as last observed, read only when the memory knows of
     * no task configs reported.
     */
    record ConfigPut(List<Map<String, String>> lastTasks, long at, String repair) implements MemoryChange {
    }

    /** {@code target} was asked of the worker at {@code at}. */
    record TargetStateAsked(TargetState target, long at, String repair) implements MemoryChange {
    }

    /** The restart request {@code requestId} is carried out (or was, by a previous leader). */
    record RestartDone(String requestId) implements MemoryChange {
    }

    /** The active-topics reset {@code requestId} is carried out (or was). */
    record TopicsResetDone(String requestId) implements MemoryChange {
    }

    /** The connector was auto-restarted {@code count} times since it was last healthy, the last at {@code last}. */
    record AutoRestarted(int count, Long last) implements MemoryChange {
    }

    /** The worker's answer to the last offsets change (null: none known). */
    record OffsetsAnswered(OffsetsResult result) implements MemoryChange {
    }

    /** The offsets change was asked of the worker: it no longer waits for the connector to stop. */
    record OffsetsAsked() implements MemoryChange {
    }

    /** An offsets change waits for the worker to stop the connector, since {@code since} unless it waited already. */
    record OffsetsWaiting(long since) implements MemoryChange {
    }

    /** The offsets change was given up, with {@code result} as its answer. */
    record OffsetsGivenUp(OffsetsResult result) implements MemoryChange {
    }

    /** The desired {@code version} is true on the worker. */
    record VersionApplied(long version) implements MemoryChange {
    }

    // Seen of the worker (ReconcileStep; a config also from ReconcileExecutor).

    /** The worker was seen or made to have the connector with {@code config}, or does not have it (null). */
    record WorkerConfigSeen(Map<String, String> config) implements MemoryChange {
    }

    /** The worker listed the connector, with {@code config}: no longer just created. */
    record Listed(Map<String, String> config) implements MemoryChange {
    }

    /** It was reconciled on its own at {@code nanoTime}. */
    record ReconciledAlone(long nanoTime) implements MemoryChange {
    }

    /** It is as desired. */
    record Settled() implements MemoryChange {
    }

    /** It is not yet as desired, since {@code since} unless it was before. */
    record Unsettled(long since) implements MemoryChange {
    }

    /** The worker shows a status not yet reported, since {@code since} unless it did before. */
    record ChangeShown(long since) implements MemoryChange {
    }

    /** What the worker shows is reported (or needed no report). */
    record ChangeReported() implements MemoryChange {
    }

    // Reported and read (ReconcileReporter).

    /**
     * First seen here: its details change with {@code shape}; they are not read before
     * {@code notBefore} (null: no new wait).
     */
    record DetailsFirstSeen(String shape, Long notBefore) implements MemoryChange {
    }

    /** Its status changed to {@code shape}: its details are to be read again, now. */
    record DetailsDue(String shape) implements MemoryChange {
    }

    /** Its details were read. */
    record DetailsRead(Details details) implements MemoryChange {
    }

    /** Its details were read just now by the details reader: no longer due. */
    record DetailsCurrent() implements MemoryChange {
    }

    /** Its details could not be read: not again before {@code notBefore}. */
    record DetailsUnread(long notBefore) implements MemoryChange {
    }

    /** The task configs are watched for a config change to show ({@code stale}), or no longer (null). */
    record TasksWatched(StaleTasks stale) implements MemoryChange {
    }

    /** Whether its task configs are to be read off a full pass. */
    record TasksDue(boolean due) implements MemoryChange {
    }

    /** An observation was sent: what it carried out ({@code outcomes}), its {@code fingerprint} and task configs. */
    record Reported(String outcomes, String fingerprint, List<Map<String, String>> tasks) implements MemoryChange {
    }
}
