package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.tracing.Tracing;
import io.switchboard.testing.Http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Where a decided pause spends its time: Switchboard as its default command runs it (embedded
 * broker, worker and replica, here in this JVM, with tracing on), N FileStreamSource connectors
 * RUNNING, then rounds of N pauses and N resumes at concurrency 1 and 16. Each command's hops are read
 * from the replica's own OpenTelemetry spans, kept in memory in this process, timed with
 * {@link System#nanoTime} as the client's readings are: the client's request sent, the command handed
 * to the gateway (its send span begins, after the API's routing, access check and the existence
 * check), the broker's acknowledgement (the send span ends), the processor taking it (its decide
 * span begins), its decision on the stream thread (the decide span ends), the decision seen by the
 * waiting request (the answer span begins), and the answer read by the client. Writes
 * {@code pause-hops.json} and {@code pause-hops.md} to the output directory. A benchmark, not a
 * test: nothing in it fails because a machine is slow.
 * <p>Arguments: {@code [--connectors 100] [--rounds 3] [--warmup-rounds 2] [--out bench/out]}.
 */
public final class PauseHopsBenchmark {
    private static final String[] HOPS = {
        "request sent -> command handed to the gateway (HTTP, routing, access, existence check)",
        "handed -> acknowledged by the broker (produce, acks=all)",
        "handed -> taken by the processor (decide span begins)",
        "acknowledged -> taken by the processor (negative: taken first)",
        "taken -> decided on the stream thread",
        "decided -> seen by the waiting request (hand-off)",
        "seen -> answer read by the client (answer written, HTTP)",
        "total, as the client saw it",
    };

    /** One command's hops, in {@link System#nanoTime}, from its spans; 0 where a span was not seen. */
    private record Trace(String connector, long submitted, long acked, long polled, long decided, long seen) {
    }

    private record Sample(long sent, long received, Trace trace) {
        long hop(int i) {
            Trace t = trace;
            return switch (i) {
                case 0 -> t.submitted() - sent;
                case 1 -> t.acked() - t.submitted();
                case 2 -> t.polled() - t.submitted();
                case 3 -> t.polled() - t.acked();
                case 4 -> t.decided() - t.polled();
                case 5 -> t.seen() - t.decided();
                case 6 -> received - t.seen();
                default -> received - sent;
            };
        }

        boolean whole() {
            return trace.acked() != 0 && trace.polled() != 0 && trace.decided() != 0 && trace.seen() != 0;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchSupport.options(args);
        int connectors = Integer.parseInt(opts.getOrDefault("connectors", "100"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        int warmups = Integer.parseInt(opts.getOrDefault("warmup-rounds", "2"));
        Path out = Path.of(opts.getOrDefault("out", "bench/out"));
        Files.createDirectories(out);
        Path dir = Files.createTempDirectory("switchboard-pause-hops");
        // The replica's spans, in memory; every time a System.nanoTime reading, as the client's are.
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        Clock nanoTime = new Clock() {
            @Override
            public long now() {
                return System.nanoTime();
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
        OpenTelemetrySdk tracing = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setClock(nanoTime).addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        Map<String, Object> result = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start();
             SwitchboardApp app = SwitchboardApp.start(OptionsBuilder.defaults().fileConnectorsDir(io.switchboard.testing.TestReplicas.FILES)
                     .port(0)
                     .schemaRegistryPort(0)
                     .dataDir(dir.resolve("switchboard"))
                     .bootstrapServers(kafka.bootstrapServers())
                     .tracing(Tracing.of(tracing)).build())) {
            String url = app.url();
            run(url, connectors, 16, "create", i -> "POST", i -> "/connectors", i -> createBody(dir, i));
            await(url, connectors, "RUNNING");
            for (int w = 0; w < warmups; w++) {
                pausesAndResumes(url, connectors, 16, spans);
            }
            spans.reset();
            md.append("# Where a decided pause spends its time (`bench/pause-hops.sh`)\n\n")
                    .append("Measured ").append(Instant.now()).append(": ").append(connectors).append(" connectors, ")
                    .append(rounds).append(" rounds of pauses and resumes at each concurrency after ").append(warmups)
                    .append(" at concurrency 16; Switchboard as its default command runs it, in one JVM with the client, on ")
                    .append(Runtime.getRuntime().availableProcessors()).append(" cores. Milliseconds per hop.\n\n");
            for (int concurrency : new int[] {1, 16}) {
                List<Sample> samples = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    samples.addAll(pausesAndResumes(url, connectors, concurrency, spans));
                }
                List<Sample> whole = samples.stream().filter(Sample::whole).toList();
                Map<String, Object> figures = new LinkedHashMap<>();
                md.append("## Concurrency ").append(concurrency).append(" (").append(whole.size()).append(" of ")
                        .append(samples.size()).append(" commands traced whole)\n\n| hop | p50 | p90 | p99 |\n|---|---|---|---|\n");
                for (int h = 0; h < HOPS.length; h++) {
                    int hop = h;
                    long[] nanos = whole.stream().mapToLong(s -> s.hop(hop)).sorted().toArray();
                    double p50 = pct(nanos, 0.50);
                    double p90 = pct(nanos, 0.90);
                    double p99 = pct(nanos, 0.99);
                    figures.put(HOPS[h], Map.of("p50_ms", p50, "p90_ms", p90, "p99_ms", p99));
                    md.append("| ").append(HOPS[h]).append(" | ").append(fmt(p50)).append(" | ").append(fmt(p90))
                            .append(" | ").append(fmt(p99)).append(" |\n");
                }
                md.append('\n');
                result.put("c" + concurrency, figures);
            }
        }
        Files.writeString(out.resolve("pause-hops.json"), Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        Files.writeString(out.resolve("pause-hops.md"), md.toString());
        System.out.println(md);
        System.exit(0);
    }

    /** N pauses, then N resumes, at the given concurrency; each answer's client times joined to its command's trace. */
    private static List<Sample> pausesAndResumes(String url, int connectors, int concurrency, InMemorySpanExporter spans)
            throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (String action : new String[] {"pause", "resume"}) {
            spans.reset();
            long[][] times = run(url, connectors, concurrency, action, i -> "PUT", i -> "/connectors/c" + i + "/" + action, i -> null);
            // The last answers' spans are ended before their answers are read.
            Map<String, Trace> traces = traces(spans.getFinishedSpanItems());
            for (int i = 0; i < connectors; i++) {
                Trace trace = traces.get("c" + i);
                if (trace != null) {
                    samples.add(new Sample(times[i][0], times[i][1], trace));
                }
            }
        }
        return samples;
    }

    /** Each traced command's hops by its connector, from the spans of its trace: send, decide and answer. */
    private static Map<String, Trace> traces(List<SpanData> finished) {
        Map<String, List<SpanData>> byTrace = new HashMap<>();
        finished.forEach(span -> byTrace.computeIfAbsent(span.getTraceId(), t -> new ArrayList<>()).add(span));
        Map<String, Trace> traces = new HashMap<>();
        byTrace.values().forEach(trace -> {
            SpanData send = first(trace, s -> s.getKind() == SpanKind.PRODUCER);
            if (send == null) {
                return;
            }
            SpanData decide = first(trace, s -> s.getName().equals("decide"));
            SpanData answer = first(trace, s -> s.getName().equals("answer"));
            String connector = send.getAttributes().asMap().entrySet().stream()
                    .filter(e -> e.getKey().getKey().equals("switchboard.connector")).map(e -> String.valueOf(e.getValue()))
                    .findFirst().orElse(null);
            traces.put(connector, new Trace(connector, send.getStartEpochNanos(), send.getEndEpochNanos(),
                    decide == null ? 0 : decide.getStartEpochNanos(), decide == null ? 0 : decide.getEndEpochNanos(),
                    answer == null ? 0 : answer.getStartEpochNanos()));
        });
        return traces;
    }

    private static SpanData first(List<SpanData> spans, Predicate<SpanData> matches) {
        return spans.stream().filter(matches).findFirst().orElse(null);
    }

    interface Part<T> {
        T of(int i);
    }

    /** Sends one request per connector at the given concurrency; each one's sent and received nanoTime. */
    private static long[][] run(String url, int connectors, int concurrency, String what, Part<String> method, Part<String> path,
                                Part<String> body) throws Exception {
        long[][] times = new long[connectors][2];
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < connectors; i++) {
                int n = i;
                answers.add(pool.submit(() -> {
                    // As the comparison does: a 503 (no decision in time, or the worker rebalancing) is
                    // sent again after 100 ms, at most 50 times; a create's 409 after one is its own.
                    // The sample is the last attempt's.
                    int status = 0;
                    for (int attempt = 0; attempt < 50; attempt++) {
                        times[n][0] = System.nanoTime();
                        status = Http.call(url, method.of(n), path.of(n), body.of(n)).status();
                        times[n][1] = System.nanoTime();
                        if (status < 500) {
                            return attempt > 0 && status == 409 && what.equals("create") ? 201 : status;
                        }
                        Thread.sleep(100);
                    }
                    return status;
                }));
            }
            for (int i = 0; i < connectors; i++) {
                int status = answers.get(i).get();
                if (status >= 300) {
                    throw new IllegalStateException(what + " c" + i + " answered " + status);
                }
            }
        } finally {
            pool.shutdown();
        }
        return times;
    }

    private static String createBody(Path dir, int i) {
        try {
            Path file = Files.writeString(dir.resolve("input-" + i + ".txt"), "one line\n");
            return "{\"name\":\"c" + i + "\",\"config\":{\"connector.class\":\"FileStreamSource\",\"tasks.max\":\"1\","
                    + "\"file\":\"" + file + "\",\"topic\":\"pause-hops-" + i + "\"}}";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(String url, int connectors, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode all = Http.get(url, "/connectors?expand=status").json();
            int inState = 0;
            for (int i = 0; i < connectors; i++) {
                if (state.equals(all.path("c" + i).path("status").path("connector").path("state").asText())) {
                    inState++;
                }
            }
            if (inState == connectors) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("not all " + connectors + " connectors " + state);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, ms < 10 ? "%.2f" : "%.1f", ms);
    }
}
