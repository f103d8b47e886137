package io.switchboard;

import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.ReplicaProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Switchboard as it runs by default (embedded broker, registry and Kafka Connect worker) in a JVM
 * of its own: {@code /health} says healthy only once every endpoint can answer, and a SIGTERM stops
 * it in dependency order, quickly and without errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StartupAndShutdownTest {
    /** Generous, so that a slow machine does not fail the test; a stop takes a few seconds. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);
    private static final String VALIDATE = "/connector-plugins/FileStreamSource/config/validate";
    private static final String FILE_SOURCE = "{\"connector.class\":\"FileStreamSource\",\"file\":\"/tmp/switchboard-test-files/switchboard-lifecycle-lines.txt\",\"topic\":\"t\"}";

    private Path dir;
    private ReplicaProcess replica;
    /** What /health answered while the replica started, in order. */
    private final List<Http.Response> healthAnswers = new ArrayList<>();
    /** What /connector-plugins answered while /health was not yet 200. */
    private final List<Http.Response> pluginsWhileStarting = new ArrayList<>();
    /** Moments the process said it was alive while it had not finished starting. */
    private int aliveWhileStarting;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("switchboard-lifecycle");
        replica = ReplicaProcess.start("embedded-default", dir.resolve("data"),
                "--kafka-port", "0", "--schema-registry-port", "0", "--file-connectors-dir", io.switchboard.testing.TestReplicas.FILES.toString());
    }

    @AfterAll
    void stop() {
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    @Order(1)
    void healthIsNotOkUntilEveryEndpointCanAnswer() {
        Http.Response plugins = null;
        Http.Response validate = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(replica.isAlive(), () -> "The replica exited:\n" + replica.logTail(60));
            Http.Response health;
            try {
                health = Http.send(replica.url(), "GET", "/health", null, Map.of());
            } catch (IOException notListeningYet) {
                pause(50);
                continue;
            }
            healthAnswers.add(health);
            if (health.status() == 200) {
                // The very moment /health says healthy, what needs the worker must answer too.
                plugins = Http.call(replica.url(), "GET", "/connector-plugins", null);
                validate = Http.call(replica.url(), "PUT", VALIDATE, FILE_SOURCE);
                break;
            }
            assertEquals(503, health.status(), health::toString);
            assertEquals("starting", health.json().path("status").asText(), health::toString);
            // The probes' answers, one meaning each: alive all along; neither started nor ready yet
            // (unless it finished starting between the two calls).
            Http.Response live = Http.call(replica.url(), "GET", "/health/live", null);
            assertEquals(200, live.status(), live::toString);
            Http.Response started = Http.call(replica.url(), "GET", "/health/started", null);
            Http.Response ready = Http.call(replica.url(), "GET", "/health/ready", null);
            if (started.status() == 503) {
                assertEquals("starting", started.json().path("status").asText(), started::toString);
                aliveWhileStarting++;
            }
            if (ready.status() == 503) {
                assertEquals("starting", ready.json().path("status").asText(), ready::toString);
            }
            Http.Response whileStarting = Http.call(replica.url(), "GET", "/connector-plugins", null);
            if (whileStarting.status() == 503) {
                pluginsWhileStarting.add(whileStarting);
            }
            pause(50);
        }
        assertNotNull(plugins, () -> "Never healthy:\n" + replica.logTail(60));
        assertTrue(aliveWhileStarting > 0, "/health/live said alive while /health/started said starting");
        for (String probe : List.of("/health/started", "/health/ready", "/health/live")) {
            Http.Response answer = Http.call(replica.url(), "GET", probe, null);
            assertEquals(200, answer.status(), () -> probe + ": " + answer);
            assertEquals("healthy", answer.json().path("status").asText(), answer::toString);
        }
        assertEquals(200, plugins.status(), plugins::toString);
        assertTrue(plugins.body().contains("FileStreamSourceConnector"), plugins::toString);
        assertEquals(200, validate.status(), validate::toString);
        assertEquals("Worker has completed startup and is ready to handle requests.",
                healthAnswers.get(healthAnswers.size() - 1).json().path("message").asText());
        for (Http.Response starting : pluginsWhileStarting) {
            String message = starting.json().path("message").asText();
            assertTrue(message.contains("starting"), starting::toString);
            assertEquals(503, starting.json().path("error_code").asInt(), starting::toString);
            assertNotNull(starting.header("Retry-After"), starting::toString);
        }
    }

    /**
     * Every step of the start says how long it took, in one line each, and the last says how long
     * the whole start took since the JVM started: a restart's time is accounted for in the log.
     */
    @Test
    @Order(2)
    void theStartIsAccountedForStepByStepInAFixedNumberOfLines() {
        replica.awaitHealthy(Duration.ofSeconds(180));
        List<String> lines = replica.logText().lines().filter(line -> line.contains("start-up: ")).toList();
        Pattern step = Pattern.compile(".*start-up: (.+) took (\\d+) ms \\(ended (\\d+) ms into the start\\)$");
        Pattern ready = Pattern.compile(".*start-up: ready after (\\d+) ms since the JVM started \\(JVM start to main (\\d+) ms,"
                + " main to the replica's start (\\d+) ms, the replica's start (\\d+) ms\\)$");
        Map<String, Long> endedAt = new LinkedHashMap<>();
        for (String line : lines.subList(0, Math.max(0, lines.size() - 1))) {
            Matcher m = step.matcher(line);
            assertTrue(m.matches(), () -> "Not a step's line: " + line);
            assertNull(endedAt.put(m.group(1), Long.parseLong(m.group(3))), () -> "A step timed twice: " + line);
        }
        // Some steps run at once (each waits on Kafka): their lines come in any order, each once.
        assertEquals(new TreeSet<>(List.of("embedded broker", "topics", "keyring", "replica keys", "secret store", "command partitions",
                "schema registry", "decisions consumer", "command processor created", "plugins", "http server",
                "command processor running", "embedded worker", "data plane", "worker principal check")), new TreeSet<>(endedAt.keySet()), () -> String.join("\n", lines));
        Matcher last = ready.matcher(lines.get(lines.size() - 1));
        assertTrue(last.matches(), () -> "The last start-up line does not say when the replica was ready:\n" + String.join("\n", lines));
        long total = Long.parseLong(last.group(1));
        long start = Long.parseLong(last.group(4));
        assertEquals(total, Long.parseLong(last.group(2)) + Long.parseLong(last.group(3)) + start, 2, last.group());
        // The data plane is the last step; nothing of the start is left out of the total.
        assertTrue(endedAt.get("data plane") <= start && start - endedAt.get("data plane") < 1_000, last::group);
        System.out.println(String.join("\n", lines));
    }

    @Test
    @Order(3)
    void sigtermStopsInDependencyOrderWithoutErrors() {
        replica.awaitHealthy(Duration.ofSeconds(180));
        // A running connector, so that the worker has offsets and statuses to write while it stops.
        Http.Response created = Http.call(replica.url(), "POST", "/connectors",
                "{\"name\":\"lines\",\"config\":" + FILE_SOURCE + "}");
        assertEquals(201, created.status(), created::toString);
        try {
            Await.atMost(Duration.ofSeconds(90)).until("the connector's task RUNNING", () -> Http.get(replica.url(),
                    "/connectors/lines/status").json().path("tasks").path(0).path("state").asText(), "RUNNING"::equals);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nThe replica's log:\n" + replica.logTail(60), e);
        }

        Duration took = replica.terminate(STOP_BOUND);

        String log = replica.logText();
        assertNotNull(took, () -> "Still running " + STOP_BOUND + " after SIGTERM:\n" + replica.logTail(80));
        System.out.println("Stopped in " + took.toMillis() + " ms");
        // Kafka's controller reports an event slower than 2 s at ERROR ("Exceptionally slow controller
        // event"): a measure of the machine's load, not an error of starting or stopping.
        List<String> errors = log.lines().filter(line -> line.contains(" ERROR "))
                .filter(line -> !line.contains("EventPerformanceMonitor")).toList();
        assertTrue(errors.isEmpty(), () -> "ERROR lines while stopping:\n" + String.join("\n", errors));
        // The stages, in the order they stopped.
        List<String> stages = log.lines().filter(line -> line.contains("ShutdownOrder - Stopped "))
                .map(line -> line.replaceAll(".*Stopped (\\w+) in.*", "$1")).toList();
        assertEquals(List.of("HTTP", "DATA_PLANE", "WORKER", "PROCESSOR", "REGISTRY", "BROKER"), stages, log);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
