package io.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations of the benchmark, the same for every target: FileStreamSource connectors, each
 * reading a file of its own (one line) into the target's data topic, so that they really run.
 */
final class Workload {
    private static final long POLL_MILLIS = 250;

    private final TargetClient client;
    private final String statusUrl;
    private final String workerUrl;
    private final Path files;
    private final String topic;
    private final Duration runningTimeout;
    private final Duration grace;

    Workload(TargetClient client, String statusUrl, String workerUrl, Path files, String topic, Duration runningTimeout,
             Duration grace) {
        this.client = client;
        this.statusUrl = statusUrl;
        this.workerUrl = workerUrl;
        this.files = files;
        this.topic = topic;
        this.runningTimeout = runningTimeout;
        this.grace = grace;
    }

    private Map<String, String> config(String name, String batchSize) {
        Path file = files.resolve(name + ".txt");
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, "a line from " + name + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("tasks.max", "1");
        config.put("file", file.toString());
        config.put("topic", topic);
        config.put("batch.size", batchSize);
        return config;
    }

    /** {@code POST /connectors} for each name. */
    Phase create(List<String> names, int concurrency) throws Exception {
        Phase phase = new Phase("create", concurrency, names.size());
        String[] bodies = new String[names.size()];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = TargetClient.json(Map.of("name", names.get(i), "config", config(names.get(i), "2000")));
        }
        TargetClient.run(phase, i -> {
            client.operation(phase, i, "POST", "/connectors", bodies[i]);
            return null;
        });
        return phase;
    }

    /** {@code GET /connectors/{name}/status}, {@code count} times over the names. */
    Phase statusReads(List<String> names, int count, int concurrency) throws Exception {
        Phase phase = new Phase("status read", concurrency, count);
        TargetClient.run(phase, i -> {
            client.operation(phase, i, "GET", "/connectors/" + names.get((int) ((i * 7919L) % names.size())) + "/status", null);
            return null;
        });
        return phase;
    }

    /** {@code GET /connectors?expand=status&expand=info}, one at a time. */
    Phase list(int samples) throws Exception {
        Phase phase = new Phase("list", 1, samples);
        TargetClient.run(phase, i -> {
            client.operation(phase, i, "GET", "/connectors?expand=status&expand=info", null);
            return null;
        });
        return phase;
    }

    /** {@code PUT /connectors/{name}/config} with a changed {@code batch.size}. */
    Phase updateConfigs(List<String> names, int concurrency) throws Exception {
        Phase phase = new Phase("config update", concurrency, names.size());
        TargetClient.run(phase, i -> {
            client.operation(phase, i, "PUT", "/connectors/" + names.get(i) + "/config",
                    TargetClient.json(config(names.get(i), "1000")));
            return null;
        });
        return phase;
    }

    /** {@code PUT /connectors/{name}/pause} or {@code /resume}. */
    Phase targetState(List<String> names, String verb, int concurrency) throws Exception {
        Phase phase = new Phase(verb, concurrency, names.size());
        TargetClient.run(phase, i -> {
            client.operation(phase, i, "PUT", "/connectors/" + names.get(i) + "/" + verb, null);
            return null;
        });
        return phase;
    }

    /** {@code DELETE /connectors/{name}}. */
    Phase delete(List<String> names, int concurrency) throws Exception {
        Phase phase = new Phase("delete", concurrency, names.size());
        TargetClient.run(phase, i -> {
            client.operation(phase, i, "DELETE", "/connectors/" + names.get(i), null);
            return null;
        });
        return phase;
    }

    /**
     * Polls until every named connector and its tasks are RUNNING, both as the target reports it
     * and as the worker itself reports it (for Kafka Connect direct they are the same).
     * Times run from {@code firstSent} (the phase's first request) and from {@code lastAnswered}.
     * Gives up after the running timeout, or once the worker has shown them all RUNNING for the
     * grace period without the target saying so.
     */
    Map<String, Object> awaitRunning(List<String> names, long firstSent, long lastAnswered) {
        long deadline = System.nanoTime() + runningTimeout.toNanos();
        long seenOnTarget = 0;
        long seenOnWorker = statusUrl.equals(workerUrl) ? -1 : 0;
        int lastTarget = 0;
        boolean gaveUp = false;
        while (System.nanoTime() < deadline && (seenOnTarget == 0 || seenOnWorker == 0)) {
            if (seenOnWorker > 0 && seenOnTarget == 0 && System.nanoTime() - seenOnWorker > grace.toNanos()) {
                gaveUp = true;
                break;
            }
            if (seenOnTarget == 0) {
                lastTarget = client.running(statusUrl, names);
                if (lastTarget == names.size()) {
                    seenOnTarget = System.nanoTime();
                }
            }
            if (seenOnWorker == 0 && client.running(workerUrl, names) == names.size()) {
                seenOnWorker = System.nanoTime();
            }
            if (seenOnTarget == 0 || seenOnWorker == 0) {
                TargetClient.sleep(POLL_MILLIS);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connectors", names.size());
        out.put("all_running", seenOnTarget != 0);
        if (seenOnTarget != 0) {
            out.put("seconds_from_first_request", Latencies.round((seenOnTarget - firstSent) / 1e9));
            out.put("seconds_from_last_answer", Latencies.round((seenOnTarget - lastAnswered) / 1e9));
        } else {
            out.put("running_reported_by_target", lastTarget);
            out.put("gave_up_after_seconds", Latencies.round((System.nanoTime() - firstSent) / 1e9));
            out.put("gave_up_because", gaveUp
                    ? "the worker showed all RUNNING " + grace.toSeconds() + " s earlier but the target did not"
                    : "running timeout (" + runningTimeout.toSeconds() + " s)");
        }
        if (seenOnWorker > 0) {
            out.put("seconds_until_running_on_worker", Latencies.round((seenOnWorker - firstSent) / 1e9));
        }
        return out;
    }

    /**
     * Waits until neither the target nor its worker lists a connector (or the worker has listed
     * none for the grace period, or the running timeout passes).
     */
    void awaitGone() {
        long deadline = System.nanoTime() + runningTimeout.toNanos();
        long workerEmpty = 0;
        while (System.nanoTime() < deadline) {
            boolean workerDone = client.count(workerUrl) == 0;
            if (workerDone && client.count(statusUrl) == 0) {
                return;
            }
            if (!workerDone) {
                workerEmpty = 0;
            } else if (workerEmpty == 0) {
                workerEmpty = System.nanoTime();
            } else if (System.nanoTime() - workerEmpty > grace.toNanos()) {
                CompareBenchmark.log("the worker lists no connector but the target still does (or cannot list)");
                return;
            }
            TargetClient.sleep(POLL_MILLIS);
        }
        CompareBenchmark.log("connectors still listed after " + runningTimeout.toSeconds() + " s");
    }
}
