package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.ConnectorStore;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.Violation;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Visibility;
import io.switchboard.schemas.TargetState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Typed Postgres-to-Postgres pipelines on Switchboard's core: a pipeline is its two connectors
 * (see {@link PipelineCompiler}) on Connect cluster {@code default}, so every change is a decided
 * command with its history and lifecycle events; the pipeline as given (passwords hidden) and its
 * run id live in the source connector's config, its passwords sealed like any secret config value.
 * Every command for a pipeline's connectors names the pipeline ({@link RequestContext#forPipeline}):
 * the decider lets nothing else change them. A password a request leaves hidden is taken from the
 * pipeline named by {@code clone_from} only for the same host, port, database and user it was given for.
 */
public final class Pipelines {
    private static final Logger log = LoggerFactory.getLogger(Pipelines.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConnectorService connectors;
    private final RunPath runPath;
    private final Scope scope;
    private final Clock clock;
    private final StoredPipelines store;
    private final PipelineReads reads;
    private final DatabaseWork databaseWork;
    private final PublicationRefresh publications;
    private final String notificationsTopic;

    /**
     * @param snapshots          the snapshot progress of a pipeline, by its source's topic prefix
     * @param notificationsTopic where the pipelines' source connectors send their notifications
     */
    public Pipelines(ConnectorService connectors, ConnectorStore queries, ConnectorSecrets secrets, ConnectionCheck check,
                     String cluster, Clock clock, Function<String, Optional<SnapshotProgress>> snapshots,
                     String notificationsTopic) {
        this.notificationsTopic = notificationsTopic;
        this.clock = clock;
        this.connectors = connectors;
        this.scope = new Scope(cluster);
        this.store = new StoredPipelines(queries, secrets, scope, clock);
        this.reads = new PipelineReads(connectors, store, scope, clock, snapshots);
        this.databaseWork = new DatabaseWork();
        this.publications = new PublicationRefresh(connectors, store, scope);
        this.runPath = new RunPath(check, store, notificationsTopic);
    }

    /**
     * A pipeline as read: as given (passwords hidden), its run, when it was created, its two
     * connectors' status, how many bytes of WAL its slot is behind the source (null unless the
     * source runs and the source database answered; see {@link DatabaseReadings}), how many
     * milliseconds old the newest heartbeat in the target is (null: no heartbeat there yet, or no
     * heartbeat at all; see {@link HeartbeatTable}), where its
     * run's snapshot stands (null: no notification of one has been read), and while a table is
     * copied, how many rows its target table holds (null: not copying, or the target cannot say), and
     * how many of the source's tables its own publication holds (null: not streaming, or not read),
     * and what the source database refuses the stream, in its words (null: nothing, or not read), and
     * the table of a change event its source could not send for its size (null: none, or not known),
     * and the tables of its source it leaves out (null: not streaming from a publication of its own, or not read;
     * see {@link TablesLeftOut}).
     */
    public record PipelineView(PipelineSpec spec, String runId, Instant createdAt, StatusView source, StatusView sink,
                               Long lagBytes, Long lagMillis, SnapshotProgress snapshot, Long targetRows, Long publishedTables,
                               String sourceProblem, String oversizedTable, TablesLeftOut.Listing tablesLeftOut) {
        /** The pipeline as a caller with this visibility sees it: keys only, every connection value hidden. */
        public PipelineView shapedFor(Visibility visibility) {
            return visibility == Visibility.FULL ? this
                    : new PipelineView(spec.withConnectionsHidden(), runId, createdAt, source, sink, lagBytes, lagMillis, snapshot,
                    targetRows, publishedTables, sourceProblem, oversizedTable, tablesLeftOut);
        }
    }

    /**
     * One change to a pipeline's connectors, or of its phase ({@code phase} not null, on component
     * Source), or a table it left out ({@code tableLeftOut} not null, on component Source).
     */
    public record HistoryItem(String id, String runId, Instant at, String component, String targetState, String event,
                              PhaseChange phase, TableLeftOut tableLeftOut) {
    }

    /** A table the pipeline left out of what it replicates, as its history holds it (see {@link TablesLeftOut}). */
    public record TableLeftOut(String table, String reason, String fix) {
    }

    /** A change of a pipeline's phase as its history holds it: from (null for the first), to, and why for failed. */
    public record PhaseChange(String previous, String phase, String cause) {
    }

    /** A pipeline written: whether it is new, and how it looks now. */
    public record Written(boolean created, PipelineView pipeline) {
    }

    /** A new pipeline with a server-made id: its databases are checked before anything is stored. */
    public CompletableFuture<PipelineView> create(JsonNode body, RequestContext request) {
        String id = StoredPipelines.newId();
        return createOrReplace(id, body, null, request).thenApply(Written::pipeline);
    }

    /**
     * Creates the pipeline with this id, or replaces it (its databases' host, port and database
     * cannot change). {@code cloneFrom}: a pipeline whose passwords fill those given as hidden.
     */
    public CompletableFuture<Written> createOrReplace(String id, JsonNode body, String cloneFrom, RequestContext request) {
        StoredPipelines.requireId(id);
        Optional<PipelineSpec> current = store.stored(id);
        PipelineSpec passwordsFrom = current.orElse(null);
        if (cloneFrom != null) {
            StoredPipelines.requireId(cloneFrom);
            passwordsFrom = store.stored(cloneFrom).orElseThrow(() -> new ServiceException.InvalidRequest("clone_from",
                    "clone_from names pipeline " + cloneFrom + ", which does not exist"));
        }
        if (current.isPresent() && body != null && body.isObject()) { // else parse names what the body lacks
            List<Violation> immutable = current.get().immutableChanges(body);
            if (!immutable.isEmpty()) {
                throw new ServiceException.InvalidRequest("fields that cannot change were changed", immutable);
            }
        }
        PipelineSpec spec = parse(id, body, passwordsFrom);
        requireReachable(spec);
        String runId = current.isPresent() ? store.runId(id) : StoredPipelines.newRunId();
        long startedAt = current.isPresent() ? store.runStarted(id) : clock.millis();
        return write(spec, runId, startedAt, request).thenApply(ignored -> new Written(current.isEmpty(), get(id)));
    }

    /** A JSON merge patch (RFC 7386) of the pipeline as it reads. */
    public CompletableFuture<PipelineView> patch(String id, JsonNode mergePatch, RequestContext request) {
        PipelineSpec current = store.stored(id).orElseThrow(() -> StoredPipelines.notFound(id));
        if (!mergePatch.isObject()) {
            throw new ServiceException.InvalidRequest("body", "A merge patch must be a JSON object");
        }
        JsonNode merged = merge(current.json().deepCopy(), mergePatch);
        List<Violation> immutable = current.immutableChanges(merged);
        if (mergePatch.path("source").isObject() && mergePatch.path("source").size() > 0 && !mergePatch.path("source").has("postgres")) {
            immutable = new ArrayList<>(immutable);
            immutable.add(new Violation("source", "the source type cannot change"));
        }
        if (mergePatch.path("sink").isObject() && mergePatch.path("sink").size() > 0 && !mergePatch.path("sink").has("postgres")) {
            immutable = new ArrayList<>(immutable);
            immutable.add(new Violation("sink", "the sink type cannot change"));
        }
        if (!immutable.isEmpty()) {
            throw new ServiceException.InvalidRequest("fields that cannot change were changed", immutable);
        }
        PipelineSpec spec = parse(id, merged, current);
        requireReachable(spec);
        return write(spec, store.runId(id), store.runStarted(id), request).thenApply(ignored -> get(id));
    }

    /** The Connect cluster the pipelines' connectors run on. */
    public String cluster() {
        return scope.cluster();
    }

    /**
     * The pipeline as a caller with this visibility sees it, read with this consistency: its
     * connectors' statuses are read with both too, so the worker's words quote no config value to a
     * viewer (as a connector's status).
     */
    public PipelineView get(String id, Visibility visibility, ReadConsistency consistency) {
        return reads.read(id, new Scope(cluster(), visibility, consistency)).shapedFor(visibility);
    }

    /** Every pipeline, as a caller with this visibility sees them, read with this consistency. */
    public List<PipelineView> list(Visibility visibility, ReadConsistency consistency) {
        return reads.list(consistency, id -> get(id, visibility, consistency));
    }

    public PipelineView get(String id) {
        return reads.read(id, scope);
    }

    public List<PipelineView> list() {
        return reads.list(scope.consistency(), this::get);
    }

    /** Every change of the pipeline's two connectors, and each change of its phase, oldest first, as a caller with this visibility sees them. */
    public List<HistoryItem> history(String id, Visibility visibility, ReadConsistency consistency) {
        StoredPipelines.requireId(id);
        // Read whole: the caller's visibility hides what a phase's cause quotes of the configs read.
        List<HistoryItem> items = PipelineHistory.of(connectors, new Scope(cluster(), Visibility.FULL, consistency), id, visibility);
        if (items.isEmpty()) {
            throw StoredPipelines.notFound(id);
        }
        return items;
    }

    public List<HistoryItem> history(String id) {
        return history(id, Visibility.FULL, scope.consistency());
    }

    /**
     * The phase recorded last for the pipeline and its status now, read without asking its databases
     * (no phase depends on lag or target rows); empty when it does not exist or is being deleted.
     */
    public Optional<PhaseReading> phase(String id) {
        return reads.phase(id);
    }

    /** A pipeline's phase as recorded last (null: none yet) and its status as read now. */
    public record PhaseReading(String recorded, PipelineStatus now) {
        public boolean changed() {
            return !now.phase().equals(recorded);
        }
    }

    /**
     * Records that the pipeline's phase changed from the one recorded last, as read: on its source
     * connector, a lifecycle event and a history entry. True when recorded; false when the
     * processor found nothing new; {@link ServiceException.Busy} when another change was recorded first.
     */
    public CompletableFuture<Boolean> recordPhase(String id, PhaseReading reading, RequestContext request) {
        String cause = reading.now().cause();
        // A cause is a line or two of plain words; the bound keeps a history entry small whatever a trace holds.
        String bounded = cause == null || cause.length() <= 2000 ? cause : cause.substring(0, 2000) + "...";
        return connectors.recordPipelinePhase(scope, PipelineCompiler.sourceName(id), reading.recorded(), reading.now().phase(), bounded,
                request.forPipeline(id));
    }

    /** The ids of every pipeline, in the order their source connectors are stored. */
    public List<String> ids() {
        return store.ids();
    }

    /**
     * Start (enables it: a new run), Stop (disables it: both stopped, the slot kept), Restart (both
     * with their tasks), Delete and ForceDelete (both connectors, then the slot and publication),
     * ReIntialize (a new run with a new snapshot).
     */
    public CompletableFuture<Void> command(String id, String command, RequestContext request) {
        PipelineSpec spec = store.stored(id).orElseThrow(() -> StoredPipelines.notFound(id));
        String source = PipelineCompiler.sourceName(id);
        String sink = PipelineCompiler.sinkName(id);
        PipelineCommand known = PipelineCommand.named(command).orElseThrow(() -> new ServiceException.InvalidRequest("command",
                "command must be Start, Stop, Restart, Delete, ForceDelete or ReIntialize, not '" + command + "'"));
        if (known == PipelineCommand.Start || known == PipelineCommand.ReIntialize || (known == PipelineCommand.Restart && !spec.disabled())) {
            // Into running: the same checks as a create or an enabling update, before anything is recorded.
            runPath.requireUsable(spec);
        }
        return switch (known) {
            case Start -> start(spec, request);
            case Stop -> write(StoredPipelines.withDisabled(spec, true), store.runId(id), store.runStarted(id), request);
            // Running, it takes the way into running again (the same publication built) as a new run, before its parts
            // restart; disabled, its parts are restarted as they are (stopped), and no run begins.
            case Restart -> (spec.disabled() ? CompletableFuture.<Void>completedFuture(null) : write(spec, StoredPipelines.newRunId(), clock.millis(), request))
                    .thenCompose(v -> both(name -> connectors.restart(scope, name, true, false, request.forPipeline(id)).thenApply(w -> null), source, sink));
            case Delete, ForceDelete -> delete(spec, known == PipelineCommand.ForceDelete, request);
            case ReIntialize -> reinitialize(spec, request);
        };
    }

    private CompletableFuture<Void> start(PipelineSpec spec, RequestContext request) {
        // A new run: the source's config gets a new run id, then both run.
        PipelineSpec enabled = StoredPipelines.withDisabled(spec, false);
        CompletableFuture<Void> written = write(enabled, StoredPipelines.newRunId(), clock.millis(), request);
        // A snapshot pipeline's run copies the rows again: its source starts from no offsets.
        return spec.snapshotOnly() ? written.thenCompose(v -> snapshotAgain(spec.id(), request)) : written;
    }

    /**
     * A new run from scratch: the source's offsets are reset, so it snapshots every row again (the
     * sink upserts them, repairing a target that drifted) and, for logical replication, then
     * streams from its slot as the previous run did.
     */
    private CompletableFuture<Void> reinitialize(PipelineSpec spec, RequestContext request) {
        return write(StoredPipelines.withDisabled(spec, false), StoredPipelines.newRunId(), clock.millis(), request).thenCompose(v -> snapshotAgain(spec.id(), request));
    }

    /** The source is stopped, its offsets reset, and it is started again, which takes a new snapshot. */
    private CompletableFuture<Void> snapshotAgain(String id, RequestContext request) {
        return connectors.requestOffsetsChange(scope, PipelineCompiler.sourceName(id), null, request.forPipeline(id)).thenApply(v -> null);
    }

    /**
     * Starts every scheduled pipeline whose next run is due at {@code now}: a new run id and a new
     * snapshot. Called by one replica at a time (see PipelineScheduler); answers the ids started.
     */
    public List<String> startDueRuns(Instant now, RequestContext request) {
        List<String> started = new ArrayList<>();
        for (String id : ids()) {
            Optional<PipelineSpec> spec = store.stored(id);
            if (spec.isEmpty() || spec.get().schedule() == null || spec.get().disabled() || !spec.get().snapshotOnly()) {
                continue;
            }
            Instant due = spec.get().schedule().next(Instant.ofEpochMilli(store.runStarted(id)));
            if (!now.isBefore(due)) {
                start(spec.get(), request).join();
                started.add(id);
            }
        }
        return started;
    }

    /**
     * Adds to the own publication of every enabled logical-replication pipeline the tables that
     * appeared in its source (see {@link PublicationTables}), and reports the tables it leaves out
     * ({@link PublicationRefresh}); answers how many were added. Called by
     * one replica at a time (see PipelineScheduler); a source that cannot be reached is tried at the next round.
     */
    public int refreshPublications() {
        int added = 0;
        List<String> ids = ids();
        publications.retain(ids);
        for (String id : ids) {
            Optional<PipelineSpec> spec = store.stored(id);
            if (spec.isEmpty() || spec.get().disabled() || spec.get().snapshotOnly() || spec.get().publication() != null) {
                continue;
            }
            try {
                added += publications.refresh(spec.get());
            } catch (java.sql.SQLException e) {
                log.debug("Cannot look for new tables of pipeline {}: {}", id, e.getMessage());
            }
        }
        return added;
    }

    /**
     * Makes the source's generated columns generated in the targets of enabled pipelines (see
     * {@link GeneratedColumns}); answers how many were added. Called by one replica at a time, as
     * {@link #refreshPublications}; a database that cannot be reached is tried at the next round.
     */
    public int refreshGeneratedColumns() {
        int added = 0;
        for (String id : ids()) {
            Optional<PipelineSpec> spec = store.stored(id);
            if (spec.isEmpty() || spec.get().disabled()) {
                continue;
            }
            try {
                added += GeneratedColumns.addToTarget(store.opened(spec.get().source()), store.opened(spec.get().sink()), spec.get().targetSchema());
            } catch (java.sql.SQLException e) {
                log.debug("Cannot look for generated columns of pipeline {}: {}", id, e.getMessage());
            }
        }
        return added;
    }

    private CompletableFuture<Void> delete(PipelineSpec spec, boolean force, RequestContext client) {
        RequestContext request = client.forPipeline(spec.id());
        return connectors.delete(scope, PipelineCompiler.sourceName(spec.id()), request)
                .thenCompose(v -> connectors.delete(scope, PipelineCompiler.sinkName(spec.id()), request))
                .thenRun(() -> SlotCleanup.dropWaiting(store.opened(spec), force));
    }

    private CompletableFuture<Void> write(PipelineSpec spec, String runId, long startedAt, RequestContext client) {
        RequestContext request = client.forPipeline(spec.id());
        TargetState target = spec.disabled() ? TargetState.STOPPED : TargetState.RUNNING;
        // Before the parts start, off the request thread, the one way into running (RunPath): the heartbeat table,
        // the sink's schema, what the source holds, the publication. Stopped, the source keeps what was read when it last started.
        CompletableFuture<PipelineCompiler.Compiled> ready = target == TargetState.RUNNING
                ? databaseWork.supply(() -> runPath.prepare(spec, runId, startedAt))
                : CompletableFuture.completedFuture(keptShapes(PipelineCompiler.compile(spec, runId, startedAt, notificationsTopic)));
        // The sink first, so that nothing the source writes waits for a reader; disabled: both stopped, the slot kept.
        // Both configs before either target state, so that the spec the source keeps says disabled before
        // any part stops: a pipeline being disabled reads (and records) disabling, never a part stopped first.
        return ready.thenCompose(compiled -> put(compiled.sinkName(), compiled.sink(), target, request)
                .thenCompose(w -> put(compiled.sourceName(), compiled.source(), target, request))
                .thenCompose(v -> connectors.changeTargetState(scope, compiled.sinkName(), target, request))
                .thenCompose(w -> connectors.changeTargetState(scope, compiled.sourceName(), target, request)));
    }

    /**
     * A part's config: a part of a pipeline created disabled is created stopped, so that it never
     * starts (and the pipeline reads disabled, not a stop under way); otherwise the config replaces the one stored.
     */
    private CompletableFuture<io.switchboard.core.Views.Written> put(String name, Map<String, String> config, TargetState target, RequestContext request) {
        return target == TargetState.STOPPED && store.state(name).isEmpty()
                ? connectors.create(scope, name, config, TargetState.STOPPED, request)
                : connectors.putConfig(scope, name, config, request);
    }

    /** The compiled pipeline with the source's table and column settings it has now, if it has a source already. */
    private PipelineCompiler.Compiled keptShapes(PipelineCompiler.Compiled compiled) {
        Optional<Map<String, String>> current = store.state(compiled.sourceName()).map(s -> s.getConfig());
        if (current.isEmpty()) {
            return compiled;
        }
        Map<String, String> source = new java.util.LinkedHashMap<>(compiled.source());
        for (String key : SourceShapes.KEYS) {
            if (current.get().containsKey(key)) {
                source.put(key, current.get().get(key));
            }
        }
        return new PipelineCompiler.Compiled(compiled.sourceName(), source, compiled.sinkName(), compiled.sink());
    }

    private CompletableFuture<Void> both(Function<String, CompletableFuture<Void>> action, String first, String second) {
        return action.apply(first).thenCompose(v -> action.apply(second));
    }

    private PipelineSpec parse(String id, JsonNode body, PipelineSpec passwordsFrom) {
        try {
            return PipelineSpec.parse(id, body, passwordsFrom);
        } catch (PipelineSpec.Invalid e) {
            throw new ServiceException.InvalidRequest("the pipeline is invalid", e.violations());
        }
    }

    private void requireReachable(PipelineSpec spec) {
        runPath.requireUsable(spec);
    }

    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }
}
