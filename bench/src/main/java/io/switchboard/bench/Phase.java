package io.switchboard.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The figures of one operation run against one target: each operation's latency as its client saw
 * it (retries and their back-off included), the final status codes, the answers that were retried
 * by code, and the bytes of each answer.
 */
final class Phase {
    final String operation;
    final int concurrency;
    private final long[] micros;
    private final long[] bytes;
    private final Map<Integer, AtomicInteger> codes = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> retried = new ConcurrentHashMap<>();
    private double wallSeconds;

    Phase(String operation, int concurrency, int count) {
        this.operation = operation;
        this.concurrency = concurrency;
        this.micros = new long[count];
        this.bytes = new long[count];
    }

    int count() {
        return micros.length;
    }

    void record(int index, long elapsedMicros, int finalStatus, long answerBytes) {
        micros[index] = elapsedMicros;
        bytes[index] = answerBytes;
        codes.computeIfAbsent(finalStatus, c -> new AtomicInteger()).incrementAndGet();
    }

    void retried(int status) {
        retried.computeIfAbsent(status, c -> new AtomicInteger()).incrementAndGet();
    }

    void wallSeconds(double seconds) {
        this.wallSeconds = seconds;
    }

    /** The answers of all these phases (of one operation at one concurrency) as one phase, under a name of its own. */
    static Phase pooled(String operation, List<Phase> parts) {
        Phase all = new Phase(operation, parts.get(0).concurrency, parts.stream().mapToInt(Phase::count).sum());
        int at = 0;
        for (Phase part : parts) {
            System.arraycopy(part.micros, 0, all.micros, at, part.count());
            System.arraycopy(part.bytes, 0, all.bytes, at, part.count());
            at += part.count();
            part.codes.forEach((code, n) -> all.codes.computeIfAbsent(code, c -> new AtomicInteger()).addAndGet(n.get()));
            part.retried.forEach((code, n) -> all.retried.computeIfAbsent(code, c -> new AtomicInteger()).addAndGet(n.get()));
            all.wallSeconds += part.wallSeconds;
        }
        return all;
    }

    Latencies latencies() {
        return new Latencies(micros);
    }

    long retries() {
        return retried.values().stream().mapToLong(AtomicInteger::get).sum();
    }

    /** Final answers outside 2xx by code ({@code -1}: no answer at all). */
    Map<Integer, Integer> non2xx() {
        Map<Integer, Integer> out = new TreeMap<>();
        codes.forEach((code, n) -> {
            if (code < 200 || code > 299) {
                out.put(code, n.get());
            }
        });
        return out;
    }

    Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("operation", operation);
        out.put("concurrency", concurrency);
        out.putAll(latencies().summary());
        out.put("wall_seconds", Latencies.round(wallSeconds));
        out.put("ops_per_second", Latencies.round(wallSeconds > 0 ? micros.length / wallSeconds : Double.NaN));
        Map<String, Integer> finalCodes = new TreeMap<>();
        codes.forEach((code, n) -> finalCodes.put(String.valueOf(code), n.get()));
        out.put("status_codes", finalCodes);
        Map<String, Integer> non2xx = new TreeMap<>();
        non2xx().forEach((code, n) -> non2xx.put(String.valueOf(code), n));
        out.put("non_2xx", non2xx);
        Map<String, Integer> retries = new TreeMap<>();
        retried.forEach((code, n) -> retries.put(String.valueOf(code), n.get()));
        out.put("retried_answers", retries);
        Latencies sizes = new Latencies(bytes);
        out.put("answer_bytes_p50", Math.round(sizes.percentileMs(50) * 1000));
        out.put("answer_bytes_max", Math.round(sizes.percentileMs(100) * 1000));
        return out;
    }
}
