package io.switchboard.faults;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.HistoryChecker.Violation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's figures: per fault kind (and "calm", when none was in force), the ops invoked while it
 * was, how many were acknowledged, refused or left unknown, how many of them were lost or applied
 * twice, and how long the system took to recover once it was healed; then every violation, and how
 * long the worker took to converge after the last client stopped.
 */
record FaultReport(long seed, long seconds, double setupSeconds, List<Op> ops, List<Nemesis.Window> windows,
                   List<Violation> violations, Map<String, List<Version>> histories, long convergeMillis,
                   long clientsStoppedNanos, List<Map<String, Object>> samples, Map<String, Integer> recordsByTopic) {

    void write(Path out) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", seed);
        json.put("client_seconds", clientsStoppedNanos / 1e9);
        json.put("setup_seconds", Math.round(setupSeconds));
        json.put("ops", ops.size());
        json.put("versions", histories.values().stream().mapToInt(List::size).sum());
        json.put("by_fault", byFault());
        json.put("by_kind", byKind());
        json.put("faults", windows.stream().map(Nemesis::describe).toList());
        json.put("converge_after_clients_stopped_ms", convergeMillis);
        json.put("violations", violations.stream().map(Violation::toString).toList());
        json.put("records_by_topic", recordsByTopic);
        json.put("records_per_acknowledged_command", recordsPerCommand());
        json.put("samples", samples);
        FaultClients.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("faults.json").toFile(), json);
        Files.writeString(out.resolve("faults.md"), markdown());
    }

    private double recordsPerCommand() {
        long commands = ops.stream().filter(op -> op.acknowledged() && op.kind() != Op.Kind.READ).count();
        return commands == 0 ? 0 : recordsByTopic.values().stream().mapToInt(Integer::intValue).sum() / (double) commands;
    }

    private Map<String, Map<String, Object>> byFault() {
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (Nemesis.Window window : windows) {
            rows.putIfAbsent(window.kind(), new LinkedHashMap<>());
        }
        rows.put("calm", new LinkedHashMap<>());
        for (String fault : rows.keySet()) {
            List<Op> during = ops.stream().filter(op -> Nemesis.faultAt(windows, op.invokedNanos()).equals(fault)).toList();
            Map<String, Object> row = rows.get(fault);
            row.put("issued", during.size());
            row.put("acknowledged", during.stream().filter(Op::acknowledged).count());
            row.put("refused", during.stream().filter(op -> op.outcome() == Op.Outcome.REFUSED).count());
            row.put("unknown", during.stream().filter(op -> op.outcome() == Op.Outcome.UNKNOWN).count());
            row.put("over_1s", during.stream().filter(op -> op.completedNanos() - op.invokedNanos() > 1_000_000_000L).count());
            row.put("lost", count("LOST", during));
            row.put("applied_twice", count("APPLIED_TWICE", during));
            row.put("other_violations", violations.stream().filter(v -> !v.kind().equals("LOST") && !v.kind().equals("APPLIED_TWICE"))
                    .filter(v -> during.stream().anyMatch(op -> op.id() == v.opId())).count());
            List<Long> recoveries = windows.stream().filter(w -> w.kind().equals(fault)).map(Nemesis.Window::recoveryMillis).toList();
            row.put("recovery_ms", recoveries);
            List<Long> sorted = recoveries.stream().sorted().toList();
            row.put("recovery_median_ms", sorted.isEmpty() ? null : sorted.get(sorted.size() / 2));
            row.put("recovery_max_ms", sorted.isEmpty() ? null : sorted.get(sorted.size() - 1));
        }
        return rows;
    }

    private long count(String kind, List<Op> during) {
        return violations.stream().filter(v -> v.kind().equals(kind))
                .filter(v -> during.stream().anyMatch(op -> op.id() == v.opId())).count();
    }

    private Map<String, Map<String, Long>> byKind() {
        Map<String, Map<String, Long>> rows = new TreeMap<>();
        for (Op op : ops) {
            rows.computeIfAbsent(op.kind().name(), k -> new TreeMap<>()).merge(op.outcome().name(), 1L, Long::sum);
        }
        return rows;
    }

    private String markdown() {
        StringBuilder md = new StringBuilder("# Fault run\n\n");
        md.append("Seed ").append(seed).append("; clients ran ").append(Math.round(clientsStoppedNanos / 1e9))
                .append(" s after a ").append(Math.round(setupSeconds)).append(" s start; ").append(ops.size()).append(" ops, ")
                .append(histories.values().stream().mapToInt(List::size).sum()).append(" versions.\n\n");
        md.append("| fault | issued | acknowledged | refused | unknown | over 1 s | lost | applied twice | other violations | recovery ms, median | max |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        byFault().forEach((fault, row) -> md.append("| ").append(fault).append(" | ").append(row.get("issued")).append(" | ")
                .append(row.get("acknowledged")).append(" | ").append(row.get("refused")).append(" | ").append(row.get("unknown"))
                .append(" | ").append(row.get("over_1s")).append(" | ").append(row.get("lost")).append(" | ").append(row.get("applied_twice")).append(" | ")
                .append(row.get("other_violations")).append(" | ").append(row.get("recovery_median_ms")).append(" | ")
                .append(row.get("recovery_max_ms")).append(" |\n"));
        md.append("\nThe worker matched every history ").append(convergeMillis).append(" ms after the clients stopped.\n\n");
        md.append("| op | outcomes |\n|---|---|\n");
        byKind().forEach((kind, outcomes) -> md.append("| ").append(kind).append(" | ").append(outcomes).append(" |\n"));
        md.append("\nRecords in every topic per acknowledged command (compacted topics count what compaction has kept): ")
                .append(String.format("%.1f", recordsPerCommand())).append(".\n\n");
        if (samples.size() >= 2) {
            md.append("| replica | first sample | last sample |\n|---|---|---|\n");
            samples.get(samples.size() - 1).keySet().stream().filter(k -> !k.equals("at_s")).forEach(replica -> md.append("| ")
                    .append(replica).append(" | ").append(samples.get(0).get(replica)).append(" | ")
                    .append(samples.get(samples.size() - 1).get(replica)).append(" |\n"));
        }
        md.append("\n## Violations: ").append(violations.size()).append("\n\n");
        List<String> lines = new ArrayList<>();
        violations.forEach(v -> lines.add("- " + v));
        md.append(String.join("\n", lines)).append("\n");
        return md.toString();
    }

    /**
     * The processes' logs (GC logs too) beside the figures, so that a fault's recovery can be
     * explained from them after the run; the previous run's are replaced.
     */
    static void keepLogs(Path from, Path to) throws IOException {
        if (Files.isDirectory(to)) {
            try (var old = Files.list(to)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(to);
        try (var logs = Files.list(from)) {
            for (Path log : logs.toList()) {
                Files.copy(log, to.resolve(log.getFileName()));
            }
        }
        System.out.println("[faults] the processes' logs are in " + to);
    }
}
