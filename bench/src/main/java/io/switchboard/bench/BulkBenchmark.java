package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.testing.ConnectWorker;
import io.switchboard.testing.Http;
import io.switchboard.testing.OptionsBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bulk pause against the worker's own pauses: on one broker, a Kafka Connect worker driven
 * directly and Switchboard with its embedded worker, each with N FileStreamSource connectors
 * RUNNING. Each round times, on each side, from the first request until every connector and its
 * task report PAUSED: the worker gets N {@code PUT /connectors/NAME/pause} at the given
 * concurrency, Switchboard one {@code POST /connectors/bulk} (500 connectors a request, sent
 * together). Both sides then resume, untimed. The side that goes first alternates by round.
 * Writes {@code bulk.json} and {@code bulk.md} with each round and the median ratio and its spread.
 * <p>Arguments: {@code [--connectors 500] [--concurrency 16] [--rounds 3] [--out bench/out]}.
 */
public final class BulkBenchmark {
    private static final int MAX_BULK = 500;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "500"));
        int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "16"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("switchboard-bulk");
        Map<String, Object> result = new LinkedHashMap<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             ConnectWorker worker = ConnectWorker.start(kafka.bootstrapServers(), Map.of("offset.flush.interval.ms", "60000"));
             SwitchboardApp app = SwitchboardApp.start(OptionsBuilder.defaults().fileConnectorsDir(io.switchboard.testing.TestReplicas.FILES)
                     .port(0)
                     .schemaRegistryPort(0)
                     .dataDir(dir.resolve("switchboard"))
                     .bootstrapServers(kafka.bootstrapServers()).build())) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < connectors; i++) {
                names.add("b" + i);
            }
            create(worker.url(), dir, names, concurrency);
            create(app.url(), dir, names, concurrency);
            await(worker.url(), names, "RUNNING");
            await(app.url(), names, "RUNNING");
            List<Map<String, Object>> each = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                double direct;
                double bulk;
                if (round % 2 == 0) {
                    direct = pauseDirectly(worker.url(), names, concurrency);
                    bulk = pauseInBulk(app.url(), names);
                } else {
                    bulk = pauseInBulk(app.url(), names);
                    direct = pauseDirectly(worker.url(), names, concurrency);
                }
                resumeDirectly(worker.url(), names, concurrency);
                bulk(app.url(), "resume", names);
                await(worker.url(), names, "RUNNING");
                await(app.url(), names, "RUNNING");
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("worker_pauses_all_paused_s", Latencies.round(direct));
                figures.put("switchboard_bulk_all_paused_s", Latencies.round(bulk));
                figures.put("ratio", Latencies.round(bulk / direct));
                each.add(figures);
                ratios.add(bulk / direct);
                System.out.println("round " + (round + 1) + ": " + figures);
            }
            List<Double> sorted = ratios.stream().sorted().toList();
            result.put("connectors", connectors);
            result.put("concurrency_of_worker_pauses", concurrency);
            result.put("rounds", each);
            result.put("median_ratio", Latencies.round(sorted.get(sorted.size() / 2)));
            result.put("min_ratio", Latencies.round(sorted.get(0)));
            result.put("max_ratio", Latencies.round(sorted.get(sorted.size() - 1)));
        } finally {
            BenchSupport.deleteQuietly(dir);
        }
        Files.writeString(out.resolve("bulk.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        Files.writeString(out.resolve("bulk.md"), markdown(result));
        System.out.println(markdown(result));
    }

    private static void create(String url, Path dir, List<String> names, int concurrency) throws Exception {
        TargetClient.runAll(names.size(), concurrency, i -> {
            String name = names.get(i);
            Path file = dir.resolve(name + "-" + Math.abs(url.hashCode()) + ".txt");
            try {
                Files.writeString(file, "one line\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String body = "{\"name\":\"" + name + "\",\"config\":{\"connector.class\":\"FileStreamSource\",\"tasks.max\":\"1\","
                    + "\"file\":\"" + file + "\",\"topic\":\"bulk-" + name + "\"}}";
            for (int attempt = 0; ; attempt++) {
                int status = Http.call(url, "POST", "/connectors", body).status();
                if (status == 201 || status == 409) {
                    return null;
                }
                if (attempt > 50) {
                    throw new IllegalStateException("create " + name + " at " + url + " answered " + status);
                }
                TargetClient.sleep(200);
            }
        });
    }

    private static double pauseDirectly(String url, List<String> names, int concurrency) throws Exception {
        long began = System.nanoTime();
        TargetClient.runAll(names.size(), concurrency, i -> expect(202, url, "PUT", "/connectors/" + names.get(i) + "/pause"));
        return (await(url, names, "PAUSED") - began) / 1e9;
    }

    private static void resumeDirectly(String url, List<String> names, int concurrency) throws Exception {
        TargetClient.runAll(names.size(), concurrency, i -> expect(202, url, "PUT", "/connectors/" + names.get(i) + "/resume"));
    }

    private static double pauseInBulk(String url, List<String> names) throws Exception {
        long began = System.nanoTime();
        bulk(url, "pause", names);
        return (await(url, names, "PAUSED") - began) / 1e9;
    }

    /** The action on every connector, 500 a request, the requests sent together. */
    private static void bulk(String url, String action, List<String> names) throws Exception {
        int requests = (names.size() + MAX_BULK - 1) / MAX_BULK;
        TargetClient.runAll(requests, requests, r -> {
            List<String> part = names.subList(r * MAX_BULK, Math.min(names.size(), (r + 1) * MAX_BULK));
            Http.Response answer = Http.call(url, "POST", "/connectors/bulk", Http.json(Map.of("action", action, "connectors", part)));
            if (answer.status() != 200 || answer.body().contains("\"refused\"")) {
                throw new IllegalStateException("bulk " + action + " answered " + answer.status() + ": " + answer.body());
            }
            return null;
        });
    }

    private static Void expect(int status, String url, String method, String path) {
        int answered = Http.call(url, method, path, null).status();
        if (answered != status) {
            throw new IllegalStateException(method + " " + path + " answered " + answered);
        }
        return null;
    }

    /** Polls the list until every connector and its task are in {@code state}; answers when (System.nanoTime). */
    private static long await(String url, List<String> names, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode all = Http.get(url, "/connectors?expand=status").json();
            int inState = 0;
            for (String name : names) {
                JsonNode status = all.path(name).path("status");
                if (state.equals(status.path("connector").path("state").asText())
                        && status.path("tasks").size() == 1
                        && state.equals(status.path("tasks").get(0).path("state").asText())) {
                    inState++;
                }
            }
            if (inState == names.size()) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not all " + names.size() + " connectors at " + url + " " + state + " within 600 s");
    }

    @SuppressWarnings("unchecked")
    private static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("# Bulk pause against the worker's own pauses\n\n")
                .append(result.get("connectors")).append(" connectors; the worker gets one pause each at concurrency ")
                .append(result.get("concurrency_of_worker_pauses")).append(", Switchboard one bulk request.\n\n")
                .append("| round | worker: all PAUSED (s) | Switchboard bulk: all PAUSED (s) | ratio |\n|---|---|---|---|\n");
        int round = 1;
        for (Map<String, Object> r : (List<Map<String, Object>>) result.get("rounds")) {
            md.append("| ").append(round++).append(" | ").append(r.get("worker_pauses_all_paused_s")).append(" | ")
                    .append(r.get("switchboard_bulk_all_paused_s")).append(" | ").append(r.get("ratio")).append(" |\n");
        }
        md.append("\nMedian ratio ").append(result.get("median_ratio")).append(" (").append(result.get("min_ratio"))
                .append(" to ").append(result.get("max_ratio")).append(").\n");
        return md.toString();
    }
}
