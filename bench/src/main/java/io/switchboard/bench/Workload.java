package io.switchboard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operations of the benchmark, the same for every target: FileStreamSource connectors, each
 * reading a file of its own (one line) into the target's data topic, so that they really run.
 */
final class Workload {
    private static final long POLL_MILLIS = 250;
    /** The config change of the update round: a connector runs it once its config has this. */
    static final Map.Entry<String, String> UPDATED_CONFIG = Map.entry("batch.size", "1000");
    /**
     * How often the worker behind a Switchboard target is polled for the bracketed figure: the
     * target is polled every {@link #POLL_MILLIS}, and polling the worker as often would load it
     * twice as much as the worker driven directly is loaded by the same measurement.
     */
    private static final long WORKER_POLL_NANOS = 1_000_000_000L;

    private final TargetClient client;
    private final String statusUrl;
    private final String workerUrl;
    private final Path files;
    private final String topic;
    private final Duration runningTimeout;
    private final Duration grace;
    private final Duration stall;

    Workload(TargetClient client, String statusUrl, String workerUrl, Path files, String topic, Duration runningTimeout,
             Duration grace, Duration stall) {
        this.client = client;
        this.statusUrl = statusUrl;
        this.workerUrl = workerUrl;
        this.files = files;
        this.topic = topic;
        this.runningTimeout = runningTimeout;
        this.grace = grace;
        this.stall = stall;
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
                    TargetClient.json(config(names.get(i), UPDATED_CONFIG.getValue())));
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

    /**
     * {@code rounds} times, every connector paused and then every connector resumed, each round
     * right after the one before, as a client would. The first round's answers are phases
     * {@code pause} and {@code resume} (a burst: much of the work it starts behind the answers is
     * done after the round); all rounds' answers pooled are {@code pause, R rounds} and
     * {@code resume, R rounds} (sustained: that work competes with the answers, and the p99 rests
     * on R times as many answers).
     */
    Map<String, Phase> pauseAndResume(List<String> names, int concurrency, int rounds) throws Exception {
        Map<String, List<Phase>> byVerb = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (String verb : List.of("pause", "resume")) {
                byVerb.computeIfAbsent(verb, v -> new ArrayList<>()).add(targetState(names, verb, concurrency));
            }
        }
        Map<String, Phase> phases = new LinkedHashMap<>();
        byVerb.forEach((verb, all) -> phases.put(verb, all.get(0)));
        if (rounds > 1) {
            byVerb.forEach((verb, all) -> {
                String name = verb + ", " + rounds + " rounds";
                phases.put(name, Phase.pooled(name, all));
            });
        }
        return phases;
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
     * Gives up after the running timeout, once the worker has shown them all RUNNING for the
     * grace period without the target saying so, or when no more connectors have become RUNNING
     * (on the target or the worker) for the stall period.
     */
    Map<String, Object> awaitRunning(List<String> names, long firstSent, long lastAnswered) {
        return awaitRunning(names, firstSent, lastAnswered, null);
    }

    /**
     * With {@code expected} (a config key and value), a connector counts only once its config has
     * that value as well, and the round ends only when both the target and the worker show it:
     * after a config change, a target may well show RUNNING before its worker runs the new config.
     */
    Map<String, Object> awaitRunning(List<String> names, long firstSent, long lastAnswered, Map.Entry<String, String> expected) {
        return awaitState(names, "RUNNING", firstSent, lastAnswered, expected);
    }

    /** Like {@link #awaitRunning(List, long, long)}, for connectors and tasks to reach {@code state} (PAUSED, say). */
    Map<String, Object> awaitState(List<String> names, String state, long firstSent, long lastAnswered) {
        return awaitState(names, state, firstSent, lastAnswered, null);
    }

    private Map<String, Object> awaitState(List<String> names, String state, long firstSent, long lastAnswered,
                                           Map.Entry<String, String> expected) {
        long deadline = System.nanoTime() + runningTimeout.toNanos();
        long seenOnTarget = 0;
        long seenOnWorker = statusUrl.equals(workerUrl) ? -1 : 0;
        int lastTarget = 0;
        int best = 0;
        int bestOnWorker = 0;
        long progressed = System.nanoTime();
        String gaveUp = null;
        long lastProgressLog = 0;
        long workerPolled = 0;
        int lastWorker = 0;
        int lastListedOnWorker = -1;
        while (System.nanoTime() < deadline && (seenOnTarget == 0 || seenOnWorker == 0)) {
            if (seenOnWorker > 0 && seenOnTarget == 0 && System.nanoTime() - seenOnWorker > grace.toNanos()) {
                gaveUp = "the worker showed all " + state + " " + grace.toSeconds() + " s earlier but the target did not";
                break;
            }
            if (System.nanoTime() - progressed > stall.toNanos()) {
                gaveUp = "no more connectors " + state + " for " + stall.toSeconds() + " s";
                break;
            }
            int onWorker = 0;
            int listedOnWorker = -1;
            if (seenOnTarget == 0) {
                lastTarget = client.inState(statusUrl, names, state, expected);
                if (lastTarget == names.size()) {
                    seenOnTarget = System.nanoTime();
                }
            }
            if (seenOnWorker == 0 && (seenOnTarget != 0 || System.nanoTime() - workerPolled >= WORKER_POLL_NANOS)) {
                workerPolled = System.nanoTime();
                onWorker = client.inState(workerUrl, names, state, expected);
                listedOnWorker = client.lastListed;
                lastWorker = onWorker;
                lastListedOnWorker = listedOnWorker;
                if (onWorker == names.size()) {
                    seenOnWorker = System.nanoTime();
                }
            }
            if (System.nanoTime() - lastProgressLog > 1_000_000_000L) {
                lastProgressLog = System.nanoTime();
                CompareBenchmark.log(String.format("  %.1f s: %s on target %d, on worker %d (listed there %d) of %d",
                        (lastProgressLog - firstSent) / 1e9, state, lastTarget, lastWorker, lastListedOnWorker, names.size()));
            }
            if (lastTarget > best || onWorker > bestOnWorker) {
                best = Math.max(best, lastTarget);
                bestOnWorker = Math.max(bestOnWorker, onWorker);
                progressed = System.nanoTime();
            }
            if (seenOnTarget == 0 || seenOnWorker == 0) {
                TargetClient.sleep(POLL_MILLIS);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connectors", names.size());
        out.put("reached", seenOnTarget != 0);
        if (expected != null && seenOnTarget != 0 && seenOnWorker <= 0 && seenOnWorker != -1) {
            seenOnTarget = 0;
            gaveUp = gaveUp != null ? gaveUp : "the worker never showed the new config " + state;
        }
        long seen = expected != null && seenOnWorker > 0 ? Math.max(seenOnTarget, seenOnWorker) : seenOnTarget;
        if (seenOnTarget != 0) {
            out.put("seconds_from_first_request", Latencies.round((seen - firstSent) / 1e9));
            out.put("seconds_from_last_answer", Latencies.round((seen - lastAnswered) / 1e9));
        } else {
            out.put(state.equals("RUNNING") ? "running_on_target" : state.toLowerCase(Locale.ROOT) + "_on_target", lastTarget);
            out.put("gave_up_after_seconds", Latencies.round((System.nanoTime() - firstSent) / 1e9));
            out.put("gave_up_because", gaveUp != null ? gaveUp : "running timeout (" + runningTimeout.toSeconds() + " s)");
        }
        if (seenOnWorker > 0) {
            out.put("seconds_until_on_worker", Latencies.round((seenOnWorker - firstSent) / 1e9));
        }
        return out;
    }

    /**
     * Polls until neither the target nor its worker lists a connector; times run from
     * {@code firstSent} (the delete phase's first request). Gives up once the worker has listed none
     * for the grace period while the target still lists some (or cannot list), when the worker's
     * count has not gone down for the stall period, or after the running timeout.
     */
    Map<String, Object> awaitGone(int connectors, long firstSent) {
        long deadline = System.nanoTime() + runningTimeout.toNanos();
        long goneOnWorker = 0;
        long goneOnTarget = 0;
        int fewest = Integer.MAX_VALUE;
        long progressed = System.nanoTime();
        String gaveUp = null;
        int onTarget = -1;
        while (System.nanoTime() < deadline) {
            int onWorker = client.count(workerUrl);
            if (onWorker == 0 && goneOnWorker == 0) {
                goneOnWorker = System.nanoTime();
            }
            onTarget = statusUrl.equals(workerUrl) ? onWorker : client.count(statusUrl);
            if (onTarget == 0 && goneOnTarget == 0) {
                goneOnTarget = System.nanoTime();
            }
            if (goneOnWorker != 0 && goneOnTarget != 0) {
                break;
            }
            if (onWorker >= 0 && onWorker < fewest) {
                fewest = onWorker;
                progressed = System.nanoTime();
            }
            if (goneOnWorker != 0 && System.nanoTime() - goneOnWorker > grace.toNanos()) {
                gaveUp = "the worker listed none " + grace.toSeconds() + " s earlier but the target still listed " + onTarget;
                break;
            }
            if (goneOnWorker == 0 && System.nanoTime() - progressed > stall.toNanos()) {
                gaveUp = "the worker still listed " + onWorker + " after " + stall.toSeconds() + " s without progress";
                break;
            }
            TargetClient.sleep(POLL_MILLIS);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connectors", connectors);
        boolean reached = goneOnWorker != 0 && goneOnTarget != 0;
        out.put("reached", reached);
        if (reached) {
            out.put("seconds_from_first_request", Latencies.round((Math.max(goneOnWorker, goneOnTarget) - firstSent) / 1e9));
        } else {
            out.put("left_on_target", onTarget);
            out.put("gave_up_after_seconds", Latencies.round((System.nanoTime() - firstSent) / 1e9));
            out.put("gave_up_because", gaveUp != null ? gaveUp : "running timeout (" + runningTimeout.toSeconds() + " s)");
            CompareBenchmark.log("gave up waiting for deletes: " + out.get("gave_up_because"));
        }
        if (goneOnWorker != 0 && !statusUrl.equals(workerUrl)) {
            out.put("seconds_until_on_worker", Latencies.round((goneOnWorker - firstSent) / 1e9));
        }
        return out;
    }
}
