package io.switchboard.bench;

import java.util.List;
import java.util.Map;

/** {@code scrape.json} as Markdown: one table row per scrape kind, each with medians and spreads. */
final class ScrapeReport {
    private ScrapeReport() {
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("# Scrapes of /metrics/connectors (`bench/scrape.sh`)\n\n");
        md.append("Measured ").append(result.get("measured_at")).append(": ").append(result.get("connectors"))
                .append(" connectors in ").append(((List<String>) result.get("clusters")).size()).append(" clusters ")
                .append(result.get("clusters")).append(", ").append(result.get("events_written"))
                .append(" lifecycle events, folded ").append(fmt(result.get("folded_after_seconds")))
                .append(" s after the first was written; replica `").append(result.get("replica_jvm_options")).append("`, ")
                .append(result.get("java")).append(", ").append(result.get("cores")).append(" cores, load average ")
                .append(fmt(result.get("load_average_at_start"))).append(" at start and ").append(fmt(result.get("load_average_at_end")))
                .append(" at end. ").append(result.get("scrapes")).append(" timed scrapes each way after ")
                .append(result.get("warmups")).append(" untimed, interleaved; median (min-max).\n\n");
        md.append("| replica | Accept-Encoding | series | bytes on the wire | bytes decoded | first byte ms | total ms | replica CPU s per scrape |"
                + " of it HTTP threads | of it GC threads | idle CPU s/s | RSS MiB (peak) | young GCs in the timed scrapes | MiB allocated per scrape |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        row(md, "all " + result.get("connectors"), (Map<String, Object>) result.get("all"));
        Map<String, Object> bounded = (Map<String, Object>) result.get("bounded");
        if (bounded != null) {
            row(md, "`--health-max-connectors " + bounded.get("health_max_connectors") + "`", bounded);
            md.append("\nThe bounded replica is the same one restarted on its data: it read the lifecycle topic again and showed its ")
                    .append(bounded.get("health_max_connectors")).append(" connectors ")
                    .append(fmt(bounded.get("restarted_and_folded_after_seconds"))).append(" s after it was stopped.\n");
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void row(StringBuilder md, String replica, Map<String, Object> figures) {
        for (String kind : List.of("gzip", "identity")) {
            Map<String, Object> s = (Map<String, Object>) figures.get(kind);
            md.append("| ").append(replica).append(" | ").append(kind.equals("gzip") ? "gzip (" + s.get("encoding") + ")" : "none")
                    .append(" | ").append(range(s.get("series"))).append(" | ").append(range(s.get("wire_bytes")))
                    .append(" | ").append(range(s.get("bytes"))).append(" | ").append(spread(s.get("first_byte_ms")))
                    .append(" | ").append(spread(s.get("total_ms"))).append(" | ").append(spread(s.get("replica_cpu_seconds")))
                    .append(" | ").append(spread(s.get("http_threads_cpu_seconds"))).append(" | ").append(spread(s.get("gc_cpu_seconds")))
                    .append(" | ").append(fmt(figures.get("idle_cpu_seconds_per_second"))).append(" | ").append(fmt(figures.get("rss_mib")))
                    .append(" (").append(fmt(figures.get("peak_rss_mib"))).append(") | ").append(figures.get("young_gcs_during_timed_scrapes"))
                    .append(" | ").append(fmt(figures.get("allocated_mib_per_scrape"))).append(" |\n");
        }
    }

    @SuppressWarnings("unchecked")
    private static String spread(Object value) {
        Map<String, Object> s = (Map<String, Object>) value;
        return fmt(s.get("median")) + " (" + fmt(s.get("min")) + "-" + fmt(s.get("max")) + ")";
    }

    /** Three significant figures or so: 1,234, 123, 12.3, 1.23, 0.123. */
    static String fmt(Object value) {
        if (!(value instanceof Number number)) {
            return String.valueOf(value);
        }
        double v = number.doubleValue();
        double a = Math.abs(v);
        return a >= 100 ? String.format("%,.0f", v) : a >= 10 ? String.format("%.1f", v) : a >= 1 ? String.format("%.2f", v)
                : String.format("%.3f", v);
    }

    @SuppressWarnings("unchecked")
    private static String range(Object value) {
        Map<String, Object> s = (Map<String, Object>) value;
        return s.get("min").equals(s.get("max")) ? String.format("%,d", ((Number) s.get("median")).longValue())
                : String.format("%,d (%,d-%,d)", ((Number) s.get("median")).longValue(), ((Number) s.get("min")).longValue(),
                ((Number) s.get("max")).longValue());
    }
}
