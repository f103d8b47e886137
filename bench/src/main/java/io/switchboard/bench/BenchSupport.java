package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** What every benchmark command needs: its options, a bounded client pool, and a temp dir cleaned up. */
final class BenchSupport {
    /** Options given without a value. */
    private static final Set<String> FLAGS = Set.of("quick", "skip-c1");

    private BenchSupport() {
    }

    /** {@code --name value}, {@code --name=value}, or a flag such as {@code --quick}. */
    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String key = args[i].replaceFirst("^--", "");
            if (FLAGS.contains(key)) {
                opts.put(key, "true");
            } else if (key.contains("=")) {
                opts.put(key.substring(0, key.indexOf('=')), key.substring(key.indexOf('=') + 1));
            } else if (i + 1 < args.length) {
                opts.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return opts;
    }

    /**
     * Runs {@code count} operations from {@code concurrency} clients, each taking the next index, and
     * keeps what each answered (a latency in microseconds, for the callers that measure).
     */
    static Latencies measure(int count, int concurrency, IntFunction<Long> operation) throws Exception {
        long[] samples = new long[count];
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < count) {
                        Long sample = operation.apply(i);
                        samples[i] = sample == null ? 0 : sample;
                    }
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
            return new Latencies(samples);
        } finally {
            pool.shutdownNow();
        }
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
