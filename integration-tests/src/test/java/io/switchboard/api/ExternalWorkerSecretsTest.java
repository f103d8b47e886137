package io.switchboard.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Connect cluster whose workers cannot open Switchboard's secrets (an external one, here a worker
 * that records every request it gets): a config holding a secret is refused before any of it is sent
 * to the worker, its validation included. Secret by the key's name, declared PASSWORD by the plugin
 * (learnt from its definitions, which carry no value), shaped like a placeholder, or a named secret's
 * three-part reference: none reaches the worker, through a create, a PUT or a PATCH.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalWorkerSecretsTest {
    private static final String PLUGIN = "com.example.DbSource";
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private HttpServer worker;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws IOException {
        worker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        worker.setExecutor(Executors.newFixedThreadPool(4));
        worker.createContext("/", this::answer);
        worker.start();
        fx = new SwitchboardFixture(options -> options.connectClusters("ext=http://127.0.0.1:" + worker.getAddress().getPort()));
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
        if (worker != null) {
            worker.stop(0);
        }
    }

    /** Kafka Connect's answers, enough for Switchboard to validate with; every request is recorded first. */
    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        received.add(method + " " + exchange.getRequestURI() + " " + body);
        int status = 200;
        String answer;
        if (method.equals("GET") && path.equals("/")) {
            answer = "{\"version\":\"4.3.1\",\"commit\":\"fake\",\"kafka_cluster_id\":\"fake\"}";
        } else if (method.equals("GET") && path.equals("/connector-plugins/" + PLUGIN + "/config")) {
            answer = "[{\"name\":\"login.phrase\",\"type\":\"PASSWORD\",\"required\":false,\"importance\":\"HIGH\"},"
                    + "{\"name\":\"topic\",\"type\":\"STRING\",\"required\":true,\"importance\":\"HIGH\"}]";
        } else if (method.equals("PUT") && path.equals("/connector-plugins/" + PLUGIN + "/config/validate")) {
            answer = "{\"name\":\"" + PLUGIN + "\",\"error_count\":0,\"groups\":[],\"configs\":[]}";
        } else if (method.equals("GET") && path.equals("/connectors")) {
            answer = exchange.getRequestURI().getQuery() == null ? "[]" : "{}";
        } else if (method.equals("GET") && path.equals("/connector-plugins")) {
            answer = "[{\"class\":\"" + PLUGIN + "\",\"type\":\"source\",\"version\":\"1.0\"}]";
        } else {
            status = 404;
            answer = "{\"error_code\":404,\"message\":\"not here\"}";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, Object> config(String key, String value) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", PLUGIN);
        config.put("topic", "t");
        if (key != null) {
            config.put(key, value);
        }
        return config;
    }

    /** Sends until the cluster's worker is attached (503 while it starts). */
    private SwitchboardFixture.Answer send(String method, String path, Object body) {
        return Await.atMost(Duration.ofSeconds(60)).poll(() -> fx.call(method, path, SwitchboardFixture.json(body)),
                answer -> answer.status() != 503);
    }

    private void assertNeverSent(String secret) {
        synchronized (received) {
            for (String request : received) {
                assertFalse(request.contains(secret), "the worker got the secret: " + request);
            }
        }
    }

    @Test
    void noSecretReachesAWorkerThatCannotOpenIt() throws Exception {
        SwitchboardFixture.Answer plain = send("POST", "/clusters/ext/connectors", Map.of("name", "plain", "config", config(null, null)));
        assertEquals(201, plain.status(), plain.body());
        assertTrue(List.copyOf(received).stream().anyMatch(r -> r.startsWith("PUT /connector-plugins/" + PLUGIN + "/config/validate")),
                "a config without secrets is validated by the worker: " + received);

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("db.password", "hunter2-by-name");
        secrets.put("login.phrase", "hunter2-declared-password");
        secrets.put("api.token", "${env:X}hunter2-shaped}");
        secrets.put("file", "/dir/${secretsManager:x:NOPE}");
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            Map<String, Object> config = config(secret.getKey(), secret.getValue());
            SwitchboardFixture.Answer created = send("POST", "/clusters/ext/connectors", Map.of("name", "a2", "config", config));
            assertEquals(400, created.status(), secret.getKey() + ": " + created.body());
            SwitchboardFixture.Answer put = send("PUT", "/clusters/ext/connectors/plain/config", config);
            assertEquals(400, put.status(), secret.getKey() + ": " + put.body());
            SwitchboardFixture.Answer patched = send("PATCH", "/clusters/ext/connectors/plain/config", Map.of(secret.getKey(), secret.getValue()));
            assertEquals(400, patched.status(), secret.getKey() + ": " + patched.body());
            assertNeverSent(secret.getValue().contains("hunter2") ? secret.getValue().substring(secret.getValue().indexOf("hunter2"))
                    : "secretsManager");
        }
        assertTrue(List.copyOf(received).stream().anyMatch(r -> r.startsWith("GET /connector-plugins/" + PLUGIN + "/config")),
                "the plugin's PASSWORD keys were learnt from its definitions: " + received);

        // A placeholder the workers resolve themselves goes as it is.
        SwitchboardFixture.Answer placeholder = send("POST", "/clusters/ext/connectors",
                Map.of("name", "with-placeholder", "config", config("db.password", "${file:/etc/creds.properties:pw}")));
        assertEquals(201, placeholder.status(), placeholder.body());
    }

    @Test
    void aConfigACreateWouldRefuseIsNotValidatedEither() throws Exception {
        SwitchboardFixture.Answer plain = send("POST", "/clusters/ext/connectors", Map.of("name", "plain-v", "config", config(null, null)));
        assertTrue(plain.status() == 201 || plain.status() == 409, plain.body());
        String commands = fx.topics().commands();
        Map<String, Object> config = config("topic", commands);
        SwitchboardFixture.Answer validated = send("PUT", "/clusters/ext/connector-plugins/" + PLUGIN + "/config/validate", config);
        assertEquals(400, validated.status(), validated.body());
        assertEquals(400, validated.json().path("error_code").asInt(), validated.body());
        assertTrue(validated.json().path("message").asText().startsWith("Connector config refused by policy control-plane-topics"),
                validated.body());
        SwitchboardFixture.Answer created = send("POST", "/clusters/ext/connectors", Map.of("name", "v2", "config", config));
        assertEquals(400, created.status(), created.body());
        assertEquals(created.json().path("message").asText(), validated.json().path("message").asText(), "in a create's words");
        assertNeverSent(commands);
    }
}
