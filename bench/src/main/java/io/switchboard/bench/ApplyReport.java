package io.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The apply benchmark's figures as Markdown, and their medians over the runs: every number of a
 * run (by its path, e.g. {@code switchboard.decided_s}) that every run has.
 */
final class ApplyReport {
    private static final String KC = "kafka_connect.";
    private static final String SB = "switchboard.";

    private ApplyReport() {
    }

    /** Each run's numbers by path, lists of processes keyed by process name. */
    @SuppressWarnings("unchecked")
    static Map<String, Double> flatten(Map<String, Object> run) {
        Map<String, Double> flat = new TreeMap<>();
        flatten("", run, flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object value, Map<String, Double> flat) {
        if (value instanceof Number n) {
            flat.put(prefix, n.doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k, v, flat));
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> m && m.get("process") != null) {
                    flatten(prefix + "." + m.get("process"), m, flat);
                }
            }
        }
    }

    /** The median of every number that every run has, by path. */
    static Map<String, Double> medians(List<Map<String, Object>> runs) {
        List<Map<String, Double>> flat = runs.stream().map(ApplyReport::flatten).toList();
        Map<String, Double> medians = new TreeMap<>();
        for (String path : flat.get(0).keySet()) {
            List<Double> values = values(flat, path);
            if (values.size() == flat.size()) {
                medians.put(path, Latencies.round(median(values)));
            }
        }
        return medians;
    }

    private static List<Double> values(List<Map<String, Double>> flat, String path) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> run : flat) {
            Double v = run.get(path);
            if (v != null && !v.isNaN()) {
                values.add(v);
            }
        }
        return values;
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> report) {
        List<Map<String, Object>> runs = (List<Map<String, Object>>) report.get("runs");
        List<Map<String, Double>> flat = runs.stream().map(ApplyReport::flatten).toList();
        Map<String, Object> machine = (Map<String, Object>) report.get("machine");
        Object n = report.get("connectors");
        StringBuilder md = new StringBuilder("# Apply of ").append(n).append(" connectors from files against ").append(n)
                .append(" direct calls to a Kafka Connect worker\n\n");
        md.append("Measured ").append(report.get("measured_at")).append(" by `").append(report.get("command")).append("` (")
                .append(runs.size()).append(runs.size() == 1 ? " run, " : " runs, ").append(report.get("duration_seconds"))
                .append(" s) on ").append(machine.get("cores")).append(" cores, ").append(machine.get("java")).append(". ")
                .append("Each run: a fresh broker; then a Kafka Connect 4.3.1 worker driven directly; then, once that worker is stopped, ")
                .append("one Switchboard replica in front of a fresh worker of the same kind. Connectors are FileStreamSource, one task ")
                .append("each, each reading a one-line file of its own. Every process is a JVM of its own; CPU-seconds are read from /proc.\n\n")
                .append("- **Kafka Connect, direct**: ").append(n).append(" `PUT /connectors/{name}/config`, one at a time, as a CI ")
                .append("tool's loop sends them (kcctl applies one file at a time; concurrency 1). Answered: the last PUT's answer.\n")
                .append("- **Switchboard, apply**: one `ConnectorSet` and ").append(n).append(" `Connector` documents (one file each) ")
                .append("applied by the command line's own code (`ApplyCommand`, in the benchmark's JVM): the plan (`dry_run=true`), ")
                .append("then the apply with `If-Match`. Decided: the apply's answer, given once the set's decision and every ")
                .append("connector's command it wrote are decided. Then the same files again through `java -jar switchboard.jar apply`.\n")
                .append("- **All RUNNING**: from the first request until the worker's own `GET /connectors?expand=status` shows every ")
                .append("connector and its task RUNNING (both workers read every 500 ms, once all were answered).\n")
                .append("- **Records**: what each topic's end offsets (summed over partitions, transaction markers included) gained from ")
                .append("just before the first request until the side was quiet again, at least `--count-after-s` (65 s unless given) after all were ")
                .append("RUNNING, so that the workers' offset flush (every 60 s) is in it.\n\n");
        md.append(runs.size() == 1 ? "## Figures\n\n" : "## Figures (median of " + runs.size() + " runs; each run in brackets)\n\n");
        md.append("| figure | Kafka Connect, direct | Switchboard, apply |\n|---|---|---|\n");
        row(md, flat, "broker produce acks=all c=1, p50 / p99 ms (floor, measured beside each side)",
                KC + "floor_produce_acks_all.c1.p50_ms", SB + "floor_produce_acks_all.c1.p50_ms", KC + "floor_produce_acks_all.c1.p99_ms",
                SB + "floor_produce_acks_all.c1.p99_ms");
        row(md, flat, "plan answered (`dry_run`), s", null, SB + "plan_answered_s");
        row(md, flat, "all answered (decided), s", KC + "all_answered_s", SB + "decided_s");
        row(md, flat, "each PUT, p50 / p99 ms", KC + "puts.p50_ms", null, KC + "puts.p99_ms", null);
        row(md, flat, "connectors Switchboard listed right after its answer", null, SB + "listed_right_after_answer");
        row(md, flat, "all listed by Switchboard (`GET /connectors`, read every 500 ms from its answer), s", null,
                SB + "all_listed_by_switchboard_s");
        row(md, flat, "all RUNNING with their task on the worker, s", KC + "all_running_on_worker_s", SB + "all_running_on_worker_s");
        row(md, flat, "the set's change `converged` in Switchboard's own progress, s", null, SB + "set_change_converged_s");
        for (String owner : List.of("switchboard", "worker", "data", "kafka-internal", "other")) {
            row(md, flat, "records written: " + ownerName(owner), KC + "records.by_owner." + owner, SB + "records.by_owner." + owner);
        }
        row(md, flat, "CPU-seconds until all RUNNING: broker", KC + "cpu_seconds_until_running.broker", SB + "cpu_seconds_until_running.broker");
        row(md, flat, "CPU-seconds until all RUNNING: worker", KC + "cpu_seconds_until_running.direct-worker",
                SB + "cpu_seconds_until_running.switchboard-worker");
        row(md, flat, "CPU-seconds until all RUNNING: replica", null, SB + "cpu_seconds_until_running.switchboard-replica");
        row(md, flat, "re-apply of the same files: exit status", null, SB + "reapply.exit_status");
        row(md, flat, "re-apply: s, JVM start of the command line included", null, SB + "reapply.seconds_with_jvm_start");
        for (String owner : List.of("switchboard", "worker")) {
            row(md, flat, "re-apply: records written, " + ownerName(owner), null, SB + "reapply.records.by_owner." + owner);
        }
        md.append("\nA figure of 0 records is a topic that gained none. The records of `kafka-internal` are Kafka's own topics ")
                .append("(`__consumer_offsets`, `__transaction_state`), written by whichever side's processes ran then.\n");
        for (int r = 0; r < runs.size(); r++) {
            md.append("\n## Records per topic, run ").append(r + 1).append("\n\n| side | topic | records |\n|---|---|---|\n");
            topics(md, "Kafka Connect", (Map<String, Object>) runs.get(r).get("kafka_connect"));
            Map<String, Object> sb = (Map<String, Object>) runs.get(r).get("switchboard");
            topics(md, "Switchboard, apply", sb);
            topics(md, "Switchboard, re-apply", (Map<String, Object>) sb.get("reapply"));
        }
        md.append("\n## Processes (whole life: start, the side's work, and the counts)\n\n")
                .append("| run | process | CPU s | peak RSS MiB | young GCs | allocated MiB |\n|---|---|---|---|---|---|\n");
        for (int r = 0; r < runs.size(); r++) {
            List<Map<String, Object>> processes = new ArrayList<>();
            processes.addAll((List<Map<String, Object>>) ((Map<String, Object>) runs.get(r).get("kafka_connect")).get("processes"));
            processes.addAll((List<Map<String, Object>>) ((Map<String, Object>) runs.get(r).get("switchboard")).get("processes"));
            processes.add((Map<String, Object>) runs.get(r).get("broker_process"));
            for (Map<String, Object> p : processes) {
                md.append("| ").append(r + 1).append(" | ").append(p.get("process")).append(" | ").append(p.get("cpu_seconds"))
                        .append(" | ").append(p.get("peak_rss_mib")).append(" | ").append(p.getOrDefault("young_gcs", "-"))
                        .append(" | ").append(p.getOrDefault("allocated_mib", "-")).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String ownerName(String owner) {
        return switch (owner) {
            case "switchboard" -> "Switchboard's topics (commands, decisions, changelogs, events)";
            case "worker" -> "the worker's config, status and offset topics";
            case "data" -> "the connectors' data topic";
            case "kafka-internal" -> "Kafka's internal topics";
            default -> "other topics";
        };
    }

    @SuppressWarnings("unchecked")
    private static void topics(StringBuilder md, String side, Map<String, Object> figures) {
        Map<String, Long> byTopic = (Map<String, Long>) ((Map<String, Object>) figures.get("records")).get("by_topic");
        if (byTopic.isEmpty()) {
            md.append("| ").append(side).append(" | (none) | 0 |\n");
        }
        byTopic.forEach((topic, count) -> md.append("| ").append(side).append(" | ").append(topic).append(" | ").append(count).append(" |\n"));
    }

    /** One row: each side's figure (a path, or null for "-"), and with four paths each side as "a / b". */
    private static void row(StringBuilder md, List<Map<String, Double>> flat, String name, String... paths) {
        md.append("| ").append(name).append(" | ");
        if (paths.length == 4) {
            md.append(pair(flat, paths[0], paths[2])).append(" | ").append(pair(flat, paths[1], paths[3])).append(" |\n");
        } else {
            md.append(figure(flat, paths[0], true)).append(" | ").append(figure(flat, paths[1], true)).append(" |\n");
        }
    }

    private static String pair(List<Map<String, Double>> flat, String a, String b) {
        return a == null ? "-" : figure(flat, a, false) + " / " + figure(flat, b, false);
    }

    /** The median, with every run's value in brackets when there are several; a missing number is 0 for records, else "-". */
    private static String figure(List<Map<String, Double>> flat, String path, boolean eachRun) {
        if (path == null) {
            return "-";
        }
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> run : flat) {
            Double v = run.get(path);
            values.add(v == null && path.contains(".records.") ? 0.0 : v);
        }
        if (values.stream().anyMatch(v -> v == null || v.isNaN())) {
            return values.stream().allMatch(v -> v == null) ? "-" : "n/a " + values;
        }
        String median = format(median(values));
        if (!eachRun || values.size() == 1) {
            return median;
        }
        return "**" + median + "** (" + String.join(", ", values.stream().map(ApplyReport::format).toList()) + ")";
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        return v >= 100 ? String.valueOf(Math.round(v)) : String.valueOf(Latencies.round(v));
    }
}
