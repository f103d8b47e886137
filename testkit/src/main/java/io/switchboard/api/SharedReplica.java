package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One replica with its embedded worker per test JVM, for the pipeline classes whose replica is the
 * default's with a worker: a start (the processor's rebalance, the worker joining its group) and a
 * close (the worker stopping its tasks) per JVM rather than per class. Each class is handed it
 * clean: the pipelines, connectors and policies a class before left are deleted, and it is handed
 * over only once the API lists none. Its {@link SwitchboardFixture#close} does nothing; the JVM's exit ends it.
 * A class that tunes the replica otherwise (security, other options) starts its own.
 */
final class SharedReplica {
    private static final Duration EMPTY_WITHIN = Duration.ofSeconds(90);
    private static SwitchboardFixture replica;

    private SharedReplica() {
    }

    /** The JVM's replica with an embedded worker, started on first use, with no pipeline and no connector. */
    static synchronized SwitchboardFixture withWorker() {
        if (replica == null) {
            SwitchboardFixture started = new SwitchboardFixture(options -> options.embeddedWorker(true));
            started.keptUntilExit = true;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> SwitchboardFixture.deleteQuietly(started.dir), "shared-replica-dir"));
            replica = started;
        } else {
            clear(replica);
        }
        return replica;
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
