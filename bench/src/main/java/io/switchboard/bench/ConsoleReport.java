package io.switchboard.bench;

import java.util.Map;

/** The console benchmark's figures as Markdown: medians with their spread (min-max) over the repetitions. */
final class ConsoleReport {
    private ConsoleReport() {
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> result) {
        StringBuilder md = new StringBuilder("# The console with many connectors\n\n");
        md.append("`bench/console.sh`: a broker and a replica as processes of their own (no data plane), ")
                .append(result.get("connectors")).append(" connectors created through the command topic and one observation each ")
                .append("written to the observations topic as the data plane writes them (").append(result.get("failed"))
                .append(" FAILED, the rest RUNNING; no worker runs them), filled in ").append(result.get("filled_in_seconds"))
                .append(" s. Each request ").append(result.get("reps"))
                .append(" times after 3 untimed rounds, the kinds interleaved, with a browser's `Accept-Encoding: gzip, deflate`. ")
                .append(result.get("cores")).append(" cores, load average ").append(result.get("load_average_at_start"))
                .append(" at the start; replica ").append(result.get("replica_jvm_options")).append(", RSS ")
                .append(result.get("replica_rss_mib")).append(" MiB after the measurements.\n\n");
        md.append("| request | connectors | first byte ms, median (min-max) | total ms, median (min-max) | bytes sent (encoding) | bytes |\n")
                .append("|---|---|---|---|---|---|\n");
        rows(md, (Map<String, Object>) result.get("requests"), "Switchboard", result.get("connectors"));
        Map<String, Object> worker = (Map<String, Object>) result.get("kafka_connect");
        if (worker != null) {
            rows(md, (Map<String, Object>) worker.get("requests"), "Kafka Connect 4.3.1", worker.get("connectors"));
        }
        md.append("\nThe first page starts with a FAILED connector: ").append(result.get("first_page_starts_with_failed")).append(".\n");
        Map<String, Object> open = (Map<String, Object>) result.get("events_open");
        md.append("\n`GET /events` opened ").append(((Map<String, Object>) open.get("headers_ms")).get("n"))
                .append(" times (").append(open.get("encoding")).append("): headers after ").append(spread(open.get("headers_ms")))
                .append(" ms (when EventSource fires `open`), its first comment (").append(open.get("first_comment_bytes"))
                .append(" bytes, written once its consumer is at the topic's end) after ").append(spread(open.get("first_comment_ms")))
                .append(" ms.\n");
        md.append("\nFrom writing an observation that changes one connector's state (acks=all, timed from before the send) to its ")
                .append("`ConnectorStatusChanged` event at a client reading `/events` as EventSource does: ")
                .append(percentiles(result.get("observation_to_event_ms"))).append(" ms.\n");
        Map<String, Object> cold = (Map<String, Object>) result.get("cold_health");
        if (cold != null) {
            Map<String, Object> first = (Map<String, Object>) cold.get("cold");
            Map<String, Object> kept = (Map<String, Object>) cold.get("kept");
            md.append("\nLeast healthy first (`").append(cold.get("path")).append("`) right after a status change (one RUNNING ")
                    .append("connector set FAILED, its event awaited), ").append(((Map<String, Object>) first.get("total_ms")).get("n"))
                    .append(" times, load average ").append(cold.get("load_average_at_start")).append(" at the start: the first request ")
                    .append("(every connector and every incident timeline read again) first byte ").append(spread(first.get("first_byte_ms")))
                    .append(" ms, total ").append(spread(first.get("total_ms"))).append(" ms, replica CPU ")
                    .append(spread(cold.get("cold_replica_cpu_ms"))).append(" ms; the same request next (kept) first byte ")
                    .append(spread(kept.get("first_byte_ms"))).append(" ms, total ").append(spread(kept.get("total_ms")))
                    .append(" ms, replica CPU ").append(spread(cold.get("kept_replica_cpu_ms"))).append(" ms. The change showed in ")
                    .append(cold.get("changes_seen_by_the_cold_request")).append(" of them.\n");
        }
        Map<String, Object> browser = (Map<String, Object>) result.get("browser");
        if (browser != null && browser.containsKey("error")) {
            md.append("\nIn the browser: failed, ").append(browser.get("error")).append('\n');
        } else if (browser != null) {
            md.append("\nIn ").append(browser.get("browser")).append(": `/console/` loaded 5 times, the browser's navigation timing ")
                    .append("says first byte after ").append(spread(browser.get("navigation_first_byte_ms"))).append(" ms, response ended after ")
                    .append(spread(browser.get("navigation_response_end_ms"))).append(" ms, ").append(browser.get("navigation_transfer_bytes"))
                    .append(" bytes received (").append(browser.get("navigation_decoded_bytes")).append(" decoded). ")
                    .append(browser.get("changes")).append(" connectors set FAILED one at a time by an observation: its event at the ")
                    .append("page's EventSource after ").append(percentiles(browser.get("observation_to_event_ms")))
                    .append(" ms; its row in the table as FAILED (the page reads its table again on the event) after ")
                    .append(percentiles(browser.get("observation_to_row_ms"))).append(" ms.\n");
        }
        if (worker != null) {
            md.append("\nThe Kafka Connect worker (same broker, same machine, run after the replica's measurements) had ")
                    .append(worker.get("connectors")).append(" FileStreamSource connectors created with `initial_state` STOPPED ")
                    .append("through its REST API at concurrency 4, in ").append(worker.get("created_stopped_in_seconds"))
                    .append(" s; its peak RSS ").append(worker.get("worker_peak_rss_mib")).append(" MiB.\n");
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void rows(StringBuilder md, Map<String, Object> requests, String target, Object connectors) {
        requests.forEach((label, value) -> {
            Map<String, Object> figures = (Map<String, Object>) value;
            md.append("| ").append(target).append(": ").append(label).append(" (`").append(figures.get("path")).append("`) | ")
                    .append(connectors).append(" | ").append(spread(figures.get("first_byte_ms"))).append(" | ")
                    .append(spread(figures.get("total_ms"))).append(" | ").append(figures.get("wire_bytes")).append(" (")
                    .append(figures.get("encoding")).append(") | ").append(figures.get("bytes")).append(" |\n");
        });
    }

    @SuppressWarnings("unchecked")
    private static String spread(Object figures) {
        Map<String, Object> f = (Map<String, Object>) figures;
        return f.get("median") + " (" + f.get("min") + "-" + f.get("max") + ")";
    }

    @SuppressWarnings("unchecked")
    private static String percentiles(Object figures) {
        Map<String, Object> f = (Map<String, Object>) figures;
        return "median " + f.get("median") + ", p95 " + f.get("p95") + ", min " + f.get("min") + ", max " + f.get("max")
                + " (" + f.get("n") + " changes)";
    }
}
