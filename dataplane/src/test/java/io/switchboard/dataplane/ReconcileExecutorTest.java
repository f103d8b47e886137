package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.dataplane.ReconcileAction.MarkVersionApplied;
import io.switchboard.dataplane.ReconcileAction.PutConfig;
import io.switchboard.dataplane.ReconcileAction.RememberRestart;
import io.switchboard.dataplane.ReconcileAction.Restart;
import io.switchboard.dataplane.ReconcileAction.SetTargetState;
import io.switchboard.dataplane.ReconcileExecutor.Executed;
import io.switchboard.schemas.RestartRequest;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The executor answers what it did as changes for the memory's one writer and changes nothing
 * itself: a call that stops the plan still answers what was done before it, and a failed request
 * carried out once is answered with the rest of the plan. The worker is a plain HTTP server that
 * takes config puts and refuses pauses and restarts; the clock is the test's.
 */
class ReconcileExecutorTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final Map<String, String> CONFIG = Map.of("connector.class", "FileStreamSource", "topic", "t");

    private final ConnectorMemory memory = new ConnectorMemory();
    private FakeWorker server;
    private ConnectClusterClient worker;
    private ReconcileExecutor executor;

    @BeforeEach
    void start() throws IOException {
        server = new FakeWorker(2, this::answer);
        worker = server.client();
        executor = new ReconcileExecutor("default", worker, new SettableClock(new AtomicLong(NOW)), name -> Optional.empty());
    }

    @AfterEach
    void stop() {
        worker.close();
        server.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        if (path.endsWith("/config")) {
            FakeWorker.send(exchange, 200, "{}");
        } else if (path.equals("/connectors/c/offsets") && "GET".equals(exchange.getRequestMethod())) {
            FakeWorker.send(exchange, 200, "{\"offsets\":[]}");
        } else if (path.equals("/connectors/c/offsets")) {
            FakeWorker.send(exchange, offsetsStatus, "{\"error_code\":" + offsetsStatus + ",\"message\":\"" + offsetsMessage + "\"}");
        } else {
            FakeWorker.send(exchange, 409, "{\"error_code\":409,\"message\":\"rebalance in progress\"}");
        }
    }

    @Test
    void aCallThatStopsThePlanStillAnswersWhatWasDoneBeforeIt() {
        Executed done = executor.execute("c", List.of(new PutConfig(CONFIG, "config"), new SetTargetState(TargetState.PAUSED, null),
                new RememberRestart("restart-1")), memory);

        assertNotNull(done.stopped());
        assertEquals(0, done.calls());
        assertEquals(List.of(new MemoryChange.WorkerConfigSeen(CONFIG), new MemoryChange.ConfigPut(List.of(), NOW, "config")),
                done.changes());
        // Answered, not remembered: the memory changes only when the step applies what happened.
        assertNull(memory.workerConfig());
        assertNull(memory.staleTasks());

        done.changes().forEach(memory::apply);
        assertEquals(CONFIG, memory.workerConfig());
        assertEquals(List.of("config"), memory.pendingRepairs());
        assertEquals(List.of(), memory.staleTasks().before());
    }

    private volatile int offsetsStatus = 503;
    private volatile String offsetsMessage = "Service Unavailable";

    /**
     * A 503 to an offsets change (a worker starting, a proxy in front of it) says nothing of the
     * offsets: it is tried again, not answered (an answer would end the request, and a move's target
     * would be undone); a plugin's refusal (a 500 with its message) is the answer.
     */
    @Test
    void anOffsetsChangeAnswered503IsTriedAgainAndAPluginsRefusalIsTheAnswer() {
        io.switchboard.schemas.OffsetsRequest request = io.switchboard.schemas.OffsetsRequest.newBuilder().setId("move:create")
                .setOffsets("{\"offsets\":[]}").build();
        Executed unavailable = executor.execute("c", List.of(new ReconcileAction.ModifyOffsets(request)), memory);
        assertNotNull(unavailable.stopped(), "tried again on the next look");
        assertEquals(List.of(new MemoryChange.OffsetsAsked()), unavailable.changes());

        offsetsStatus = 500;
        offsetsMessage = "the plugin refused the offsets";
        Executed refused = executor.execute("c", List.of(new ReconcileAction.ModifyOffsets(request)), memory);
        MemoryChange.OffsetsAnswered answered = assertInstanceOf(MemoryChange.OffsetsAnswered.class, refused.changes().get(1));
        assertEquals(500, answered.result().getCode());
    }

    @Test
    void aFailedRequestCarriedOutOnceIsAnsweredWithTheRestOfThePlan() {
        RestartRequest restart = new RestartRequest("restart-1", true, false, null);
        Executed done = executor.execute("c", List.of(new Restart(restart), new MarkVersionApplied(3)), memory);

        assertNull(done.stopped());
        assertEquals(0, done.calls());
        assertEquals(1, done.attemptFailures().size());
        assertInstanceOf(RuntimeException.class, done.attemptFailures().get(0));
        assertEquals(List.of(new MemoryChange.VersionApplied(3)), done.changes());
        assertNull(memory.versionApplied());
        assertNull(memory.restartApplied());
    }
}
