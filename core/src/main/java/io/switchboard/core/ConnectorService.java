package io.switchboard.core;

import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskConfigView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.core.Views.Written;
import io.switchboard.rules.HealthEvent;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What every API can do with the connectors of a Connect cluster. Writes become commands and answer
 * once they are decided; reads come from the state stores. Failures are {@link ServiceException}s,
 * which each dialect turns into its own status codes and words.
 */
public interface ConnectorService {

    default CompletableFuture<Written> create(Scope scope, String name, Map<String, String> config, TargetState initialState,
                                              RequestContext request) {
        return create(scope, name, config, initialState, null, request);
    }

    /**
     * @param initialOffsets Kafka Connect's offsets body to apply before the connector first runs; null: none
     */
    CompletableFuture<Written> create(Scope scope, String name, Map<String, String> config, TargetState initialState,
                                      String initialOffsets, RequestContext request);

    /** Replaces the config, creating the connector when it does not exist. */
    CompletableFuture<Written> putConfig(Scope scope, String name, Map<String, String> config, RequestContext request);

    /** Puts back the config of one version of the connector's history (by its sequence), as a new version. */
    default CompletableFuture<Written> restoreVersion(Scope scope, String name, long sequence, RequestContext request) {
        return restoreVersion(scope, name, sequence, false, request);
    }

    /**
     * As above; with {@code offsets}, the offsets the entry keeps are put back too, in the same
     * decided change: the connector is stopped, its offsets set, then returned to its target state.
     */
    CompletableFuture<Written> restoreVersion(Scope scope, String name, long sequence, boolean offsets, RequestContext request);

    /**
     * Moves the connector to Connect cluster {@code to} with its offsets: stopped here, created
     * stopped there with the offsets its stop kept, started there once they are set, deleted here.
     * Answers the move's id once the stop is decided; the rest follows as the processor decides it.
     */
    CompletableFuture<String> move(Scope scope, String name, String to, RequestContext request);

    /** Changes the given keys; a null value removes its key. */
    CompletableFuture<ConnectorView> patchConfig(Scope scope, String name, Map<String, String> patch, RequestContext request);

    CompletableFuture<Void> changeTargetState(Scope scope, String name, TargetState target, RequestContext request);

    CompletableFuture<Void> delete(Scope scope, String name, RequestContext request);

    /** Restarts the connector (and its tasks if asked); answers the status with what restarts marked RESTARTING. */
    CompletableFuture<StatusView> restart(Scope scope, String name, boolean includeTasks, boolean onlyFailed,
                                          RequestContext request);

    CompletableFuture<Void> restartTask(Scope scope, String name, int task, RequestContext request);

    /**
     * Alters (offsets given, as Kafka Connect's JSON) or resets (null) a stopped connector's offsets;
     * answers the worker's result, or empty if the worker has not made the change within the wait.
     * One request at a time per connector ({@link ServiceException.Busy} while one is under way).
     */
    CompletableFuture<Optional<OffsetsResult>> modifyOffsets(Scope scope, String name, String offsets,
                                                             RequestContext request);

    CompletableFuture<Void> resetActiveTopics(Scope scope, String name, RequestContext request);

    /**
     * Asks the data plane to make the connector as desired on its worker now (a repair of drift),
     * whatever back-off it is waiting out; config and target state stay as they are. Answers once
     * the processor has decided it; the worker's outcome arrives as a lifecycle event.
     */
    CompletableFuture<Void> repair(Scope scope, String name, RequestContext request);

    /**
     * Records that the phase of the pipeline owning the connector changed from {@code previous}
     * (the phase recorded last, as the caller read it) to {@code phase}, with its cause for a
     * failure: a lifecycle event and a history entry, no new version. Only the owning pipeline's
     * request may ({@link RequestContext#forPipeline}); {@link ServiceException.Busy} when another
     * phase was recorded meanwhile (read it again); answers true when a change was recorded.
     */
    CompletableFuture<Boolean> recordPipelinePhase(Scope scope, String name, String previous, String phase, String cause,
                                                   RequestContext request);

    /**
     * Records that the pipeline owning the connector left {@code table} out of what it replicates,
     * for {@code reason}: a lifecycle event and a history entry, no new version, once per table and
     * reason. Only the owning pipeline's request may; answers true when recorded now, false when it
     * was recorded before.
     */
    CompletableFuture<Boolean> recordPipelineTableLeftOut(Scope scope, String name, String table, String reason, String fix,
                                                          RequestContext request);

    /**
     * A page of the connector's incidents, newest first: at most {@code limit} (1 to
     * {@link Views#MAX_TIMELINE_PAGE}) entries older than the sequence {@code before} (null: the newest).
     */
    Views.TimelineView timeline(Scope scope, String name, Long before, int limit);

    /**
     * Alters (offsets given, as Kafka Connect's JSON body) or resets (null) the offsets whatever the
     * connector's state: the data plane stops it, makes the change, and returns it to its target
     * state. Answers once the request is recorded; one at a time per connector
     * ({@link ServiceException.Busy} while one is under way).
     */
    CompletableFuture<Views.OffsetsRequestView> requestOffsetsChange(Scope scope, String name, String offsets,
                                                                    RequestContext request);

    /** The connector's last offsets change and where it is; NotFound when none was ever asked for. */
    Views.OffsetsRequestView offsetsRequest(Scope scope, String name);

    /** One action on many connectors at once, with a preview that sends nothing. */
    BulkCommands bulk();

    List<String> names(Scope scope);

    /**
     * The health facts of every connector of the cluster's incident timeline (states and times, no
     * trace nor detail), by connector name, read in one gathering; a connector without incidents is absent.
     */
    Map<String, List<HealthEvent>> incidents(Scope scope);

    /** Every connector of the cluster with its status, read in one gathering. */
    List<ConnectorDetails> describeAll(Scope scope);

    /** See {@link ConnectorStore#changeMark}: what {@link #describeAll} answered stays true while the marks are equal. */
    default Optional<Object> changeMark() {
        return Optional.empty();
    }

    ConnectorView connector(Scope scope, String name);

    /** The config with secret values hidden. */
    Map<String, String> config(Scope scope, String name);

    StatusView status(Scope scope, String name);

    TaskStatusView taskStatus(Scope scope, String name, int task);

    List<TaskConfigView> taskConfigs(Scope scope, String name);

    /** The active topics and offsets the data plane last read, if it has. */
    Optional<ObservedDetails> observedDetails(Scope scope, String name);

    /** Every version of the connector's config and target state, also after it was deleted. */
    ConnectorHistory history(Scope scope, String name);

    /**
     * The whole incident timelines of these connectors for their health: states and times, no text
     * a worker wrote (traces and details are null), newest first; a connector without one (none
     * recorded, or deleted) is absent. One store read per connector when few, else one gathering of
     * the cluster's, never a page at a time.
     */
    Map<String, Views.TimelineView> healthTimelines(Scope scope, Collection<String> names);
}
