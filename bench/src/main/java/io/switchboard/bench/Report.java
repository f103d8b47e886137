package io.switchboard.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown rendering of a comparison's figures (the JSON report, as maps and lists). */
final class Report {
    private Report() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    /** The properties every worker was given over the stock ones (none unless {@code --worker-props}). */
    static List<String> workerProps(Map<String, Object> report) {
        return strings(report.get("worker_props"));
    }

    /** The options that made the run partial (none for a full run, or a run from before they were recorded). */
    static List<String> partialOptions(Map<String, Object> report) {
        return strings(report.get("partial_options"));
    }

    private static List<String> strings(Object listed) {
        return listed instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (v >= 0.1 || v == 0) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b <= 0 ? "-" : fmt(a / b) + "x";
    }

    /** A ratio of two phases, marked when either had answers outside 2xx (its latencies then include failures). */
    static String ratio(Map<String, Object> a, Map<String, Object> b, String key) {
        String r = ratio(val(a, key), val(b, key));
        return r.equals("-") || (failures(a) == 0 && failures(b) == 0) ? r : r + " †";
    }

    static int failures(Map<String, Object> phase) {
        if (phase == null || phase.get("non_2xx") == null) {
            return 0;
        }
        int n = 0;
        for (Object v : map(phase.get("non_2xx")).values()) {
            n += (int) num(v);
        }
        return n;
    }

    /** The floor (produce round trip) at the concurrency of an operation, of the run or of one target. */
    static Map<String, Object> floorFor(Map<String, Object> reportOrTarget, int concurrency) {
        Map<String, Object> floor = map(reportOrTarget.get("floor_produce_acks_all"));
        return map(floor.get(concurrency == 1 ? "c1" : "c16"));
    }

    static Map<String, Object> target(Map<String, Object> report, String name) {
        for (Map<String, Object> t : list(report.get("targets"))) {
            if (name.equals(t.get("target"))) {
                return t;
            }
        }
        return null;
    }

    static List<String> operations(Map<String, Object> report) {
        List<String> ops = new ArrayList<>();
        for (Map<String, Object> t : list(report.get("targets"))) {
            for (String op : map(t.get("phases")).keySet()) {
                if (!ops.contains(op)) {
                    ops.add(op);
                }
            }
        }
        return ops;
    }

    static Map<String, Object> phase(Map<String, Object> target, String op) {
        return target == null ? null : map(map(target.get("phases")).get(op));
    }

    static String markdown(Map<String, Object> report) {
        StringBuilder md = new StringBuilder();
        Map<String, Object> machine = map(report.get("machine"));
        int n = (int) num(report.get("connectors"));
        md.append("# Switchboard vs Kafka Connect 4.3.1\n\n");
        md.append("Measured ").append(report.get("measured_at")).append(" by `bench/run.sh")
                .append(Boolean.TRUE.equals(report.get("quick")) ? " --quick" : "").append("`")
                .append(" (").append(Boolean.TRUE.equals(report.get("quick")) ? "quick run"
                        : partialOptions(report).isEmpty() ? "full run" : "partial run: " + String.join(" ", partialOptions(report)))
                .append(", N = ").append(n).append(" connectors, ").append(fmt(num(report.get("duration_seconds"))))
                .append(" s) on ").append(machine.get("cores")).append(" cores, ").append(machine.get("memory_mib"))
                .append(" MiB, ").append(machine.get("java")).append(". One broker for everything; each target drives a fresh ")
                .append("Kafka Connect 4.3.1 worker of its own")
                .append(workerProps(report).isEmpty() ? "" : " (every worker with " + String.join(", ", workerProps(report)) + ")")
                .append(report.get("lower_priority") == null ? "" : "; the replicas' threads named like `"
                        + report.get("lower_priority") + "` ran at nice " + LowerPriority.NICE + " (`--lower-priority`)")
                .append("; targets run one after another. Connectors are FileStreamSource ")
                .append("with one task, each reading its own one-line file. Latencies are as the client saw them, in ms; ")
                .append(report.get("retry_policy")).append(".\n\n");

        List<Map<String, Object>> targets = list(report.get("targets"));
        md.append("## Latency\n\n");
        md.append("| operation | concurrency | target | ops | p50 ms | p90 ms | p99 ms | max ms | ops/s | non-2xx by code | retried answers |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String c : List.of("c1", "c16")) {
            for (Map<String, Object> t : targets) {
                Map<String, Object> f = map(map(t.get("floor_produce_acks_all")).get(c));
                md.append("| broker produce acks=all (floor) | ").append(c.substring(1)).append(" | broker, ")
                        .append(t.get("label")).append(" up | ")
                        .append(f.get("count")).append(" | ").append(fmt(num(f.get("p50_ms")))).append(" | ")
                        .append(fmt(num(f.get("p90_ms")))).append(" | ").append(fmt(num(f.get("p99_ms")))).append(" | ")
                        .append(fmt(num(f.get("max_ms")))).append(" | - | - | - |\n");
            }
        }
        for (String op : operations(report)) {
            for (Map<String, Object> t : targets) {
                Map<String, Object> p = phase(t, op);
                if (p == null) {
                    continue;
                }
                md.append("| ").append(op).append(" | ").append(p.get("concurrency")).append(" | ").append(t.get("label"))
                        .append(" | ").append(p.get("count")).append(" | ").append(fmt(num(p.get("p50_ms")))).append(" | ")
                        .append(fmt(num(p.get("p90_ms")))).append(" | ").append(fmt(num(p.get("p99_ms")))).append(" | ")
                        .append(fmt(num(p.get("max_ms")))).append(" | ").append(fmt(num(p.get("ops_per_second")))).append(" | ")
                        .append(codes(p.get("non_2xx"))).append(" | ").append(codes(p.get("retried_answers"))).append(" |\n");
            }
        }

        Map<String, Object> kc = target(report, CompareBenchmark.KAFKA_CONNECT);
        List<Map<String, Object>> sbs = new ArrayList<>();
        for (Map<String, Object> t : targets) {
            if (!CompareBenchmark.KAFKA_CONNECT.equals(t.get("target"))) {
                sbs.add(t);
            }
        }
        md.append("\n## Ratios (same run)\n\n");
        md.append("Switchboard / Kafka Connect, and each target / floor (the produce round trip at the operation's concurrency, ");
        md.append("measured while that target was up and idle); ");
        md.append("below 1x means Switchboard answered faster.\n\n");
        StringBuilder head = new StringBuilder("| operation | concurrency |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Map<String, Object> sb : sbs) {
            head.append(" ").append(sb.get("label")).append(" / Kafka Connect p50 | p99 |");
            rule.append("---|---|");
        }
        for (Map<String, Object> t : targets) {
            head.append(" ").append(t.get("label")).append(" / floor p50 | p99 |");
            rule.append("---|---|");
        }
        md.append(head).append("\n").append(rule).append("\n");
        for (String op : operations(report)) {
            Map<String, Object> any = null;
            for (Map<String, Object> t : targets) {
                any = any != null ? any : phase(t, op);
            }
            int concurrency = (int) num(any.get("concurrency"));
            md.append("| ").append(op).append(" | ").append(concurrency).append(" |");
            Map<String, Object> kp = phase(kc, op);
            for (Map<String, Object> sb : sbs) {
                Map<String, Object> sp = phase(sb, op);
                md.append(" ").append(ratio(sp, kp, "p50_ms")).append(" | ")
                        .append(ratio(sp, kp, "p99_ms")).append(" |");
            }
            for (Map<String, Object> t : targets) {
                Map<String, Object> tp = phase(t, op);
                Map<String, Object> floor = floorFor(t, concurrency);
                md.append(" ").append(ratio(tp, floor, "p50_ms")).append(" | ")
                        .append(ratio(tp, floor, "p99_ms")).append(" |");
            }
            md.append("\n");
        }
        md.append("\n† some answers of this phase were not 2xx (see the latency table): its percentiles include those answers.\n");

        md.append("\n## Time until all ").append(n).append(" connectors are RUNNING (or PAUSED, or gone)\n\n");
        md.append("Seconds from the phase's first request until `GET /connectors?expand=status` on the target shows every connector ");
        md.append("and its task RUNNING (PAUSED after pauses; or `GET /connectors` on the target and on the worker lists none), polled every 250 ms; ");
        md.append("in brackets, when the worker itself showed it (polled once a second, so as not to load it more than the ");
        md.append("same measurement loads a worker driven directly). Each target first ran every phase once on fewer connectors, ");
        md.append("untimed, so that these are warm JVMs.\n\n");
        md.append("| round |");
        StringBuilder r2 = new StringBuilder("|---|");
        for (Map<String, Object> t : targets) {
            md.append(" ").append(t.get("label")).append(" s |");
            r2.append("---|");
        }
        for (Map<String, Object> sb : sbs) {
            md.append(" ").append(sb.get("label")).append(" / Kafka Connect |");
            r2.append("---|");
        }
        md.append("\n").append(r2).append("\n");
        List<Map<String, Object>> kcRunning = kc == null ? null : list(kc.get("running"));
        int rounds = list(targets.get(0).get("running")).size();
        for (int i = 0; i < rounds; i++) {
            md.append("| ").append(list(targets.get(0).get("running")).get(i).get("round")).append(" |");
            for (Map<String, Object> t : targets) {
                Map<String, Object> r = list(t.get("running")).get(i);
                md.append(" ").append(runningCell(r)).append(" |");
            }
            for (Map<String, Object> sb : sbs) {
                Map<String, Object> r = list(sb.get("running")).get(i);
                md.append(" ").append(kcRunning == null || !Boolean.TRUE.equals(r.get("reached")) ? "-" : ratio(num(r.get("seconds_from_first_request")),
                        num(kcRunning.get(i).get("seconds_from_first_request")))).append(" |");
            }
            md.append("\n");
        }

        settling(md, targets);

        md.append("\n## List size\n\n| target | `GET /connectors?expand=status&expand=info` bytes with ").append(n)
                .append(" connectors |\n|---|---|\n");
        for (Map<String, Object> t : targets) {
            Map<String, Object> p = phase(t, "list expand=status,info");
            if (p != null) {
                md.append("| ").append(t.get("label")).append(" | ").append(p.get("answer_bytes_p50")).append(" |\n");
            }
        }

        md.append("\n## Processes\n\nPeak RSS (VmHWM) and CPU seconds (user + system) of each JVM, read from /proc just before it was ");
        md.append("stopped. The broker serves every target; its CPU during each target's workload is listed apart. ");
        md.append("Young collections, their pauses and the MiB allocated are read from each JVM's `-Xlog:gc` file (`logs/<process>-gc.log`), ");
        md.append("for the whole life of the process (warm-up included).\n\n");
        md.append("| target | process | peak RSS MiB | CPU s | young GCs | GC pause p50 / max ms | allocated MiB |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> t : targets) {
            double rss = 0;
            double cpu = 0;
            for (Map<String, Object> p : list(t.get("processes"))) {
                md.append("| ").append(t.get("label")).append(" | ").append(p.get("role")).append(" (").append(p.get("process"))
                        .append(") | ").append(fmt(num(p.get("peak_rss_mib")))).append(" | ")
                        .append(fmt(num(p.get("cpu_seconds")))).append(" | ").append(gc(p)).append(" |\n");
                rss += num(p.get("peak_rss_mib"));
                cpu += num(p.get("cpu_seconds"));
            }
            md.append("| ").append(t.get("label")).append(" | all its processes | ").append(fmt(rss)).append(" | ")
                    .append(fmt(cpu)).append(" | - | - | - |\n");
            md.append("| ").append(t.get("label")).append(" | broker, during this target's workload | - | ")
                    .append(fmt(num(t.get("broker_cpu_seconds_during_workload")))).append(" | - | - | - |\n");
        }
        Map<String, Object> b = map(report.get("broker_process"));
        md.append("| all | ").append(b.get("role")).append(", whole run | ").append(fmt(num(b.get("peak_rss_mib"))))
                .append(" | ").append(fmt(num(b.get("cpu_seconds")))).append(" | ").append(gc(b)).append(" |\n");
        md.append("\n## Chart\n\np50, p90, p99 and max of each operation per target (ms, log scale), with the floor dashed:\n\n");
        md.append("![latency percentiles per target](latency.png)\n");
        return md.toString();
    }

    /**
     * How long each target took to fall quiet before each timed round: the same rule for every
     * target, so a tail of work left by the previous round shows here rather than in the next round.
     */
    private static void settling(StringBuilder md, List<Map<String, Object>> targets) {
        List<Map<String, Object>> first = list(targets.get(0).get("settled_before"));
        if (first == null || first.isEmpty()) {
            return;
        }
        md.append("\n## Settling before each timed round\n\nBefore each timed round the benchmark waits until the target's processes and ")
                .append("the broker together have used at most ").append(ProcessReadings.QUIET_CPU_PER_SECOND)
                .append(" CPU-seconds a second for ").append(ProcessReadings.QUIET_SECONDS)
                .append(" seconds in a row (or gives up waiting), so that what one round leaves behind is not counted in the next. ")
                .append("Seconds waited (an asterisk: still busy when it gave up):\n\n| before |");
        StringBuilder r2 = new StringBuilder("|---|");
        for (Map<String, Object> t : targets) {
            md.append(" ").append(t.get("label")).append(" s |");
            r2.append("---|");
        }
        md.append("\n").append(r2).append("\n");
        for (int i = 0; i < first.size(); i++) {
            md.append("| ").append(first.get(i).get("before")).append(" |");
            for (Map<String, Object> t : targets) {
                List<Map<String, Object>> settled = list(t.get("settled_before"));
                Map<String, Object> one = settled == null || settled.size() <= i ? null : settled.get(i);
                md.append(" ").append(one == null ? "-" : fmt(num(one.get("seconds"))) + (Boolean.TRUE.equals(one.get("quiet")) ? "" : "*"))
                        .append(" |");
            }
            md.append("\n");
        }
    }

    /** A process's young collections, their pauses and what it allocated; dashes for a run that did not log them. */
    private static String gc(Map<String, Object> p) {
        if (p.get("young_gcs") == null) {
            return "- | - | -";
        }
        return p.get("young_gcs") + " | " + fmt(num(p.get("young_gc_pause_p50_ms"))) + " / " + fmt(num(p.get("young_gc_pause_max_ms")))
                + " | " + fmt(num(p.get("allocated_mib")));
    }

    private static String runningCell(Map<String, Object> r) {
        String worker = r.containsKey("seconds_until_on_worker")
                ? " (worker " + fmt(num(r.get("seconds_until_on_worker"))) + ")" : "";
        if (!Boolean.TRUE.equals(r.get("reached"))) {
            return "not seen on the target; gave up after " + fmt(num(r.get("gave_up_after_seconds"))) + " s" + worker;
        }
        return fmt(num(r.get("seconds_from_first_request"))) + worker;
    }

    private static double val(Map<String, Object> phase, String key) {
        return phase == null ? Double.NaN : num(phase.get(key));
    }

    private static String codes(Object codes) {
        Map<String, Object> m = map(codes);
        if (m == null || m.isEmpty()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        m.forEach((code, count) -> s.append(s.length() == 0 ? "" : ", ").append(code).append(": ").append(count));
        return s.toString();
    }
}
