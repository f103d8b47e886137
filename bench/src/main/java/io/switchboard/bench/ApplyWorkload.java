package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.switchboard.bench.CompareBenchmark.log;

/**
 * What both sides of the apply benchmark do with the same connectors: their configs, the files a
 * team would keep in Git (one {@code ConnectorSet} and one {@code Connector} document per file, in
 * the format of docs/apply.md), and the bounded wait until every connector and its task are
 * RUNNING on a worker's own REST API.
 */
final class ApplyWorkload {
    static final String CLASS = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    static final String SET = "bench-apply";
    static final String LABEL = "bench-apply";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often the workers' lists are read while waiting: the same for both sides. */
    private static final long POLL_MS = 500;

    private final List<String> names = new ArrayList<>();
    private final Path inputs;

    /** N connectors named {@code apply-0001}..., each reading a one-line file of its own under {@code inputs}. */
    ApplyWorkload(int connectors, Path inputs) throws IOException {
        this.inputs = inputs;
        Files.createDirectories(inputs);
        for (int i = 1; i <= connectors; i++) {
            String name = String.format("apply-%04d", i);
            names.add(name);
            Files.writeString(inputs.resolve(name + ".txt"), "one line\n");
        }
    }

    List<String> names() {
        return names;
    }

    /** The config both sides give connector {@code i}: the same keys a PUT .../config sends and a file's spec declares. */
    Map<String, String> config(int i, String dataTopic) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", CLASS);
        config.put("tasks.max", "1");
        config.put("file", inputs.resolve(names.get(i) + ".txt").toString());
        config.put("topic", dataTopic);
        return config;
    }

    /** The body of {@code PUT /connectors/{name}/config} for connector {@code i}. */
    String putBody(int i, String dataTopic) {
        return TargetClient.json(config(i, dataTopic));
    }

    /**
     * Writes the set and its connectors as files under {@code dir}: {@code 00-set.yaml} (the
     * ConnectorSet scoping them by label) and one {@code apply-NNNN.yaml} per connector.
     */
    void writeFiles(Path dir, String dataTopic) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("00-set.yaml"), """
                apiVersion: switchboard.io/v1
                kind: ConnectorSet
                metadata: {name: %s}
                spec: {cluster: default, selector: {team: %s}}
                """.formatted(SET, LABEL));
        for (int i = 0; i < names.size(); i++) {
            Map<String, String> config = config(i, dataTopic);
            Files.writeString(dir.resolve(names.get(i) + ".yaml"), """
                    apiVersion: switchboard.io/v1
                    kind: Connector
                    metadata: {name: %s, cluster: default, labels: {team: %s}}
                    spec:
                      class: %s
                      tasksMax: 1
                      state: running
                      config: {file: %s, topic: %s}
                    """.formatted(names.get(i), LABEL, CLASS, config.get("file"), config.get("topic")));
        }
    }

    /** When each condition of a wait first held, in seconds from its start; null when it never did. */
    record Converged(Double workerRunningS, Double setConvergedS) {
    }

    /**
     * Polls, every {@value #POLL_MS} ms, the worker's {@code GET /connectors?expand=status} until it
     * shows every connector and its task RUNNING; with {@code switchboardUrl}, also (on a thread of
     * its own, so that a slow answer there does not delay the worker's reads) the set's latest change
     * as Switchboard reports its progress ({@code GET /clusters/default/sets/SET}) until it says
     * {@code converged}. Bounded: fails with the counts it saw when the worker has not shown them all
     * within {@code timeout}, or when a process it depends on has exited; the set's progress is waited
     * for at most {@code grace} after the worker showed them all.
     */
    Converged awaitRunning(TargetClient client, String workerUrl, String switchboardUrl, long began, Duration timeout,
                           Duration grace, List<ChildProcess> alive) throws InterruptedException {
        AtomicReference<Double> set = new AtomicReference<>();
        AtomicReference<String> progress = new AtomicReference<>("not read yet");
        AtomicBoolean stop = new AtomicBoolean();
        Thread setPoller = null;
        if (switchboardUrl != null) {
            setPoller = new Thread(() -> {
                while (!stop.get() && set.get() == null) {
                    String now = setProgress(client, switchboardUrl);
                    progress.set(now);
                    if (now.startsWith("converged")) {
                        set.set((System.nanoTime() - began) / 1e9);
                        return;
                    }
                    TargetClient.sleep(POLL_MS);
                }
            }, "bench-set-progress");
            setPoller.setDaemon(true);
            setPoller.start();
        }
        try {
            long deadline = began + timeout.toNanos();
            long lastLog = 0;
            int running = 0;
            Double worker = null;
            while (worker == null) {
                for (ChildProcess p : alive) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException(p.name() + " exited while waiting for RUNNING; see " + p.log());
                    }
                }
                running = client.running(workerUrl, names);
                if (running == names.size()) {
                    worker = (System.nanoTime() - began) / 1e9;
                    break;
                }
                if (System.nanoTime() - lastLog > 5_000_000_000L) {
                    lastLog = System.nanoTime();
                    log("  " + running + " of " + names.size() + " RUNNING on the worker (listed there: " + client.lastListed + ")"
                            + (switchboardUrl == null ? "" : "; the set's latest change: " + progress.get()));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + running + " of " + names.size() + " connectors RUNNING on " + workerUrl
                            + " after " + timeout.toSeconds() + " s (listed there: " + client.lastListed + ")");
                }
                Thread.sleep(POLL_MS);
            }
            if (setPoller != null) {
                setPoller.join(grace.toMillis());
                if (set.get() == null) {
                    log("  the set's progress still says " + progress.get() + " " + grace.toSeconds()
                            + " s after the worker showed all RUNNING");
                }
            }
            return new Converged(worker, set.get());
        } finally {
            stop.set(true);
        }
    }

    /** The set's latest change's progress as Switchboard reports it, or what it answered instead. */
    private static String setProgress(TargetClient client, String url) {
        TargetClient.Answer a = client.send("GET", url + "/clusters/default/sets/" + SET, null);
        if (a.status() != 200) {
            return "answered " + a.status();
        }
        try {
            JsonNode set = JSON.readTree(a.body());
            JsonNode counts = set.path("progress").path("counts");
            return set.path("progress").path("progress").asText("none")
                    + (counts.isMissingNode() ? "" : " " + counts);
        } catch (IOException e) {
            return "unreadable";
        }
    }

    /**
     * The command line's output, line by line, with the time each line was written: the plan is
     * printed as soon as the dry run is answered, the result once the apply is.
     */
    static final class LineClock extends OutputStream {
        record Line(long nanos, String text) {
        }

        private final List<Line> lines = new ArrayList<>();
        private final StringBuilder current = new StringBuilder();
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                current.append(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
                lines.add(new Line(System.nanoTime(), current.toString()));
                current.setLength(0);
            } else {
                pending.write(b);
            }
        }

        synchronized List<Line> lines() {
            return List.copyOf(lines);
        }

        /** When the first line not starting with {@code prefix} was written; -1 if none was. */
        synchronized long firstLineNotStartingWith(String prefix) {
            return lines.stream().filter(l -> !l.text().startsWith(prefix)).mapToLong(Line::nanos).findFirst().orElse(-1);
        }

        synchronized String text() {
            StringBuilder all = new StringBuilder();
            lines.forEach(l -> all.append(l.text()).append('\n'));
            return all.append(pending.toString(StandardCharsets.UTF_8)).toString();
        }
    }
}
