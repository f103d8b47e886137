package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.ServiceException;
import io.switchboard.core.SinkLagReadings;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static io.switchboard.console.Html.text;

/**
 * A sink connector's lag in records over its last readings ({@link SinkLagReadings}: the sink-lag
 * reader's, one each {@code --health-sink-lag-interval-s}), drawn on the server as an SVG sparkline
 * with the last reading and the highest in words. The readings are no lifecycle events, so the
 * event stream does not announce them: the section reads itself again at the reader's interval, and
 * on the connector's status changes and the stream's (re)opening like the rest of the page.
 */
final class LagSparkline {
    private static final int WIDTH = 300;
    private static final int HEIGHT = 40;
    private final CoreServices core;
    private final SinkLagReadings readings;

    LagSparkline(CoreServices core, SinkLagReadings readings) {
        this.core = core;
        this.readings = readings;
    }

    /** The section on a sink connector's page; it loads the sparkline at once. */
    static String placeholder(String base) {
        return "<h2>Sink lag</h2><div id=\"lag\" hx-get=\"" + text(base) + "/lag\" hx-trigger=\"load\" hx-swap=\"outerHTML\">reading…</div>";
    }

    void fragment(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("connector");
        // The connector must exist and be the caller's to see: a NotFound otherwise, like every other section.
        if ("source".equals(core.connectors().connector(ConnectorPage.scope(ctx, cluster), name).type())) {
            throw new ServiceException.InvalidRequest("Connector " + name + " is a source connector: only a sink connector has a lag");
        }
        Duration every = readings.interval();
        String base = ConnectorPage.base(cluster, name);
        StringBuilder out = new StringBuilder("<div id=\"lag\" hx-get=\"").append(text(base)).append("/lag\" hx-trigger=\"every ")
                .append(every.toSeconds()).append("s, htmx:sseOpen from:body, sse:ConnectorStatusChanged queue:last\" hx-swap=\"outerHTML\">");
        out.append(svg(readings.readings(cluster, name), every)).append("</div>");
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    /** The sparkline and its words; a sentence saying why when there is no reading. */
    static String svg(List<SinkLagReadings.Reading> points, Duration every) {
        if (points.isEmpty()) {
            return "<p class=\"lag-none\">No lag read yet: the sink's consumer group has committed no offset, or this replica"
                    + " reads no sink lag (<code>--health-series false</code>).</p>";
        }
        long highest = points.stream().mapToLong(SinkLagReadings.Reading::records).max().orElse(0);
        long max = Math.max(1, highest);
        long first = points.get(0).at().toEpochMilli();
        long last = points.get(points.size() - 1).at().toEpochMilli();
        double span = Math.max(1, last - first);
        StringBuilder line = new StringBuilder();
        for (SinkLagReadings.Reading p : points) {
            double x = points.size() == 1 ? WIDTH : (p.at().toEpochMilli() - first) / span * WIDTH;
            double y = HEIGHT - 2 - (double) p.records() / max * (HEIGHT - 4);
            line.append(line.isEmpty() ? "" : " ").append(num(x)).append(',').append(num(y));
        }
        SinkLagReadings.Reading now = points.get(points.size() - 1);
        StringBuilder out = new StringBuilder("<svg class=\"spark\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-label=\"Lag in records, ")
                .append(points.size()).append(" readings from ").append(Instant.ofEpochMilli(first)).append(" to ").append(Instant.ofEpochMilli(last))
                .append("\"><line class=\"base\" x1=\"0\" y1=\"").append(HEIGHT - 2).append("\" x2=\"").append(WIDTH).append("\" y2=\"")
                .append(HEIGHT - 2).append("\"/><polyline fill=\"none\" stroke-width=\"2\" points=\"").append(line).append("\"/></svg>");
        out.append("<p class=\"figures\">Lag now <strong class=\"lag-now\">").append(now.records()).append(now.records() == 1 ? " record" : " records")
                .append("</strong>").append(now.records() > 0 ? age(now.age()) : "").append(" (read at ").append(now.at()).append(") · highest ").append(highest)
                .append(" over the last ").append(minutes(last - first + every.toMillis())).append(", a reading every ")
                .append(every.toSeconds()).append(" s</p>");
        return out.toString();
    }

    /** The age of the oldest unconsumed record, in words; nothing when it is not known. */
    private static String age(Duration age) {
        if (age == null) {
            return "";
        }
        long s = age.toSeconds();
        String words = s < 120 ? s + " s" : s < 7200 ? (s / 60) + " min" : (s / 3600) + " h";
        return ", the oldest not consumed <strong class=\"lag-age\">" + words + " old</strong>";
    }

    private static String minutes(long millis) {
        long s = Math.round(millis / 1000.0);
        return s < 120 ? s + " s" : (s / 60) + " min";
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
