package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.TaskObservation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each change of a connector's status is reported once: whether the worker's status topic or its
 * REST API showed it, and not for each step the worker writes on the way to the target state,
 * unless that step is a failure. The worker is a plain HTTP server holding one connector with one
 * task; the status topic is given to a detached feed by hand; the clock moves only when told.
 */
class OneReportPerChangeTest {
    private static final Map<String, String> CONFIG = Map.of("connector.class", "FileStreamSource", "topic", "t");

    private FakeWorker server;
    private ConnectClusterClient worker;
    private final WorkerStatusFeed feed = WorkerStatusFeed.detached();
    private final List<ConnectorObservation> reports = new CopyOnWriteArrayList<>();
    private volatile ConnectorState desired = state(TargetState.RUNNING, 2);
    /** The connector's and its task's states, and the task's trace, as the worker's REST API answers them. */
    private volatile String connectorState = "RUNNING";
    private volatile String taskState = "RUNNING";
    private volatile String taskTrace;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new SettableClock(now);

    @BeforeEach
    void start() throws IOException {
        server = new FakeWorker(4, this::answer);
        worker = server.client();
    }

    @AfterEach
    void stop() {
        worker.close();
        server.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        exchange.getRequestBody().readAllBytes();
        String config = "{\"connector.class\":\"FileStreamSource\",\"topic\":\"t\"}";
        if ("GET".equals(method) && "/connectors".equals(path)) {
            FakeWorker.send(exchange, 200, "{\"c1\":{\"info\":{\"name\":\"c1\",\"config\":" + config
                    + ",\"tasks\":[{\"connector\":\"c1\",\"task\":0}],\"type\":\"source\"},\"status\":" + restStatus() + "}}");
        } else if ("GET".equals(method) && path.equals("/connectors/c1/status")) {
            FakeWorker.send(exchange, 200, restStatus());
        } else if ("GET".equals(method) && path.equals("/connectors/c1/config")) {
            FakeWorker.send(exchange, 200, config);
        } else if ("GET".equals(method) && path.equals("/connectors/c1/tasks")) {
            FakeWorker.send(exchange, 200, "[{\"id\":{\"connector\":\"c1\",\"task\":0},\"config\":{\"topic\":\"t\"}}]");
        } else if ("GET".equals(method) && path.equals("/connectors/c1/topics")) {
            FakeWorker.send(exchange, 200, "{\"c1\":{\"topics\":[\"t\"]}}");
        } else if ("GET".equals(method) && path.equals("/connectors/c1/offsets")) {
            FakeWorker.send(exchange, 200, "{\"offsets\":[]}");
        } else if ("PUT".equals(method) && (path.endsWith("/pause") || path.endsWith("/resume"))) {
            FakeWorker.send(exchange, 202, "");
        } else {
            FakeWorker.send(exchange, 404, "{\"error_code\":404,\"message\":\"no\"}");
        }
    }

    /** The status as Kafka Connect's REST API gives it: with the connector's type, fields in its own order. */
    private String restStatus() {
        String trace = taskTrace == null ? "" : ",\"trace\":\"" + taskTrace + "\"";
        return "{\"name\":\"c1\",\"connector\":{\"state\":\"" + connectorState + "\",\"worker_id\":\"w:8083\",\"version\":\"4.3.1\"},"
                + "\"tasks\":[{\"id\":0,\"state\":\"" + taskState + "\",\"worker_id\":\"w:8083\",\"version\":\"4.3.1\"" + trace + "}],"
                + "\"type\":\"source\"}";
    }

    /** The worker writes a status record to its status topic, as the feed reads it; its REST API answers it too. */
    private void written(String key, String state, String trace) {
        String traced = trace == null ? "null" : "\"" + trace + "\"";
        feed.read(key, ("{\"state\":\"" + state + "\",\"trace\":" + traced + ",\"worker_id\":\"w:8083\",\"generation\":1,"
                + "\"version\":\"4.3.1\"}").getBytes(StandardCharsets.UTF_8));
        if (key.startsWith(WorkerStatusFeed.CONNECTOR_PREFIX)) {
            connectorState = state;
        } else {
            taskState = state;
            taskTrace = trace;
        }
    }

    private void connectorWritten(String state) {
        written(WorkerStatusFeed.CONNECTOR_PREFIX + "c1", state, null);
    }

    private void taskWritten(String state, String trace) {
        written(WorkerStatusFeed.TASK_PREFIX + "c1-0", state, trace);
    }

    private static ConnectorState state(TargetState target, long version) {
        return ConnectorState.newBuilder().setCluster("default").setName("c1").setConfig(CONFIG).setTargetState(target)
                .setVersion(version).setCreatedAt(1).setUpdatedAt(1).setLastCommandId("cmd-" + version).build();
    }

    /** A reconciler of the one connector, reading statuses from the feed; the worker runs it and the first full pass reports it. */
    private Reconciler reconcilerOfARunningConnector() {
        Reconciler reconciler = new Reconciler("default", worker, DesiredConnectors.byName(() -> List.of(desired), name -> Optional.of(desired)),
                UnaryOperator.identity(), Reconciler.Reports.to(reports::add), clock);
        reconciler.readStatusesFrom(feed);
        connectorWritten("RUNNING");
        taskWritten("RUNNING", null);
        reconciler.reconcile();
        assertEquals(1, reports.size(), "the first pass reports the connector: " + reports);
        return reconciler;
    }

    /** A look at the connector as the watcher makes one when the status topic shows a change, a little later. */
    private void watcherLooks(Reconciler reconciler, long afterMs) {
        now.addAndGet(afterMs);
        Set<String> names = new HashSet<>(Set.of("c1"));
        reconciler.reconcile(names);
    }

    @Test
    void aStatusIsReportedOnceWhetherTheStatusTopicOrTheRestApiShowedIt() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        try {
            // The status topic, then a full pass (REST), then both again: the status never changed.
            assertEquals(true, reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired))), "the connector runs as desired");
            now.addAndGet(10_000);
            reconciler.reconcile();
            watcherLooks(reconciler, 100);
            now.addAndGet(10_000);
            reconciler.reconcile();
            assertEquals(1, reports.size(), "the same status is reported once: " + reports);

            // A change is reported once too, whichever read shows it first.
            connectorWritten("PAUSED");
            taskWritten("PAUSED", null);
            desired = state(TargetState.PAUSED, 3);
            watcherLooks(reconciler, 100);
            now.addAndGet(10_000);
            reconciler.reconcile();
            // The pause once, then once more with the offsets read once it showed (its history entry keeps them).
            assertEquals(3, reports.size(), "one more report for one change, and its offsets: " + reports);
            assertEquals("PAUSED", reports.get(1).getState());
            assertEquals("PAUSED", reports.get(1).getTasks().get(0).getState());
            assertEquals(reports.get(1).getTasks(), reports.get(2).getTasks());
            Assertions.assertNotNull(reports.get(2).getDetailsObservedAt(), reports.toString());
        } finally {
            reconciler.close();
        }
    }

    @Test
    void aPauseIsReportedOnceItsTaskFollowsWithinTheHold() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        try {
            desired = state(TargetState.PAUSED, 3);
            reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired)));
            connectorWritten("PAUSED");
            watcherLooks(reconciler, 50);
            assertEquals(1, reports.size(), "the connector paused, its task not yet: held");
            taskWritten("PAUSED", null);
            watcherLooks(reconciler, 50);
            assertEquals(2, reports.size(), "the pause, once: " + reports);
            assertEquals("PAUSED", reports.get(1).getTasks().get(0).getState());
        } finally {
            reconciler.close();
        }
    }

    @Test
    void aPauseTheWorkerCarriesOutLateIsStillReportedOnce() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        try {
            desired = state(TargetState.PAUSED, 3);
            reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired)));
            // The worker is busy with other pauses: the connector runs on for longer than a step is held.
            for (int i = 0; i < 6; i++) {
                watcherLooks(reconciler, 250);
            }
            connectorWritten("PAUSED");
            watcherLooks(reconciler, 20);
            assertEquals(1, reports.size(), "a step held from when the worker shows it: " + reports);
            taskWritten("PAUSED", null);
            watcherLooks(reconciler, 20);
            assertEquals(2, reports.size(), "the pause, once: " + reports);
            assertEquals("PAUSED", reports.get(1).getTasks().get(0).getState());
        } finally {
            reconciler.close();
        }
    }

    @Test
    void aStepOnTheWayIsReportedOnceItLasts() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        try {
            desired = state(TargetState.PAUSED, 3);
            reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired)));
            connectorWritten("PAUSED");
            watcherLooks(reconciler, 50);
            assertEquals(1, reports.size(), "held while it may yet be a step");
            watcherLooks(reconciler, Reconciler.SHOW_PASSING_STATES_AFTER_MS);
            assertEquals(2, reports.size(), "reported once it lasted: " + reports);
            assertEquals("PAUSED", reports.get(1).getState());
            assertEquals("RUNNING", reports.get(1).getTasks().get(0).getState());
        } finally {
            reconciler.close();
        }
    }

    @Test
    void aFailedTaskIsReportedAtOnceWhileItsConnectorIsOnItsWay() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        try {
            desired = state(TargetState.PAUSED, 3);
            reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired)));
            connectorWritten("PAUSED");
            taskWritten("FAILED", "java.lang.IllegalStateException: broken");
            watcherLooks(reconciler, 20);
            assertEquals(2, reports.size(), "a failure is no step on the way: reported at once: " + reports);
            assertEquals("FAILED", reports.get(1).getTasks().get(0).getState());
            assertEquals("java.lang.IllegalStateException: broken", reports.get(1).getTasks().get(0).getTrace());
        } finally {
            reconciler.close();
        }
    }

    /**
     * A pause costs the worker one read of the offsets (and active topics), which its history entry
     * keeps; a resume changes nothing they depend on, so it costs none (reading offsets opens an
     * offset store on the worker), and neither does the first report of a connector (their routes
     * ask the worker); a stop or an offsets change does.
     */
    @Test
    void aPauseCostsTheWorkerOneReadOfOffsetsAndAResumeNone() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        try {
            Map<String, Long> before = worker.requests().snapshot();
            assertEquals(null, before.get("GET /connectors/{name}/offsets"), "not read with the first report: " + before);
            desired = state(TargetState.PAUSED, 3);
            reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired)));
            connectorWritten("PAUSED");
            taskWritten("PAUSED", null);
            watcherLooks(reconciler, 50);
            now.addAndGet(10_000);
            reconciler.reconcile();
            Map<String, Long> paused = settledRequests();
            // Once; twice when the details thread and the full pass both found them due at the same moment, as for a stop.
            long reads = paused.getOrDefault("GET /connectors/{name}/offsets", 0L);
            Assertions.assertTrue(reads == 1 || reads == 2, paused.toString());
            desired = state(TargetState.RUNNING, 4);
            reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired)));
            connectorWritten("RUNNING");
            taskWritten("RUNNING", null);
            watcherLooks(reconciler, 50);
            now.addAndGet(10_000);
            reconciler.reconcile();
            assertEquals(4, reports.size(), "the pause, its offsets and the resume were reported: " + reports);
            Map<String, Long> after = worker.requests().snapshot();
            assertEquals(paused.get("GET /connectors/{name}/offsets"), after.get("GET /connectors/{name}/offsets"), after.toString());
            assertEquals(paused.get("GET /connectors/{name}/topics"), after.get("GET /connectors/{name}/topics"), after.toString());
            assertEquals(1L, after.get("PUT /connectors/{name}/pause"));
        } finally {
            reconciler.close();
        }
    }

    /**
     * Where the worker's offsets topic is read, a pause costs the worker the pause alone: the report
     * of the paused status carries the offsets committed then, and a commit after it (the flush of
     * what the task produced before it paused) is reported too; neither asks the worker.
     */
    @Test
    void whereTheOffsetsTopicIsReadAPauseCostsTheWorkerThePauseAlone() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        WorkerOffsetsFeed offsets = WorkerOffsetsFeed.detached();
        reconciler.readSourceOffsetsFrom(offsets);
        String partition = "{\"filename\":\"f\"}";
        try {
            offsets.read(WorkerOffsetsFeed.key("c1", partition), WorkerOffsetsFeed.value("{\"position\":20}"));
            desired = state(TargetState.PAUSED, 3);
            reconciler.reconcileConnector("c1", Desired.decided(Optional.of(desired)));
            connectorWritten("PAUSED");
            taskWritten("PAUSED", null);
            watcherLooks(reconciler, 50);
            ConnectorObservation paused = reports.get(reports.size() - 1);
            assertEquals("PAUSED", paused.getState(), reports.toString());
            assertEquals("{\"offsets\":[{\"partition\":" + partition + ",\"offset\":{\"position\":20}}]}", paused.getOffsets());
            assertEquals(Set.of("c1"), reconciler.paused(Set.of("c1", "unknown")), "a commit now is reported");
            String flushed = offsets.read(WorkerOffsetsFeed.key("c1", partition), WorkerOffsetsFeed.value("{\"position\":25}"));
            assertEquals("c1", flushed, "a commit after the pause is a change");
            watcherLooks(reconciler, 50);
            assertEquals("{\"offsets\":[{\"partition\":" + partition + ",\"offset\":{\"position\":25}}]}",
                    reports.get(reports.size() - 1).getOffsets(), reports.toString());
            now.addAndGet(10_000);
            reconciler.reconcile();
            Thread.sleep(1_000); // the details thread's window: it has nothing to read
            assertEquals(3, reports.size(), "the first report, the pause and the commit after it: " + reports);
            Map<String, Long> requests = worker.requests().snapshot();
            assertEquals(null, requests.get("GET /connectors/{name}/offsets"), requests.toString());
            assertEquals(null, requests.get("GET /connectors/{name}/topics"), requests.toString());
            assertEquals(1L, requests.get("PUT /connectors/{name}/pause"), requests.toString());
        } finally {
            reconciler.close();
        }
    }

    /**
     * Where the worker's config and status topics are read, a full pass lists the connectors from
     * them, asking the worker only every {@link WorkerView#ASK_EVERY}th pass; a connector the
     * worker has and nobody wants shows there, and is deleted.
     */
    @Test
    void fullPassesReadTheWorkersTopicsAndAskTheWorkerOnlyNowAndThen() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        WorkerConfigFeed configs = WorkerConfigFeed.detached();
        byte[] config = "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"topic\":\"t\"}}".getBytes(StandardCharsets.UTF_8);
        configs.read(WorkerConfigFeed.CONNECTOR_PREFIX + "c1", config);
        reconciler.readTaskConfigsFrom(configs);
        try {
            long asked = worker.requests().snapshot().getOrDefault("GET /connectors", 0L);
            for (int pass = 1; pass < WorkerView.ASK_EVERY; pass++) {
                now.addAndGet(10_000);
                reconciler.reconcile();
            }
            assertEquals(asked, worker.requests().snapshot().getOrDefault("GET /connectors", 0L), "no pass asked the worker");
            now.addAndGet(10_000);
            reconciler.reconcile();
            assertEquals(asked + 1, worker.requests().snapshot().getOrDefault("GET /connectors", 0L), "this one did");
            // The topics show what the worker shows: nothing but the periodic read of its topics and offsets.
            Assertions.assertTrue(reports.stream().allMatch(report -> "RUNNING".equals(report.getState())), reports.toString());
            configs.read(WorkerConfigFeed.CONNECTOR_PREFIX + "stray", config);
            now.addAndGet(10_000);
            reconciler.reconcile();
            assertEquals(asked + 1, worker.requests().snapshot().getOrDefault("GET /connectors", 0L));
            assertEquals(1L, worker.requests().snapshot().get("DELETE /connectors/{name}"), "the stray the topic shows is deleted");
        } finally {
            reconciler.close();
        }
    }

    /** The worker's request counts once they stayed the same for half a second (the details thread may still be reading). */
    private Map<String, Long> settledRequests() throws InterruptedException {
        Map<String, Long> last = worker.requests().snapshot();
        for (long deadline = System.nanoTime() + 10_000_000_000L; System.nanoTime() < deadline; ) {
            Thread.sleep(500); // a window in which nothing is read: what "settled" means here
            Map<String, Long> now = worker.requests().snapshot();
            if (now.equals(last) && now.get("GET /connectors/{name}/offsets") != null) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the worker's requests never settled: " + last);
    }

    /**
     * A stop makes the active topics and offsets worth reading, however the stop is first seen:
     * here by a full pass (the status topic showed nothing yet), which reads them itself. The
     * wait a connector's first sighting sets on the periodic read does not hold back this one.
     */
    @Test
    void aStopFirstSeenByAFullPassHasItsTopicsAndOffsetsRead() throws Exception {
        Reconciler reconciler = reconcilerOfARunningConnector();
        try {
            desired = state(TargetState.STOPPED, 3);
            connectorState = "STOPPED";
            now.addAndGet(10_000);
            reconciler.reconcile();
            ConnectorObservation last = reports.get(reports.size() - 1);
            assertEquals("STOPPED", last.getState(), reports.toString());
            Assertions.assertNotNull(last.getDetailsObservedAt(), "the stop's report carries the topics and offsets read: " + last);
            assertEquals(List.of("t"), last.getActiveTopics());
        } finally {
            reconciler.close();
        }
    }

    /**
     * A replica that takes a cluster over from one stopped mid-move first sees the moving connector
     * stopped: the move waits on its offsets (the target is created with them), so its first pass
     * reads them rather than leaving them to the periodic read five minutes later. A connector
     * stopped and not moving is first seen without a read, as before.
     */
    @Test
    void aMovingConnectorFirstSeenStoppedHasItsOffsetsReadAtOnce() {
        connectorState = "STOPPED";
        taskState = "STOPPED";
        desired = state(TargetState.STOPPED, 3);
        Reconciler still = new Reconciler("default", worker, DesiredConnectors.byName(() -> List.of(desired), name -> Optional.of(desired)),
                UnaryOperator.identity(), Reconciler.Reports.to(reports::add), clock);
        try {
            still.reconcile();
            assertEquals(null, reports.get(reports.size() - 1).getDetailsObservedAt(), "a stopped connector, not moving: " + reports);
        } finally {
            still.close();
        }
        desired = ConnectorState.newBuilder().setCluster("default").setName("c1").setConfig(CONFIG).setTargetState(TargetState.STOPPED)
                .setVersion(3).setCreatedAt(1).setUpdatedAt(1).setLastCommandId("cmd-3").setMove(io.switchboard.schemas.MoveStep.newBuilder()
                .setMoveId("move-1").setStep("start").setFrom("default").setTo("east").setTargetState(TargetState.RUNNING).build()).build();
        Reconciler takingOver = new Reconciler("default", worker, DesiredConnectors.byName(() -> List.of(desired), name -> Optional.of(desired)),
                UnaryOperator.identity(), Reconciler.Reports.to(reports::add), clock);
        try {
            takingOver.reconcile();
            ConnectorObservation first = reports.get(reports.size() - 1);
            Assertions.assertNotNull(first.getDetailsObservedAt(), "the moving connector's offsets, read on the first pass: " + first);
            assertEquals("{\"offsets\":[]}", first.getOffsets());
        } finally {
            takingOver.close();
        }
    }

    @Test
    void whatMakesOffsetsAndTopicsWorthReadingAgain() {
        ConnectorObservation running = observation("RUNNING", 0);
        // A pause is read (its history entry keeps the offsets); a resume is not.
        String paused = ReconcileReporter.detailsShape(observation("PAUSED", 0));
        Assertions.assertNotEquals(ReconcileReporter.detailsShape(running), paused);
        Assertions.assertTrue(ReconcileReporter.resumedOnly(paused, ReconcileReporter.detailsShape(running)));
        Assertions.assertFalse(ReconcileReporter.resumedOnly(ReconcileReporter.detailsShape(running), paused));
        assertEquals(ReconcileReporter.detailsShape(running), ReconcileReporter.detailsShape(observation("FAILED", 0)));
        Assertions.assertNotEquals(ReconcileReporter.detailsShape(running),
                ReconcileReporter.detailsShape(observation("STOPPED", 0)));
        // A task starting (as after every create) is no reason to read them: their routes ask the worker.
        assertEquals(ReconcileReporter.detailsShape(running), ReconcileReporter.detailsShape(observation("RUNNING", 2)));
        ConnectorObservation reset = ConnectorObservation.newBuilder(observation("STOPPED", 0))
                .setOffsetsApplied(OffsetsResult.newBuilder().setId("cmd-9").setCode(200).setMessage("reset").build()).build();
        Assertions.assertNotEquals(ReconcileReporter.detailsShape(observation("STOPPED", 0)),
                ReconcileReporter.detailsShape(reset));
    }

    private static ConnectorObservation observation(String state, int tasks) {
        List<TaskObservation> taskList = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            taskList.add(new TaskObservation(i, state, "w:8083", null, null));
        }
        return ConnectorObservation.newBuilder().setCluster("default").setConnector("c1").setObservedAt(1).setState(state)
                .setTasks(taskList).build();
    }
}
