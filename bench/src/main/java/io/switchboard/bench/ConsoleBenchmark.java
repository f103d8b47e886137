package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.TaskObservation;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.SignedRecordsProducer;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web console with many connectors: a broker and a replica, each a process of its own, as
 * {@link ScaleBenchmark} starts them (no data plane); N create commands written straight to the
 * command topic, then one observation per connector written to the observations topic as the data
 * plane writes them (key {@code cluster/name}), 1 in 100 FAILED (with a failed task and a trace)
 * and the rest RUNNING, so that the overview's failed-first order has work to do. No worker runs
 * these connectors: the console reads only what the topics hold.
 *
 * <p>Then, each request repeated and the kinds interleaved (after an untimed warm-up), as a
 * browser sends them ({@code Accept-Encoding: gzip, deflate}): the time to the first byte, the
 * total time and the bytes of {@code GET /console/}, of the table fragment (first page, a middle
 * page, a search, the FAILED filter) and of Kafka Connect's {@code GET
 * /connectors?expand=status&expand=info} as Switchboard answers it; the opening of {@code GET
 * /events} (headers, then its first comment); and the time from writing an observation that
 * changes one connector's state (acks=all, from before the send) to its {@code
 * ConnectorStatusChanged} event arriving at a client reading {@code /events} as EventSource does,
 * and, with {@code --browser}, at the page in headless Chromium, with the row in the table.
 *
 * <p>For comparison, in the same run: a real Kafka Connect 4.3.1 worker ({@link BenchWorker}) on
 * the same broker with M FileStreamSource connectors created STOPPED through its REST API, and the
 * same {@code GET /connectors?expand=status&expand=info} timed against it: what a console that
 * reads the worker must fetch to show its overview. Writes {@code console.json} and {@code .md}.
 *
 * <p>The requests above come between changes, so the rows and health the overview keeps answer
 * them; {@link ConsoleColdHealth} times the least-healthy-first fragment right after a change,
 * when it reads every connector and every incident timeline again ({@code --cold-reps}, by default
 * {@code --reps}; {@code --cold-profile N}: N more, untimed, under a flight recording of the replica).
 *
 * <p>Arguments: {@code [--connectors 10000] [--reps 20] [--changes 50] [--worker-connectors 1000]
 * [--browser true|false] [--cold-reps R] [--cold-profile 0] [--jvm-opts "-Xmx384m"] [--out bench/out]}.
 */
public final class ConsoleBenchmark {
    private static final String CLASS_PATH = System.getProperty("java.class.path");
    private static final String OBSERVATIONS = "switchboard.observations";
    /** One connector in this many is FAILED. */
    static final int FAILED_EVERY = 100;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "10000"));
        int reps = Integer.parseInt(opts.getOrDefault("reps", "20"));
        int changes = Integer.parseInt(opts.getOrDefault("changes", "50"));
        int workerConnectors = Integer.parseInt(opts.getOrDefault("worker-connectors", "1000"));
        int coldReps = Integer.parseInt(opts.getOrDefault("cold-reps", String.valueOf(reps)));
        int coldProfiled = Integer.parseInt(opts.getOrDefault("cold-profile", "0"));
        boolean browser = Boolean.parseBoolean(opts.getOrDefault("browser", String.valueOf(Files.isExecutable(ConsoleBrowser.CHROMIUM))));
        List<String> jvmOpts = List.of(opts.getOrDefault("jvm-opts", "-Xmx384m").trim().split("\\s+"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("switchboard-console");
        Path logs = out.resolve("console-logs");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("connectors", connectors);
        result.put("failed", failedCount(connectors));
        result.put("reps", reps);
        result.put("replica_jvm_options", String.join(" ", jvmOpts));
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<ChildProcess> children = new ArrayList<>();
        try {
            ScaleBenchmark.Started started = ScaleBenchmark.Started.brokerAndReplica(work, jvmOpts, logs, children);
            String bootstrap = started.bootstrap();
            String registry = started.registryUrl();
            ScaleBenchmark.Replica replica = started.replica();
            String url = replica.url();

            log("writing " + connectors + " creates and their observations");
            long filling = System.nanoTime();
            ScaleBenchmark.produceCreates(bootstrap, registry, work.resolve("shared-secrets.key"), connectors);
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                ScaleBenchmark.awaitDecisions(admin, connectors, 1_800);
            }
            try (KafkaProducer<String, ConnectorObservation> observations = producer(bootstrap, registry, work.resolve("shared-secrets.key"))) {
                for (int i = 0; i < connectors; i++) {
                    String name = ScaleBenchmark.name(i);
                    observations.send(record(name, failed(i) ? "FAILED" : "RUNNING"));
                }
                observations.flush();
                awaitStatuses(url, connectors, 600);
                result.put("filled_in_seconds", Latencies.round((System.nanoTime() - filling) / 1e9));

                Map<String, String> requests = requests(connectors);
                log("timing " + requests.size() + " requests, " + reps + " times each");
                result.put("requests", timeRequests(url, requests, reps));
                result.put("first_page_starts_with_failed", firstRowFailed(url));
                List<Map<String, Object>> opens = new ArrayList<>();
                for (int i = 0; i < Math.min(reps, 20); i++) {
                    opens.add(ConsoleProbe.openEvents(url + "/events"));
                }
                result.put("events_open", eventsOpenSummary(opens));

                log("timing " + changes + " status changes to their events");
                result.put("observation_to_event_ms", ConsoleProbe.spread(toEvent(url, observations, changes, connectors)));
                if (coldReps > 0) {
                    log("timing the least-healthy-first fragment cold, after each of " + coldReps + " status changes");
                    result.put("cold_health", ConsoleColdHealth.measure(url, replica.process(), observations, coldReps, coldProfiled,
                            connectors, logs));
                }
                if (browser) {
                    log("timing " + changes + " status changes to the browser");
                    result.put("browser", ConsoleBrowser.measure(url, changes, (name, state) -> {
                        observations.send(record(name, state)).get();
                    }, connectors));
                }
            }
            result.put("replica_rss_mib", Latencies.round(ScaleReport.rssMiB(replica.process().pid())));
            if (workerConnectors > 0) {
                result.put("kafka_connect", worker(bootstrap, workerConnectors, reps, logs, children));
            }
        } finally {
            for (ChildProcess child : children) {
                child.kill();
            }
            BenchSupport.deleteQuietly(work);
        }
        Files.writeString(out.resolve("console.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        String md = ConsoleReport.markdown(result);
        Files.writeString(out.resolve("console.md"), md);
        System.out.println(md);
    }

    static boolean failed(int i) {
        return i % FAILED_EVERY == 37;
    }

    private static int failedCount(int connectors) {
        int failed = 0;
        for (int i = 0; i < connectors; i++) {
            failed += failed(i) ? 1 : 0;
        }
        return failed;
    }

    /** The requests timed, by label: the overview page, its table fragment four ways, and the Connect list. */
    private static Map<String, String> requests(int connectors) {
        int pages = Math.max(1, (connectors + 49) / 50);
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("GET /console/", "/console/");
        requests.put("fragment, first page", "/console/connectors?q=&state=&page=1");
        requests.put("fragment, middle page", "/console/connectors?q=&state=&page=" + Math.max(1, pages / 2));
        // c-00042.. names 100 connectors at N = 10,000 (one of them failed).
        requests.put("fragment, search", "/console/connectors?q=c-00042&state=&page=1");
        requests.put("fragment, FAILED filter", "/console/connectors?q=&state=FAILED&page=1");
        requests.put("fragment, least healthy first", "/console/connectors?q=&state=&page=1&sort=health");
        requests.put("Connect list expand=status&expand=info", "/connectors?expand=status&expand=info");
        return requests;
    }

    /** Each request {@code reps} times, interleaved so that noise falls on all alike, after 3 untimed rounds. */
    static Map<String, Object> timeRequests(String url, Map<String, String> requests, int reps) {
        Map<String, List<ConsoleProbe.Timing>> timings = new LinkedHashMap<>();
        for (int round = -3; round < reps; round++) {
            for (Map.Entry<String, String> request : requests.entrySet()) {
                Map<String, String> headers = request.getValue().startsWith("/console/connectors")
                        ? Map.of("HX-Request", "true", "Accept", "*/*")
                        : request.getValue().startsWith("/console") ? Map.of("Accept", "text/html") : Map.of("Accept", "application/json");
                ConsoleProbe.Timing timing = ConsoleProbe.get(url + request.getValue(), headers);
                if (timing.status() != 200) {
                    throw new IllegalStateException(request.getKey() + " answered " + timing.status());
                }
                if (round >= 0) {
                    timings.computeIfAbsent(request.getKey(), k -> new ArrayList<>()).add(timing);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        timings.forEach((label, list) -> {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("path", requests.get(label));
            summary.putAll(ConsoleProbe.summary(list));
            out.put(label, summary);
        });
        return out;
    }

    private static boolean firstRowFailed(String url) {
        String table = Http.get(url, "/console/connectors?page=1").body();
        int row = table.indexOf("<tr data-connector=");
        return row >= 0 && table.indexOf("class=\"state FAILED\"", row) == table.indexOf("class=\"state ", row);
    }

    private static Map<String, Object> eventsOpenSummary(List<Map<String, Object>> opens) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", opens.get(0).get("status"));
        out.put("headers_ms", ConsoleProbe.spread(opens.stream().map(o -> (Double) o.get("headers_ms")).toList()));
        out.put("first_comment_ms", ConsoleProbe.spread(opens.stream().map(o -> (Double) o.get("first_comment_ms")).toList()));
        out.put("first_comment_bytes", opens.get(0).get("first_comment_bytes"));
        out.put("encoding", opens.get(0).get("encoding"));
        return out;
    }

    /**
     * Changes the state of {@code changes} RUNNING connectors (to PAUSED), one at a time, and
     * answers the time from before each observation was sent until its event arrived on {@code /events}.
     */
    private static List<Double> toEvent(String url, KafkaProducer<String, ConnectorObservation> observations, int changes,
                                        int connectors) throws Exception {
        List<Double> samples = new ArrayList<>();
        try (ConsoleProbe.EventsClient events = ConsoleProbe.EventsClient.open(url + "/events")) {
            if (events.next(30_000) == null) {
                throw new IllegalStateException("no opening comment on /events");
            }
            for (int change = 0; change < changes; change++) {
                String name = ScaleBenchmark.name((change * FAILED_EVERY + 50) % connectors);
                long sent = System.nanoTime();
                observations.send(record(name, "PAUSED")).get();
                ConsoleProbe.Event event = events.await("ConnectorStatusChanged", "\"" + name + "\"", 30_000);
                if (event == null) {
                    throw new IllegalStateException("no event for " + name + " within 30 s");
                }
                samples.add((event.arrived() - sent) / 1e6);
                Thread.sleep(100);
            }
        }
        return samples;
    }

    /** Observations signed with the replicas' keyring, as their data plane signs them. */
    static KafkaProducer<String, ConnectorObservation> producer(String bootstrap, String registry, Path keyringFile) {
        Map<String, Object> settings = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0);
        Keyring keyring = Keyring.loadOrCreate(keyringFile);
        return SignedRecordsProducer.of(settings, new AvroSerializer<>(HttpSchemaRegistryClient.authenticated(registry,
                io.switchboard.RegistryCredentials.userInfo(keyring)), ConnectorObservation.class, false), keyring);
    }

    /** An observation as the data plane writes it: the connector and its one task in {@code state}. */
    static ProducerRecord<String, ConnectorObservation> record(String name, String state) {
        boolean failed = "FAILED".equals(state);
        String trace = failed ? "org.apache.kafka.connect.errors.ConnectException: " + name + " could not read its file" : null;
        TaskObservation task = TaskObservation.newBuilder().setId(0).setState(state).setWorkerId("127.0.0.1:8083")
                .setTrace(trace).build();
        ConnectorObservation observation = ConnectorObservation.newBuilder().setCluster("default").setConnector(name)
                .setObservedAt(System.currentTimeMillis()).setState(state).setWorkerId("127.0.0.1:8083").setTrace(trace)
                .setType("source").setTasks(List.of(task)).build();
        return new ProducerRecord<>(OBSERVATIONS, "default/" + name, observation);
    }

    /** Polls the Connect list until every connector shows an observed state. */
    private static void awaitStatuses(String url, int connectors, int timeoutSeconds) throws Exception {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        int observed = 0;
        while (System.nanoTime() < deadline) {
            JsonNode all = Http.get(url, "/connectors?expand=status").json();
            observed = 0;
            for (JsonNode connector : all) {
                String state = connector.path("status").path("connector").path("state").asText();
                observed += state.equals("RUNNING") || state.equals("FAILED") ? 1 : 0;
            }
            if (observed == connectors) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("only " + observed + " of " + connectors + " observed within " + timeoutSeconds + " s");
    }

    /**
     * A Kafka Connect worker on the same broker with {@code count} FileStreamSource connectors created
     * STOPPED (concurrency 4, retried as {@link TargetClient} retries), and its list timed.
     */
    private static Map<String, Object> worker(String bootstrap, int count, int reps, Path logs, List<ChildProcess> children)
            throws Exception {
        log("starting a Kafka Connect worker and creating " + count + " connectors on it");
        ChildProcess process = ChildProcess.start("worker", "Kafka Connect 4.3.1 worker", List.of("-Xmx1g"),
                List.of("-cp", CLASS_PATH, BenchWorker.class.getName(), bootstrap, String.valueOf(ScaleBenchmark.freePort())), logs);
        children.add(process);
        String workerUrl = process.awaitReady(180_000).split(" ")[0];
        TargetClient client = new TargetClient(List.of(workerUrl));
        long began = System.nanoTime();
        TargetClient.runAll(count, 4, i -> {
            String name = "w-" + String.format("%06d", i);
            String body = "{\"name\":\"" + name + "\",\"initial_state\":\"STOPPED\",\"config\":{\"connector.class\":"
                    + "\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"tasks.max\":\"1\",\"file\":\"/var/data/"
                    + name + ".txt\",\"topic\":\"console-" + (i % 100) + "\"}}";
            TargetClient.Answer answer = client.send("POST", workerUrl + "/connectors", body);
            for (int attempt = 1; attempt < TargetClient.MAX_ATTEMPTS && TargetClient.retryable(answer); attempt++) {
                TargetClient.sleep(TargetClient.RETRY_BACKOFF_MS);
                answer = client.send("POST", workerUrl + "/connectors", body);
            }
            if (answer.status() != 201 && answer.status() != 409) {
                throw new IllegalStateException("create " + name + " on the worker answered " + answer);
            }
            return null;
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connectors", count);
        out.put("created_stopped_in_seconds", Latencies.round((System.nanoTime() - began) / 1e9));
        // Created is not yet listed with a status: wait until the list shows every one STOPPED.
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode all = Http.get(workerUrl, "/connectors?expand=status").json();
            int stopped = 0;
            for (JsonNode connector : all) {
                stopped += "STOPPED".equals(connector.path("status").path("connector").path("state").asText()) ? 1 : 0;
            }
            if (stopped == count) {
                break;
            }
            Thread.sleep(500);
        }
        Map<String, String> list = Map.of("Kafka Connect list expand=status&expand=info", "/connectors?expand=status&expand=info");
        out.put("requests", timeRequests(workerUrl, list, reps));
        out.put("worker_peak_rss_mib", Latencies.round(process.peakRssMiB()));
        process.stop();
        return out;
    }

    static void log(String message) {
        System.out.println(Instant.now() + " " + message);
    }
}
