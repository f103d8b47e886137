package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Replicas a test JVM's classes share, each started on first use: one with the default options
 * ({@link #plain()}) and one with an embedded worker ({@link #withWorker()}, for the pipeline classes
 * among others): a start (the processor's rebalance, the worker joining its group) and a close (the
 * worker stopping its tasks) per JVM rather than per class. Each class is handed one clean: the
 * pipelines, connectors and policies a class before left are deleted, and it is handed over only
 * once the API lists none. A class on one works under names of its own (a connector's history
 * outlives its delete). Its {@link SwitchboardFixture#close} does nothing; the JVM's exit ends it.
 * A class that restarts, pauses with standbys, or tunes the replica otherwise (security, other
 * options) starts its own.
 */
final class SharedReplica {
    private static final Duration EMPTY_WITHIN = Duration.ofSeconds(90);
    private static SwitchboardFixture plain;
    private static SwitchboardFixture withWorker;

    private SharedReplica() {
    }

    /** The JVM's replica with the test's default options (no worker), with no connector and no policy. */
    static synchronized SwitchboardFixture plain() {
        if (plain == null) {
            plain = keptUntilExit(new SwitchboardFixture());
        } else {
            clear(plain);
        }
        return plain;
    }

    /** The JVM's replica with an embedded worker, started on first use, with no pipeline and no connector. */
    static synchronized SwitchboardFixture withWorker() {
        if (withWorker == null) {
            withWorker = keptUntilExit(new SwitchboardFixture(options -> options.embeddedWorker(true)));
        } else {
            clear(withWorker);
        }
        return withWorker;
    }

    private static SwitchboardFixture keptUntilExit(SwitchboardFixture started) {
        started.keptUntilExit = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> SwitchboardFixture.deleteQuietly(started.dir), "shared-replica-dir"));
        return started;
    }

    /** Deletes every pipeline (with its slot), every other connector and every policy stored, and waits until none is listed. */
    private static void clear(SwitchboardFixture fx) {
        for (JsonNode policy : fx.call("GET", "/policies", null).json()) {
            if (!policy.path("read_only").asBoolean()) {
                fx.call("DELETE", "/policies/" + policy.path("name").asText(), null);
            }
        }
        for (String id : pipelines(fx)) {
            fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}");
        }
        for (String name : connectors(fx)) {
            fx.call("DELETE", "/connectors/" + name, null);
        }
        Await.atMost(EMPTY_WITHIN).until("no pipeline and no connector left by the class before",
                () -> pipelines(fx).size() + connectors(fx).size(), left -> left == 0);
    }

    private static List<String> pipelines(SwitchboardFixture fx) {
        List<String> ids = new ArrayList<>();
        fx.call("GET", "/api/v1/connectors", null).json().path("connectors")
                .forEach(pipeline -> ids.add(pipeline.path("connector").path("id").asText()));
        return ids;
    }

    private static List<String> connectors(SwitchboardFixture fx) {
        List<String> names = new ArrayList<>();
        JsonNode listed = fx.call("GET", "/connectors", null).json();
        listed.forEach(name -> names.add(name.asText()));
        return names;
    }
}
