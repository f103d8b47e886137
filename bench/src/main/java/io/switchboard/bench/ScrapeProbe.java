package io.switchboard.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.zip.GZIPInputStream;

/**
 * One scrape of {@code /metrics/connectors} as Prometheus makes it: its {@code Accept} header,
 * {@code Accept-Encoding: gzip} (or none), credentials, one connection per scrape kept alive. Timed
 * to the answer's headers (the first byte) and to its last byte; the body's bytes as received
 * (compressed when the server compressed it) and decoded; its series (lines that are not comments);
 * and the replica's CPU seconds from before the request until after its last byte, in all and in
 * the threads that do a scrape's work.
 */
final class ScrapeProbe {
    /** What Prometheus 3 sends as {@code Accept}. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            + "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ScrapeProbe() {
    }

    /**
     * One timed scrape; {@code body} is the decoded text, kept only when asked for. CPU seconds of the
     * replica across it: in all, in its HTTP server's threads (where the series are collected,
     * written and compressed) and in its collector's threads (GC and VM threads).
     */
    record Scrape(int status, String encoding, double firstByteMs, double totalMs, long wireBytes, long bytes, long series,
                  double cpuSeconds, double httpCpuSeconds, double gcCpuSeconds, String body) {
    }

    static Scrape get(String url, String authorization, boolean gzip, long replicaPid, DoubleSupplier replicaCpu, boolean keepBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).GET()
                .header("Accept", PROMETHEUS_ACCEPT).header("User-Agent", "Prometheus/3.5.0")
                .header("X-Prometheus-Scrape-Timeout-Seconds", "10").header("Authorization", authorization);
        if (gzip) {
            request.header("Accept-Encoding", "gzip");
        }
        double[] threadsBefore = threadCpu(replicaPid);
        double cpuBefore = replicaCpu.getAsDouble();
        long began = System.nanoTime();
        try {
            HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            long firstByte = System.nanoTime();
            byte[] wire;
            try (InputStream in = response.body()) {
                wire = in.readAllBytes();
            }
            long ended = System.nanoTime();
            double cpu = replicaCpu.getAsDouble() - cpuBefore;
            double[] threads = threadCpu(replicaPid);
            String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
            byte[] decoded = wire;
            if (encoding.equals("gzip")) {
                try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(wire))) {
                    decoded = unzipped.readAllBytes();
                }
            }
            return new Scrape(response.statusCode(), encoding, (firstByte - began) / 1e6, (ended - began) / 1e6, wire.length,
                    decoded.length, series(decoded), cpu, threads[0] - threadsBefore[0], threads[1] - threadsBefore[1],
                    keepBody ? new String(decoded, StandardCharsets.UTF_8) : null);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * CPU seconds so far of the replica's HTTP server threads ({@code JettyServerThreadPool-N}) and
     * of its collector's and VM threads ({@code GC Thread#N}, {@code G1 ...}, {@code VM Thread}),
     * from {@code /proc/<pid>/task} (names cut to 15 characters); a thread that ended is not counted.
     */
    static double[] threadCpu(long pid) {
        long http = 0;
        long gc = 0;
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    boolean isHttp = comm.startsWith("JettyServerThre");
                    boolean isGc = comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread");
                    if (!isHttp && !isGc) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    if (isHttp) {
                        http += ticks;
                    } else {
                        gc += ticks;
                    }
                } catch (IOException | RuntimeException gone) {
                    // The thread ended meanwhile.
                }
            }
        } catch (IOException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return new double[] {http / ChildProcess.CLOCK_TICKS, gc / ChildProcess.CLOCK_TICKS};
    }

    /** Lines that are neither empty nor comments. */
    static long series(byte[] text) {
        long series = 0;
        boolean lineStart = true;
        for (byte b : text) {
            if (lineStart && b != '#' && b != '\n') {
                series++;
            }
            lineStart = b == '\n';
        }
        return series;
    }

    /** The sum of the values of the series named {@code name} (any labels), and how many there are. */
    static double[] sumAndCount(String text, String name) {
        double sum = 0;
        long count = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                count++;
            }
        }
        return new double[] {sum, count};
    }

    /** The figures of several scrapes of one kind: times, CPU (spread), bytes and series (median, and min-max when they differ). */
    static Map<String, Object> summary(List<Scrape> scrapes) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", scrapes.get(0).status());
        out.put("encoding", scrapes.get(0).encoding());
        out.put("first_byte_ms", ConsoleProbe.spread(scrapes.stream().map(Scrape::firstByteMs).toList()));
        out.put("total_ms", ConsoleProbe.spread(scrapes.stream().map(Scrape::totalMs).toList()));
        out.put("replica_cpu_seconds", ConsoleProbe.spread(scrapes.stream().map(Scrape::cpuSeconds).toList()));
        out.put("http_threads_cpu_seconds", ConsoleProbe.spread(scrapes.stream().map(Scrape::httpCpuSeconds).toList()));
        out.put("gc_cpu_seconds", ConsoleProbe.spread(scrapes.stream().map(Scrape::gcCpuSeconds).toList()));
        out.put("wire_bytes", medianMinMax(scrapes.stream().map(Scrape::wireBytes).toList()));
        out.put("bytes", medianMinMax(scrapes.stream().map(Scrape::bytes).toList()));
        out.put("series", medianMinMax(scrapes.stream().map(Scrape::series).toList()));
        return out;
    }

    private static Map<String, Object> medianMinMax(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("median", sorted.get(sorted.size() / 2));
        out.put("min", sorted.get(0));
        out.put("max", sorted.get(sorted.size() - 1));
        return out;
    }
}
