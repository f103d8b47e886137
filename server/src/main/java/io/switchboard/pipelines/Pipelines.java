package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.core.ConnectorService;
import io.switchboard.core.ConnectorStore;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.Violation;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Visibility;
import io.switchboard.processor.ConnectorKey;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.TargetState;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final ConnectorService connectors;
    private final ConnectorStore queries;
    private final ConnectorSecrets secrets;
    private final ConnectionCheck check;
    private final Scope scope;
    private final Clock clock;
    private static final Duration SNAPSHOT_NEWS_WAIT = Duration.ofSeconds(60);
    private final DatabaseReadings readings;
    private final Function<String, Optional<SnapshotProgress>> snapshots;
    private final String notificationsTopic;

    /**
     * @param snapshots          the snapshot progress of a pipeline, by its source's topic prefix
     * @param notificationsTopic where the pipelines' source connectors send their notifications
     */
    public Pipelines(ConnectorService connectors, ConnectorStore queries, ConnectorSecrets secrets, ConnectionCheck check,
                     String cluster, Clock clock, Function<String, Optional<SnapshotProgress>> snapshots,
                     String notificationsTopic) {
        this.snapshots = snapshots;
        this.notificationsTopic = notificationsTopic;
        this.clock = clock;
        this.readings = new DatabaseReadings(clock);
        this.connectors = connectors;
        this.queries = queries;
        this.secrets = secrets;
        this.check = check;
        this.scope = new Scope(cluster);
    }

    /**
     * A pipeline as read: as given (passwords hidden), its run, when it was created, its two
     * connectors' status, how many bytes of WAL its slot is behind the source (null unless the
     * source runs and the source database answered; see {@link DatabaseReadings}), how many
     * milliseconds old the newest heartbeat in the target is (null: no heartbeat there yet, or no
     * heartbeat at all; see {@link HeartbeatTable}), where its
     * run's snapshot stands (null: no notification of one has been read), and while a table is
     * copied, how many rows its target table holds (null: not copying, or the target cannot say).
     */
    public record PipelineView(PipelineSpec spec, String runId, Instant createdAt, StatusView source, StatusView sink,
                               Long lagBytes, Long lagMillis, SnapshotProgress snapshot, Long targetRows) {
        /** The pipeline as a caller with this visibility sees it: keys only, every connection value hidden. */
        public PipelineView shapedFor(Visibility visibility) {
            return visibility == Visibility.FULL ? this
                    : new PipelineView(spec.withConnectionsHidden(), runId, createdAt, source, sink, lagBytes, lagMillis, snapshot,
                    targetRows);
        }
    }

    /** One change to a pipeline's connectors, or of its phase ({@code phase} not null, on component Source). */
    public record HistoryItem(String id, String runId, Instant at, String component, String targetState, String event,
                              PhaseChange phase) {
    }

    /** A change of a pipeline's phase as its history holds it: from (null for the first), to, and why for failed. */
    public record PhaseChange(String previous, String phase, String cause) {
    }

    /** A pipeline written: whether it is new, and how it looks now. */
    public record Written(boolean created, PipelineView pipeline) {
    }

    /** A new pipeline with a server-made id: its databases are checked before anything is stored. */
    public CompletableFuture<PipelineView> create(JsonNode body, RequestContext request) {
        String id = newId();
        return createOrReplace(id, body, null, request).thenApply(Written::pipeline);
    }

    /**
     * Creates the pipeline with this id, or replaces it (its databases' host, port and database
     * cannot change). {@code cloneFrom}: a pipeline whose passwords fill those given as hidden.
     */
    public CompletableFuture<Written> createOrReplace(String id, JsonNode body, String cloneFrom, RequestContext request) {
        requireId(id);
        Optional<PipelineSpec> current = stored(id);
        PipelineSpec passwordsFrom = current.orElse(null);
        if (cloneFrom != null) {
            requireId(cloneFrom);
            passwordsFrom = stored(cloneFrom).orElseThrow(() -> new ServiceException.InvalidRequest("clone_from",
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
        String runId = current.isPresent() ? runId(id) : newRunId();
        long startedAt = current.isPresent() ? runStarted(id) : clock.millis();
        return write(spec, runId, startedAt, request).thenApply(ignored -> new Written(current.isEmpty(), get(id)));
    }

    /** A JSON merge patch (RFC 7386) of the pipeline as it reads. */
    public CompletableFuture<PipelineView> patch(String id, JsonNode mergePatch, RequestContext request) {
        PipelineSpec current = stored(id).orElseThrow(() -> notFound(id));
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
        return write(spec, runId(id), runStarted(id), request).thenApply(ignored -> get(id));
    }

    /** The Connect cluster the pipelines' connectors run on. */
    public String cluster() {
        return scope.cluster();
    }

    /** The pipeline as a caller with this visibility sees it. */
    public PipelineView get(String id, Visibility visibility) {
        return get(id).shapedFor(visibility);
    }

    /** Every pipeline, as a caller with this visibility sees them. */
    public List<PipelineView> list(Visibility visibility) {
        return list().stream().map(view -> view.shapedFor(visibility)).toList();
    }

    public PipelineView get(String id) {
        requireId(id);
        PipelineSpec spec = stored(id).orElseThrow(() -> notFound(id));
        ConnectorState source = state(PipelineCompiler.sourceName(id)).orElseThrow(() -> notFound(id));
        StatusView sourceStatus = statusOf(PipelineCompiler.sourceName(id));
        boolean streaming = sourceStatus != null && "RUNNING".equals(sourceStatus.state()) && !spec.snapshotOnly();
        Long lagBytes = streaming ? readings.bytesBehind(opened(spec.source()), PipelineCompiler.slotName(id)) : null;
        Long lagMillis = streaming && HeartbeatTable.wanted(spec)
                ? readings.millisBehind(opened(spec.source()), opened(spec.sink()), spec.targetSchema(), id) : null;
        SnapshotProgress snapshot = snapshotOfThisRun(id, source);
        return new PipelineView(spec, source.getConfig().get(PipelineCompiler.PIPELINE_RUN), Instant.ofEpochMilli(source.getCreatedAt()),
                sourceStatus, statusOf(PipelineCompiler.sinkName(id)), lagBytes, lagMillis, snapshot, targetRows(spec, snapshot));
    }

    /** The rows the target table of the table being copied holds ({@code db.schema.table} goes to {@code targetSchema.table}). */
    private Long targetRows(PipelineSpec spec, SnapshotProgress snapshot) {
        if (snapshot == null || !snapshot.copying() || snapshot.table() == null) {
            return null;
        }
        String table = snapshot.table().substring(snapshot.table().lastIndexOf('.') + 1);
        return readings.rowsIn(opened(spec.sink()), spec.targetSchema() == null ? "public" : spec.targetSchema(), table);
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

    public List<PipelineView> list() {
        List<PipelineView> all = new ArrayList<>();
        for (String id : ids()) {
            try {
                all.add(get(id));
            } catch (ServiceException.NotFound e) {
                // Being deleted.
            }
        }
        all.sort(Comparator.comparing(p -> p.createdAt()));
        return all;
    }

    /**
     * Start (enables it: a new run), Stop (disables it: both stopped, the slot kept), Restart (both
     * with their tasks), Delete and ForceDelete (both connectors, then the slot and publication),
     * ReIntialize (a new run with a new snapshot).
     */
    public CompletableFuture<Void> command(String id, String command, RequestContext request) {
        PipelineSpec spec = stored(id).orElseThrow(() -> notFound(id));
        String source = PipelineCompiler.sourceName(id);
        String sink = PipelineCompiler.sinkName(id);
        PipelineCommand known = PipelineCommand.named(command).orElseThrow(() -> new ServiceException.InvalidRequest("command",
                "command must be Start, Stop, Restart, Delete, ForceDelete or ReIntialize, not '" + command + "'"));
        return switch (known) {
            case Start -> start(spec, request);
            case Stop -> write(withDisabled(spec, true), runId(id), runStarted(id), request);
            case Restart -> both(name -> connectors.restart(scope, name, true, false, request.forPipeline(id)).thenApply(v -> null), source, sink);
            case Delete, ForceDelete -> delete(spec, known == PipelineCommand.ForceDelete, request);
            case ReIntialize -> reinitialize(spec, request);
        };
    }

    /** Every change of the pipeline's two connectors, and each change of its phase, oldest first. */
    public List<HistoryItem> history(String id) {
        requireId(id);
        List<HistoryItem> items = PipelineHistory.of(connectors, scope, id);
        if (items.isEmpty()) {
            throw notFound(id);
        }
        return items;
    }

    /**
     * The phase recorded last for the pipeline and its status now, read without asking its databases
     * (no phase depends on lag or target rows); empty when it does not exist or is being deleted.
     */
    public Optional<PhaseReading> phase(String id) {
        Optional<PipelineSpec> spec = stored(id);
        Optional<ConnectorState> source = state(PipelineCompiler.sourceName(id));
        if (spec.isEmpty() || source.isEmpty()) {
            return Optional.empty();
        }
        PipelineView view = new PipelineView(spec.get(), null, Instant.ofEpochMilli(source.get().getCreatedAt()),
                statusOf(PipelineCompiler.sourceName(id)), statusOf(PipelineCompiler.sinkName(id)), null, null,
                snapshotOfThisRun(id, source.get()), null);
        return Optional.of(new PhaseReading(source.get().getPipelinePhase(), PipelineStatus.of(view)));
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
        List<String> ids = new ArrayList<>();
        for (ConnectorState state : queries.connectors(scope.cluster())) {
            String id = state.getConfig().get(PipelineCompiler.PIPELINE_ID);
            if (id != null && state.getName().equals(PipelineCompiler.sourceName(id))) {
                ids.add(id);
            }
        }
        return ids;
    }

    private CompletableFuture<Void> start(PipelineSpec spec, RequestContext request) {
        // A new run: the source's config gets a new run id, then both run.
        PipelineSpec enabled = withDisabled(spec, false);
        CompletableFuture<Void> written = write(enabled, newRunId(), clock.millis(), request);
        // A snapshot pipeline's run copies the rows again: its source starts from no offsets.
        return spec.snapshotOnly() ? written.thenCompose(v -> snapshotAgain(spec.id(), request)) : written;
    }

    /**
     * A new run from scratch: the source's offsets are reset, so it snapshots every row again (the
     * sink upserts them, repairing a target that drifted) and, for logical replication, then
     * streams from its slot as before.
     */
    private CompletableFuture<Void> reinitialize(PipelineSpec spec, RequestContext request) {
        return write(withDisabled(spec, false), newRunId(), clock.millis(), request).thenCompose(v -> snapshotAgain(spec.id(), request));
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
            Optional<PipelineSpec> spec = stored(id);
            if (spec.isEmpty() || spec.get().schedule() == null || spec.get().disabled() || !spec.get().snapshotOnly()) {
                continue;
            }
            Instant due = spec.get().schedule().next(Instant.ofEpochMilli(runStarted(id)));
            if (!now.isBefore(due)) {
                start(spec.get(), request).join();
                started.add(id);
            }
        }
        return started;
    }

    private CompletableFuture<Void> delete(PipelineSpec spec, boolean force, RequestContext client) {
        RequestContext request = client.forPipeline(spec.id());
        return connectors.delete(scope, PipelineCompiler.sourceName(spec.id()), request)
                .thenCompose(v -> connectors.delete(scope, PipelineCompiler.sinkName(spec.id()), request))
                .thenRun(() -> SlotCleanup.dropWaiting(opened(spec), force));
    }

    private CompletableFuture<Void> write(PipelineSpec spec, String runId, long startedAt, RequestContext client) {
        RequestContext request = client.forPipeline(spec.id());
        PipelineCompiler.Compiled compiled = PipelineCompiler.compile(spec, runId, startedAt, notificationsTopic);
        TargetState target = spec.disabled() ? TargetState.STOPPED : TargetState.RUNNING;
        if (target == TargetState.RUNNING) {
            // Before the parts start: the source's publication names the tables there are then; the sink's schema is there.
            HeartbeatTable.ensureOrRefuse(opened(spec.source()), spec);
            SinkPrivileges.ensure(opened(spec.sink()), spec.targetSchema());
        }
        // The sink first, so that nothing the source writes waits for a reader; disabled: both stopped, the slot kept.
        // Both configs before either target state, so that the spec the source keeps says disabled before
        // any part stops: a pipeline being disabled reads (and records) disabling, never a part stopped first.
        return connectors.putConfig(scope, compiled.sinkName(), compiled.sink(), request)
                .thenCompose(w -> connectors.putConfig(scope, compiled.sourceName(), compiled.source(), request))
                .thenCompose(v -> connectors.changeTargetState(scope, compiled.sinkName(), target, request))
                .thenCompose(w -> connectors.changeTargetState(scope, compiled.sourceName(), target, request));
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
        List<Violation> problems = check.check(opened(spec));
        if (!problems.isEmpty()) {
            throw new ServiceException.InvalidRequest("a database cannot be used", problems);
        }
    }

    /** The pipeline with sealed passwords (kept from a stored one) opened, to connect with. */
    private PipelineSpec opened(PipelineSpec spec) {
        return new PipelineSpec(spec.id(), spec.name(), spec.disabled(), opened(spec.source()), spec.publication(), spec.skipSnapshots(),
                opened(spec.sink()), spec.targetSchema(), spec.limits(), spec.json(), spec.snapshotOnly(), spec.schedule());
    }

    private PostgresConnection opened(PostgresConnection c) {
        String password = secrets.openWherePossible(Map.of("password", c.password())).get("password");
        return new PostgresConnection(c.host(), c.port(), c.user(), password, c.database(), c.sslMode());
    }

    /** The stored pipeline, its passwords the sealed text its connectors keep. */
    private Optional<PipelineSpec> stored(String id) {
        Optional<ConnectorState> source = state(PipelineCompiler.sourceName(id));
        Optional<ConnectorState> sink = state(PipelineCompiler.sinkName(id));
        if (source.isEmpty() || sink.isEmpty() || source.get().getConfig().get(PipelineCompiler.PIPELINE_SPEC) == null) {
            return Optional.empty();
        }
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(source.get().getConfig().get(PipelineCompiler.PIPELINE_SPEC));
            // The stored shape hides its passwords; its connectors keep them sealed.
            withPassword(json, "source", source.get().getConfig().get("database.password"));
            withPassword(json, "sink", sink.get().getConfig().get("connection.password"));
            return Optional.of(PipelineSpec.parse(id, json, null));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The stored pipeline " + id + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void withPassword(ObjectNode json, String side, String sealed) {
        if (json.path(side).path("postgres").path("connection") instanceof ObjectNode connection && sealed != null) {
            connection.put("password", sealed);
        }
    }

    private static PipelineSpec withDisabled(PipelineSpec spec, boolean disabled) {
        ObjectNode json = spec.json().deepCopy();
        json.put("disabled", disabled);
        return new PipelineSpec(spec.id(), spec.name(), disabled, spec.source(), spec.publication(), spec.skipSnapshots(), spec.sink(),
                spec.targetSchema(), spec.limits(), json, spec.snapshotOnly(), spec.schedule());
    }

    private long runStarted(String id) {
        return state(PipelineCompiler.sourceName(id)).map(s -> s.getConfig().get(PipelineCompiler.PIPELINE_RUN_STARTED))
                .map(Long::parseLong).orElse(clock.millis());
    }

    private String runId(String id) {
        return state(PipelineCompiler.sourceName(id)).map(s -> s.getConfig().get(PipelineCompiler.PIPELINE_RUN)).orElse(newRunId());
    }

    private Optional<ConnectorState> state(String name) {
        return queries.connector(new ConnectorKey(scope.cluster(), name));
    }

    private StatusView statusOf(String name) {
        try {
            return connectors.status(scope, name);
        } catch (ServiceException.NotFound e) {
            return null;
        }
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

    /** Pipeline ids: 12 lowercase letters and digits, so that connector, slot and topic names stay valid. */
    private static String newId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder("p");
        for (int i = 0; i < 11; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }

    private static String newRunId() {
        return UUID.randomUUID().toString();
    }

    static void requireId(String id) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new ServiceException.InvalidRequest("id", "A pipeline id is 1 to 63 lowercase letters, digits and '-', starting with a letter or digit");
        }
    }

    private static ServiceException.NotFound notFound(String id) {
        return new ServiceException.NotFound(ServiceException.Subject.PIPELINE, id, null, ServiceException.Operation.READ);
    }
}
