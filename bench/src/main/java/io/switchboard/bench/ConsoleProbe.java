package io.switchboard.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The client side of the console benchmark: a GET timed as a browser would see it (the time until
 * the answer's status line and headers arrived, which is the first byte, then until its body
 * ended; the bytes of the body as sent, that is compressed when the server compressed it, and as
 * read), and an event-stream client that reads {@code GET /events} line by line as EventSource does,
 * stamping each event with the time it arrived.
 */
final class ConsoleProbe {
    /** What a browser sends with every request. */
    static final Map<String, String> BROWSER = Map.of("Accept-Encoding", "gzip, deflate", "User-Agent", "switchboard-bench");
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ConsoleProbe() {
    }

    /** One timed answer. */
    record Timing(int status, double firstByteMs, double totalMs, long wireBytes, long bytes, String encoding) {
    }

    /** Times {@code GET url} with the browser's headers and the given ones, reading the whole body. */
    static Timing get(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120)).GET();
        BROWSER.forEach(request::header);
        headers.forEach(request::header);
        long began = System.nanoTime();
        try {
            HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            long firstByte = System.nanoTime();
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readAllBytes();
            }
            long ended = System.nanoTime();
            String encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
            long bytes = body.length;
            if (encoding.equals("gzip")) {
                try (InputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    bytes = unzipped.readAllBytes().length;
                }
            }
            return new Timing(response.statusCode(), (firstByte - began) / 1e6, (ended - began) / 1e6, body.length, bytes, encoding);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Opens {@code GET /events} and times it: until the headers (when a browser's EventSource
     * fires {@code open}), then until the stream's first comment, which the server writes once its
     * consumer is at the end of the lifecycle topic; then closes it.
     */
    static Map<String, Object> openEvents(String url) throws Exception {
        long began = System.nanoTime();
        try (EventsClient events = EventsClient.open(url)) {
            double headers = (events.openedAt - began) / 1e6;
            Event first = events.next(30_000);
            if (first == null) {
                throw new IllegalStateException("no comment on /events within 30 s");
            }
            Map<String, Object> timing = new LinkedHashMap<>();
            timing.put("status", events.status);
            timing.put("headers_ms", headers);
            timing.put("first_comment_ms", (first.arrived() - began) / 1e6);
            timing.put("first_comment_bytes", first.data().getBytes(StandardCharsets.UTF_8).length);
            timing.put("encoding", events.encoding);
            return timing;
        }
    }

    /** One message of the stream: its kind ({@code comment} for a comment line), data, and arrival (System.nanoTime). */
    record Event(String kind, String data, long arrived) {
    }

    /** A client of {@code GET /events}, its messages queued as they arrive, read by a thread of its own. */
    static final class EventsClient implements AutoCloseable {
        private final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        private final InputStream body;
        private final long openedAt;
        private final int status;
        private final String encoding;
        private final Thread reader;

        private EventsClient(HttpResponse<InputStream> response, long openedAt) throws IOException {
            this.openedAt = openedAt;
            this.status = response.statusCode();
            this.encoding = response.headers().firstValue("Content-Encoding").orElse("identity");
            this.body = encoding.equals("gzip") ? new GZIPInputStream(response.body(), 64) : response.body();
            this.reader = new Thread(this::read, "bench-events-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static EventsClient open(String url) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET()
                    .header("Accept", "text/event-stream").header("Cache-Control", "no-cache");
            BROWSER.forEach(request::header);
            HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            long opened = System.nanoTime();
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
            }
            return new EventsClient(response, opened);
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String kind = "message";
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith(":")) {
                        queue.add(new Event("comment", line, System.nanoTime()));
                    } else if (line.startsWith("event:")) {
                        kind = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        queue.add(new Event(kind, line.substring(5).trim(), System.nanoTime()));
                    } else if (line.isEmpty()) {
                        kind = "message";
                    }
                }
            } catch (IOException closed) {
                // the client closed the stream
            }
        }

        /** The next message, or null after the timeout. */
        Event next(long timeoutMillis) throws InterruptedException {
            return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        }

        /** Waits for an event of the given kind whose data holds {@code needle}; null after the timeout. */
        Event await(String kind, String needle, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (System.nanoTime() < deadline) {
                Event event = queue.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L), TimeUnit.MILLISECONDS);
                if (event != null && event.kind().equals(kind) && event.data().contains(needle)) {
                    return event;
                }
            }
            return null;
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // gone already
            }
            reader.interrupt();
        }
    }

    /** Median, spread (min-max) and p90 of some samples in ms. */
    static Map<String, Object> spread(List<Double> samples) {
        List<Double> sorted = new ArrayList<>(samples);
        sorted.sort(Double::compare);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", sorted.size());
        out.put("median", Latencies.round(percentile(sorted, 50)));
        out.put("min", Latencies.round(sorted.get(0)));
        out.put("p90", Latencies.round(percentile(sorted, 90)));
        out.put("p95", Latencies.round(percentile(sorted, 95)));
        out.put("max", Latencies.round(sorted.get(sorted.size() - 1)));
        return out;
    }

    private static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** The figures of several timings of one request: first byte and total (spread), bytes (median). */
    static Map<String, Object> summary(List<Timing> timings) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", timings.get(0).status());
        out.put("first_byte_ms", spread(timings.stream().map(Timing::firstByteMs).toList()));
        out.put("total_ms", spread(timings.stream().map(Timing::totalMs).toList()));
        out.put("wire_bytes", median(timings.stream().map(Timing::wireBytes).toList()));
        out.put("bytes", median(timings.stream().map(Timing::bytes).toList()));
        out.put("encoding", timings.get(0).encoding());
        return out;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }
}
