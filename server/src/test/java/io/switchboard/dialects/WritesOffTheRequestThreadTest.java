package io.switchboard.dialects;

import io.switchboard.core.UnitCore;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No write waits on a request thread: Jetty runs with 8 threads in all while the worker's
 * validation hangs, twelve creates come in, and other requests are still answered; the creates the
 * bounded pre-flight cannot hold are refused at once with a 503 in the dialect's error shape.
 */
class WritesOffTheRequestThreadTest {
    private static final String CONFIG = "{\"connector.class\":\"org.example.Sink\",\"topics\":\"orders\"}";
    private final UnitCore core = new UnitCore(2, 4);
    private final UnitServer server = new UnitServer(core, 8);

    @AfterEach
    void stop() {
        core.worker.release();
        server.close();
    }

    @Test
    void otherRequestsAreAnsweredWhileAWorkersValidationHangs() throws Exception {
        core.worker.hang();
        List<CompletableFuture<HttpResponse<String>>> creates = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            creates.add(server.send("POST", "/connectors", "{\"name\":\"c" + i + "\",\"config\":" + CONFIG + "}"));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (core.worker.validating() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(2, core.worker.validating(), "two validations hang on the worker");

        HttpResponse<String> list = server.send("GET", "/connectors", null).get(10, TimeUnit.SECONDS);
        assertEquals(200, list.statusCode(), "a read is answered while creates wait on the worker");
        HttpResponse<String> confluentFull = server.send("POST", "/connect/v1/environments/env-default/clusters/unit-kafka/connectors",
                "{\"name\":\"x\",\"config\":" + CONFIG + "}").get(10, TimeUnit.SECONDS);
        assertEquals(503, confluentFull.statusCode(), confluentFull.body());
        assertTrue(confluentFull.body().startsWith("{\"error\":{\"code\":503,"), confluentFull.body());
        assertEquals("1", confluentFull.headers().firstValue("Retry-After").orElse(null));

        // The client sends the twelve on connections of its own: on a busy machine some reach the
        // server after the reads above. Six are answered while the worker hangs, and no more.
        Await.atMost(Duration.ofSeconds(10)).until("six creates refused", () -> answered(creates), n -> n >= 6);
        Await.holds("two validating and four queued; the rest refused at once", Duration.ofMillis(500),
                () -> answered(creates), n -> n == 6);
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> create : creates) {
            if (create.isDone()) {
                HttpResponse<String> answer = create.get();
                assertEquals(503, answer.statusCode(), answer.body());
                assertTrue(answer.body().startsWith("{\"error_code\":503,\"message\":"), answer.body());
                refused++;
            }
        }
        assertEquals(6, refused, "two validating and four queued; the rest refused at once");
        core.worker.release();
        int created = 0;
        for (CompletableFuture<HttpResponse<String>> create : creates) {
            if (create.get(30, TimeUnit.SECONDS).statusCode() == 201) {
                created++;
            }
        }
        assertEquals(6, created);
    }

    private static long answered(List<CompletableFuture<HttpResponse<String>>> creates) {
        return creates.stream().filter(CompletableFuture::isDone).count();
    }
}
