package io.switchboard.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.bench.CompareBenchmark.log;

/**
 * CPU and JIT compiler seconds of a target's processes and the broker, read from {@code /proc}, and
 * the wait for them to fall quiet before each timed round ({@link #settle}).
 */
final class ProcessReadings {
    /** CPU a target's processes and the broker may use together, per second, and still count as quiet. */
    static final double QUIET_CPU_PER_SECOND = 0.2;
    /** How many seconds in a row they must be quiet. */
    static final int QUIET_SECONDS = 3;

    private final ChildProcess broker;
    /** The longest wait for a target's processes to fall quiet before a timed round. */
    private final Duration settleLimit;

    ProcessReadings(ChildProcess broker, Duration settleLimit) {
        this.broker = broker;
        this.settleLimit = settleLimit;
    }

    /**
     * Waits until the target's processes and the broker have been quiet for {@link #QUIET_SECONDS}
     * (at most {@link #settleLimit}), so that each timed round starts from an idle system whatever
     * the previous round left behind: a target that finished the previous round sooner may still be
     * carrying out its tail (a worker stopping tasks, offsets flushed, topics compacted), which
     * would otherwise be counted in the next round. The same rule for every target; the time it
     * took and the CPU of each second are reported.
     */
    Map<String, Object> settle(String target, List<ChildProcess> processes, String before) throws InterruptedException {
        long began = System.nanoTime();
        Map<String, Double> last = cpuOf(processes);
        int quietFor = 0;
        List<Double> perSecond = new ArrayList<>();
        while (quietFor < QUIET_SECONDS && System.nanoTime() - began < settleLimit.toNanos()) {
            Thread.sleep(1_000);
            Map<String, Double> now = cpuOf(processes);
            double used = 0;
            for (Map.Entry<String, Double> e : now.entrySet()) {
                double d = e.getValue() - last.getOrDefault(e.getKey(), 0.0);
                if (!Double.isNaN(d)) {
                    used += d;
                }
            }
            last = now;
            perSecond.add(Latencies.round(used));
            quietFor = used <= QUIET_CPU_PER_SECOND ? quietFor + 1 : 0;
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        boolean quiet = quietFor >= QUIET_SECONDS;
        log(target + ": " + (quiet ? "quiet" : "still busy") + " after " + Math.round(seconds) + " s before " + before
                + " (CPU seconds used in each second: " + perSecond + ")");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("before", before);
        out.put("seconds", Latencies.round(seconds));
        out.put("quiet", quiet);
        out.put("cpu_seconds_each_second", perSecond);
        return out;
    }

    /** JIT compiler CPU seconds of each process (and the broker) now, by name. */
    Map<String, Double> jitOf(List<ChildProcess> processes) {
        Map<String, Double> jit = new LinkedHashMap<>();
        jit.put("broker", broker.jitCpuSeconds());
        for (ChildProcess p : processes) {
            jit.put(p.name(), p.jitCpuSeconds());
        }
        return jit;
    }

    /** What each named reading grew by since {@code before}. */
    static Map<String, Double> since(Map<String, Double> now, Map<String, Double> before) {
        Map<String, Double> used = new LinkedHashMap<>();
        now.forEach((name, value) -> used.put(name, Latencies.round(value - before.getOrDefault(name, 0.0))));
        return used;
    }

    /** CPU seconds of each process (and the broker) now, by name. */
    Map<String, Double> cpuOf(List<ChildProcess> processes) {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("broker", broker.cpuSeconds());
        for (ChildProcess p : processes) {
            cpu.put(p.name(), p.cpuSeconds());
        }
        return cpu;
    }

    /** CPU seconds each process (and the broker) used since {@code before}. */
    Map<String, Double> cpuSince(List<ChildProcess> processes, Map<String, Double> before) {
        Map<String, Double> used = new LinkedHashMap<>();
        cpuOf(processes).forEach((name, now) -> used.put(name, Latencies.round(now - before.getOrDefault(name, 0.0))));
        return used;
    }
}
