package io.switchboard.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What each replica holds over a run, read every interval from {@code /proc} and its GC log:
 * resident memory, heap after the last collection, threads, open files and log bytes. Over a long
 * run each must stay flat once warm; the samples go in the report for that reading.
 */
final class Sampler {
    private static final Pattern HEAP_AFTER = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final List<JavaProcess> replicas;
    private final long intervalMillis;
    private final List<Map<String, Object>> samples = new ArrayList<>();
    private final Thread thread;
    private final long started = System.nanoTime();

    Sampler(List<JavaProcess> replicas, long intervalMillis) {
        this.replicas = replicas;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, "fault-sampler");
        thread.setDaemon(true);
    }

    Sampler start() {
        thread.start();
        return this;
    }

    List<Map<String, Object>> stop() {
        thread.interrupt();
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private void loop() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("at_s", Math.round((System.nanoTime() - started) / 1e9));
                for (JavaProcess replica : replicas) {
                    sample.put(replica.name(), read(replica));
                }
                synchronized (samples) {
                    samples.add(sample);
                }
                Thread.sleep(intervalMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, Object> read(JavaProcess process) {
        Map<String, Object> figures = new LinkedHashMap<>();
        if (!process.isAlive()) {
            figures.put("alive", false);
            return figures;
        }
        Path proc = Path.of("/proc", String.valueOf(process.pid()));
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    figures.put("rss_mib", Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
                } else if (line.startsWith("Threads:")) {
                    figures.put("threads", Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
            try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                figures.put("open_files", fds.count());
            }
        } catch (IOException | RuntimeException gone) {
            figures.put("alive", false);
        }
        figures.put("heap_after_gc_mib", heapAfterLastGc(process.log().resolveSibling(process.name() + "-gc.log")));
        try {
            figures.put("log_bytes", Files.size(process.log()));
        } catch (IOException e) {
            figures.put("log_bytes", -1);
        }
        return figures;
    }

    private static long heapAfterLastGc(Path gcLog) {
        try {
            List<String> lines = Files.readAllLines(gcLog);
            for (int i = lines.size() - 1; i >= 0; i--) {
                Matcher m = HEAP_AFTER.matcher(lines.get(i));
                if (m.find()) {
                    return Long.parseLong(m.group(2));
                }
            }
        } catch (IOException | RuntimeException e) {
            // no collection yet
        }
        return -1;
    }
}
