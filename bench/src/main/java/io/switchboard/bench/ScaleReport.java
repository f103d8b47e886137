package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The scale benchmark's figures as Markdown, and the small readings it takes. */
final class ScaleReport {
    private ScaleReport() {
    }

    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable
        }
        return Double.NaN;
    }

    /**
     * Where a JVM's memory goes: the classes with most bytes on its heap, and, when it was started
     * with {@code -XX:NativeMemoryTracking=summary}, its native memory by kind. Written to
     * {@code <file>-heap.txt} and {@code <file>-native.txt}; taken after the timed reads, since the
     * heap histogram collects the heap first.
     */
    static void memoryBreakdown(long pid, Path dir, String name) {
        jcmd(pid, dir.resolve(name + "-native.txt"), "VM.native_memory", "summary");
        jcmd(pid, dir.resolve(name + "-heap.txt"), "GC.class_histogram");
    }

    private static void jcmd(long pid, Path file, String... command) {
        List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid)));
        args.addAll(List.of(command));
        try {
            Process jcmd = new ProcessBuilder(args).redirectErrorStream(true).redirectOutput(file.toFile()).start();
            jcmd.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no jcmd: no breakdown
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Map<String, Double> medianAndP99(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("median", Latencies.round(sorted.get(sorted.size() / 2)));
        out.put("p99", Latencies.round(sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1))));
        return out;
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("# How one replica carries many connectors\n\n");
        md.append("`bench/scale.sh`: a broker and replicas as processes of their own (JVM options `")
                .append(result.get("replica_jvm_options")).append("`), no data plane; ").append(result.get("connectors"))
                .append(" create commands written straight to the command topic in ").append(result.get("commands_written_in_seconds"))
                .append(" s, all decided ").append(result.get("all_decided_after_seconds")).append(" s after the first was written (")
                .append(result.get("decided_per_second")).append(" a second).\n\n");
        md.append("- Restarted on its own data, the replica listed every connector again after ")
                .append(result.get("restart_on_its_data_serves_after_seconds")).append(" s.\n");
        md.append("- A new replica with no data was healthy after ").append(result.get("new_replica_healthy_after_seconds"))
                .append(" s and listed every connector after ").append(result.get("new_replica_lists_all_after_seconds")).append(" s.\n\n");
        md.append("| replica | RSS MiB | peak RSS MiB | list ms (median, p99 of 5) | config read ms (median, p99) | status read ms (median, p99) |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (String phase : List.of("loaded", "restarted", "new_replica")) {
            Map<String, Object> f = (Map<String, Object>) result.get(phase);
            if (f == null) {
                continue;
            }
            md.append("| ").append(phase.replace('_', ' ')).append(" | ").append(f.get("rss_mib")).append(" | ").append(f.get("peak_rss_mib"))
                    .append(" | ").append(pair(f.get("list_ms"))).append(" | ").append(pair(f.get("config_read_ms")))
                    .append(" | ").append(pair(f.get("status_read_ms"))).append(" |\n");
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static String pair(Object value) {
        Map<String, Double> m = (Map<String, Double>) value;
        return m.get("median") + ", " + m.get("p99");
    }
}
