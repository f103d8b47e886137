package io.switchboard.api;

import io.switchboard.testing.TopicScan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * Numbered lines a FileStream source reads ({@code PREFIX00001} ...), and how many times each is in
 * a topic: how the tests of offsets tell a line emitted once from one emitted again or never.
 */
final class NumberedLines {
    private final String prefix;

    NumberedLines(String prefix) {
        this.prefix = prefix;
    }

    String line(int n) {
        return prefix + String.format("%05d", n);
    }

    /** Appends lines {@code from} to {@code to}, both included. */
    void append(Path input, int from, int to) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int n = from; n <= to; n++) {
            lines.append(line(n)).append('\n');
        }
        Files.writeString(input, lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** How many times each line is in the topic now, read with {@code client}'s settings. */
    Map<String, Integer> emitted(Map<String, Object> client, String topic) {
        Map<String, Integer> counts = new TreeMap<>();
        int length = line(0).length();
        for (byte[] part : TopicScan.readAll(client, topic)) {
            String text = new String(part, StandardCharsets.UTF_8);
            int at = text.indexOf(prefix);
            if (at >= 0 && at + length <= text.length()) {
                counts.merge(text.substring(at, at + length), 1, Integer::sum);
            }
        }
        return counts;
    }

    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }
}
