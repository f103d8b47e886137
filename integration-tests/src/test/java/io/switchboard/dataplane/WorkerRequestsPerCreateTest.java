package io.switchboard.dataplane;

import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.TestReplicas;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.switchboard.dataplane.Probe.call;
import static io.switchboard.dataplane.Probe.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a create asks of the worker behind Switchboard, counted by the replica per kind of request
 * (its {@code switchboard_worker_requests_total} series) from before N creates until every
 * connector runs with its task shown and the worker has been left alone for a while: a create
 * validates and creates, as a direct client's does. The task configs (a status shows a task only
 * with its config) come from the worker's config topic, as its statuses come from its status
 * topic. Active topics and offsets are not read after a create: their routes ask the worker when
 * someone reads them. The full pass's list ({@code GET /connectors}) is one request
 * per pass whatever the number of connectors, so it is left out of the per-create figure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerRequestsPerCreateTest {
    private static final int CREATES = 8;
    private static final Pattern SERIES = Pattern.compile("^switchboard_worker_requests_total\\{.*request=\"([^\"]*)\".*\\}\\s+(\\S+)$");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Path dir;
    private SecuredKafka kafka;
    private SwitchboardApp app;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-requests-per-create");
        kafka = SecuredKafka.start(dir.resolve("broker"));
        app = SwitchboardApp.start(kafka.replica(OptionsBuilder.defaults().fileConnectorsDir(TestReplicas.FILES).port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve("replica")).build()));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aCreateAsksTheWorkerToValidateAndCreateOnly() throws Exception {
        eventually("the worker answering", () -> call(app.url(), "GET", "/connectors", null).status(), s -> s == 200);
        Map<String, Long> before = requests();
        for (int i = 0; i < CREATES; i++) {
            Path input = Files.writeString(TestReplicas.FILES.resolve("per-create-in-" + i + ".txt"), "one\n");
            String body = "{\"name\":\"per-create-" + i + "\",\"config\":{\"connector.class\":\"FileStreamSource\",\"tasks.max\":\"1\","
                    + "\"file\":\"" + input + "\",\"topic\":\"per-create-" + i + "\"}}";
            assertEquals(201, call(app.url(), "POST", "/connectors", body).status());
        }
        eventually("every connector RUNNING with its task shown", () -> call(app.url(), "GET", "/connectors?expand=status", null).json(),
                this::allRunning);
        // What is read after a create is read within seconds of it (the details reader waits out the
        // worker's busy second): the counts stop changing, and are taken once they held still for 6 s.
        AtomicReference<Map<String, Long>> seen = new AtomicReference<>(requests());
        AtomicLong quietSince = new AtomicLong(System.nanoTime());
        Map<String, Long> after = Await.atMost(Duration.ofSeconds(60)).until("the counts to hold still for 6 s", () -> {
            Map<String, Long> now = requests();
            if (!withoutList(now).equals(withoutList(seen.getAndSet(now)))) {
                quietSince.set(System.nanoTime());
            }
            return now;
        }, now -> System.nanoTime() - quietSince.get() >= 6_000_000_000L);
        Map<String, Long> perKind = new TreeMap<>();
        after.forEach((kind, count) -> {
            long made = count - before.getOrDefault(kind, 0L);
            if (made > 0) {
                perKind.put(kind, made);
            }
        });
        long listReads = perKind.getOrDefault("GET /connectors", 0L);
        Map<String, Long> perCreate = withoutList(perKind);
        long total = perCreate.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("worker requests for %d creates: %s; per create %.2f; full-pass lists %d%n",
                CREATES, perCreate, total / (double) CREATES, listReads);
        // Task configs come from the worker's config topic as the worker commits them: a create asks
        // the worker what a direct client's create does, and nothing more.
        assertEquals(Set.of("PUT /connector-plugins/{plugin}/config/validate", "POST /connectors"),
                perCreate.keySet(), perCreate.toString());
        assertEquals((long) CREATES, perCreate.get("PUT /connector-plugins/{plugin}/config/validate").longValue(), perCreate.toString());
        assertEquals((long) CREATES, perCreate.get("POST /connectors").longValue(), perCreate.toString());
    }

    private boolean allRunning(JsonNode all) {
        for (int i = 0; i < CREATES; i++) {
            JsonNode status = all.path("per-create-" + i).path("status");
            if (!"RUNNING".equals(status.path("connector").path("state").asText()) || status.path("tasks").size() != 1
                    || !"RUNNING".equals(status.path("tasks").get(0).path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Long> withoutList(Map<String, Long> counts) {
        Map<String, Long> out = new TreeMap<>(counts);
        out.remove("GET /connectors");
        return out;
    }

    /** The replica's count of each kind of request it made of its worker. */
    private Map<String, Long> requests() throws Exception {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(app.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Long> counts = new TreeMap<>();
        for (String line : metrics.split("\n")) {
            Matcher m = SERIES.matcher(line.trim());
            if (m.matches()) {
                counts.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
            }
        }
        return counts;
    }
}
