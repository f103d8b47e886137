package io.switchboard.pipelines;

import io.switchboard.core.ConnectorService;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Visibility;
import io.switchboard.pipelines.Pipelines.PhaseReading;
import io.switchboard.pipelines.Pipelines.PipelineView;
import io.switchboard.schemas.ConnectorState;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A pipeline as read, with the caller's consistency: its spec, its two connectors' statuses (read with
 * the caller's visibility, so that the worker's words quote no config value to a viewer), and the
 * figures its databases give ({@link DatabaseReadings}) and its snapshot's notifications; and the
 * phase the watcher records (read as the pipelines' own scope reads).
 */
final class PipelineReads {
    private static final Duration SNAPSHOT_NEWS_WAIT = Duration.ofSeconds(60);
    private final ConnectorService connectors;
    private final StoredPipelines store;
    private final Scope scope;
    private final Clock clock;
    private final DatabaseReadings readings;
    private final Function<String, Optional<SnapshotProgress>> snapshots;

    PipelineReads(ConnectorService connectors, StoredPipelines store, Scope scope, Clock clock,
                  Function<String, Optional<SnapshotProgress>> snapshots) {
        this.connectors = connectors;
        this.store = store;
        this.scope = scope;
        this.clock = clock;
        this.readings = new DatabaseReadings(clock);
        this.snapshots = snapshots;
    }

    /** @param caller the caller's scope in the pipelines' cluster: its visibility and consistency */
    PipelineView read(String id, Scope caller) {
        StoredPipelines.requireId(id);
        Visibility visibility = caller.visibility();
        PipelineSpec spec = store.stored(id, caller.consistency()).orElseThrow(() -> StoredPipelines.notFound(id));
        ConnectorState source = store.state(PipelineCompiler.sourceName(id), caller.consistency())
                .orElseThrow(() -> StoredPipelines.notFound(id));
        StatusView sourceStatus = statusOf(PipelineCompiler.sourceName(id), caller);
        boolean streaming = sourceStatus != null && "RUNNING".equals(sourceStatus.state()) && !spec.snapshotOnly();
        Long lagBytes = streaming ? readings.bytesBehind(store.opened(spec.source()), PipelineCompiler.slotName(id)) : null;
        Long lagMillis = streaming && HeartbeatTable.wanted(spec)
                ? readings.millisBehind(store.opened(spec.source()), store.opened(spec.sink()), spec.targetSchema(), id) : null;
        Long published = streaming && HeartbeatTable.wanted(spec)
                ? readings.tablesPublished(store.opened(spec.source()), PipelineCompiler.slotName(id)) : null;
        // The database's words may quote config values.
        String problem = visibility.shapeText(sourceProblem(id, spec, sourceStatus), source.getConfig());
        SnapshotProgress snapshot = snapshotOfThisRun(id, source);
        return new PipelineView(spec, source.getConfig().get(PipelineCompiler.PIPELINE_RUN), Instant.ofEpochMilli(source.getCreatedAt()),
                sourceStatus, statusOf(PipelineCompiler.sinkName(id), caller), lagBytes, lagMillis, snapshot, targetRows(spec, snapshot),
                published, problem, oversizedTable(id, spec, sourceStatus, snapshot),
                // From the first moment, whatever its state: what it will not replicate is known before it runs.
                spec.publication() == null ? tablesLeftOut(spec, source, visibility) : null);
    }

    /**
     * The tables a pipeline with a publication of its own leaves out (or will, once enabled): those its source's
     * catalog shows (a reading, {@link DatabaseReadings#tablesLeftOut}), after those its source
     * connector has recorded as renamed in this run. A caller who sees keys only reads the source's
     * user in a fix as {@link TablesLeftOut#SOURCE_USER}; table names are shown to every caller, as
     * the table being copied is.
     */
    private TablesLeftOut.Listing tablesLeftOut(PipelineSpec spec, ConnectorState source, Visibility visibility) {
        TablesLeftOut.Listing read = readings.tablesLeftOut(store.opened(spec.source()), PipelineCompiler.slotName(spec.id()));
        List<TablesLeftOut.Table> renamed = TablesLeftOut.renamed(source.getPipelineTablesLeftOut());
        if (read == null && renamed.isEmpty()) {
            return null;
        }
        TablesLeftOut.Listing listing = (read == null ? TablesLeftOut.Listing.NONE : read).with(renamed);
        return visibility == Visibility.FULL ? listing.naming(spec.source().user()) : listing;
    }

    /** Every pipeline (listed with {@code consistency}) as {@code read} reads it, oldest first; one being deleted is left out. */
    List<PipelineView> list(ReadConsistency consistency, Function<String, PipelineView> read) {
        List<PipelineView> all = new ArrayList<>();
        for (String id : store.ids(consistency)) {
            try {
                all.add(read.apply(id));
            } catch (ServiceException.NotFound e) {
                // Being deleted.
            }
        }
        all.sort(Comparator.comparing(PipelineView::createdAt));
        return all;
    }

    /** See {@link Pipelines#phase}. */
    Optional<PhaseReading> phase(String id) {
        Optional<PipelineSpec> spec = store.stored(id);
        Optional<ConnectorState> source = store.state(PipelineCompiler.sourceName(id));
        if (spec.isEmpty() || source.isEmpty()) {
            return Optional.empty();
        }
        StatusView sourceStatus = statusOf(PipelineCompiler.sourceName(id), scope);
        SnapshotProgress snapshot = snapshotOfThisRun(id, source.get());
        // The database readings a phase takes: a source the database refuses is failed, as its status says, and an
        // event too large for the source names its table in both.
        PipelineView view = new PipelineView(spec.get(), null, Instant.ofEpochMilli(source.get().getCreatedAt()),
                sourceStatus, statusOf(PipelineCompiler.sinkName(id), scope),
                null, null, snapshot, null, null, sourceProblem(id, spec.get(), sourceStatus),
                oversizedTable(id, spec.get(), sourceStatus, snapshot), null);
        return Optional.of(new PhaseReading(source.get().getPipelinePhase(), PipelineStatus.of(view)));
    }

    /**
     * What the source database refuses of a streaming pipeline's stream (its publication, a table in
     * it, its replication slot), in the database's words; null when nothing, or when it does not
     * stream yet (its publication and slot are made by then). A reading kept for a moment and
     * shared by every read ({@link DatabaseReadings#sourceProblem}).
     */
    private String sourceProblem(String id, PipelineSpec spec, StatusView sourceStatus) {
        boolean streaming = sourceStatus != null && "RUNNING".equals(sourceStatus.state()) && !spec.snapshotOnly()
                && sourceStatus.tasks().stream().anyMatch(t -> "RUNNING".equals(t.state()));
        return streaming ? readings.sourceProblem(store.opened(spec.source()),
                spec.publication() == null ? PipelineCompiler.slotName(id) : spec.publication(), PipelineCompiler.slotName(id)) : null;
    }

    /**
     * The table of the change event the source failed to send for its size ({@link OversizedEvents}):
     * the one being copied while the snapshot was under way, else the one the slot holds next; null
     * when the source did not fail so, or the table cannot be told.
     */
    private String oversizedTable(String id, PipelineSpec spec, StatusView sourceStatus, SnapshotProgress snapshot) {
        if (sourceStatus == null || sourceStatus.tasks().stream().noneMatch(t -> "FAILED".equals(t.state()) && OversizedEvents.in(t.trace()))) {
            return null;
        }
        if (snapshot != null && snapshot.copying() && snapshot.table() != null) {
            String table = snapshot.table();
            // Debezium names it [database.]schema.table.
            return table.chars().filter(c -> c == '.').count() > 1 ? table.substring(table.indexOf('.') + 1) : table;
        }
        if (spec.snapshotOnly()) {
            return null;
        }
        String slot = PipelineCompiler.slotName(id);
        return readings.oversizedTable(store.opened(spec.source()), slot, spec.publication() == null ? slot : spec.publication());
    }

    /** The rows the target table of the table being copied holds ({@code db.schema.table} goes to {@code targetSchema.table}). */
    private Long targetRows(PipelineSpec spec, SnapshotProgress snapshot) {
        if (snapshot == null || !snapshot.copying() || snapshot.table() == null) {
            return null;
        }
        String table = snapshot.table().substring(snapshot.table().lastIndexOf('.') + 1);
        return readings.rowsIn(store.opened(spec.sink()), spec.targetSchema() == null ? "public" : spec.targetSchema(), table);
    }

    /**
     * The snapshot progress the source sent since its run started (an earlier run's is not this
     * run's). A source task says at its start whether it snapshots (STARTED or SKIPPED): until it
     * has, the run is awaited, for at most {@link #SNAPSHOT_NEWS_WAIT} after it started; past
     * that, its notifications are taken not to reach Switchboard (a worker on another Kafka).
     */
    private SnapshotProgress snapshotOfThisRun(String id, ConnectorState source) {
        String started = source.getConfig().get(PipelineCompiler.PIPELINE_RUN_STARTED);
        long runStarted = started == null ? 0 : Long.parseLong(started);
        return snapshots.apply(PipelineCompiler.topicPrefix(id)).filter(p -> p.at() >= runStarted)
                .orElse(clock.millis() - runStarted < SNAPSHOT_NEWS_WAIT.toMillis() ? SnapshotProgress.awaited(runStarted) : null);
    }

    /** A connector's status as a caller of this scope reads it (the worker's words shaped with its visibility), null when it has none. */
    private StatusView statusOf(String name, Scope caller) {
        try {
            return connectors.status(caller, name);
        } catch (ServiceException.NotFound e) {
            return null;
        }
    }
}
