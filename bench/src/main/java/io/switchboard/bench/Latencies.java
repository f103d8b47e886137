package io.switchboard.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Latency samples in microseconds, and their percentiles. */
final class Latencies {
    private final long[] micros;

    Latencies(long[] micros) {
        this.micros = micros.clone();
        Arrays.sort(this.micros);
    }

    double percentileMs(double p) {
        if (micros.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * micros.length) - 1;
        return micros[Math.max(0, Math.min(micros.length - 1, index))] / 1000.0;
    }

    int count() {
        return micros.length;
    }

    /** All samples of several runs as one. */
    static Latencies pooled(List<Latencies> runs) {
        long[] all = new long[runs.stream().mapToInt(Latencies::count).sum()];
        int at = 0;
        for (Latencies run : runs) {
            System.arraycopy(run.micros, 0, all, at, run.micros.length);
            at += run.micros.length;
        }
        return new Latencies(all);
    }

    Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", micros.length);
        out.put("p50_ms", round(percentileMs(50)));
        out.put("p90_ms", round(percentileMs(90)));
        out.put("p99_ms", round(percentileMs(99)));
        out.put("max_ms", round(percentileMs(100)));
        return out;
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
