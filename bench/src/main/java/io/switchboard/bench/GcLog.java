package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JVM's {@code -Xlog:gc} file: how many young collections it made, how long they paused it
 * (median and longest), and how much it allocated (the heap used before each collection, less what
 * the previous one left).
 */
final class GcLog {
    private static final Pattern YOUNG = Pattern.compile("Pause Young .* (\\d+)M->(\\d+)M\\(\\d+M\\) ([\\d.]+)ms");

    private GcLog() {
    }

    static Map<String, Object> summary(Path file) {
        Map<String, Object> figures = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return figures;
        }
        List<Double> pauses = new ArrayList<>();
        long allocated = 0;
        long left = 0;
        for (String line : lines) {
            Matcher m = YOUNG.matcher(line);
            if (m.find()) {
                allocated += Long.parseLong(m.group(1)) - left;
                left = Long.parseLong(m.group(2));
                pauses.add(Double.parseDouble(m.group(3)));
            }
        }
        pauses.sort(null);
        figures.put("young_gcs", pauses.size());
        figures.put("young_gc_pause_p50_ms", pauses.isEmpty() ? 0 : Latencies.round(pauses.get(pauses.size() / 2)));
        figures.put("young_gc_pause_max_ms", pauses.isEmpty() ? 0 : Latencies.round(pauses.get(pauses.size() - 1)));
        figures.put("allocated_mib", allocated);
        return figures;
    }
}
