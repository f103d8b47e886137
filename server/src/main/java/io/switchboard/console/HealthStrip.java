package io.switchboard.console;

import io.javalin.http.Context;
import io.switchboard.core.ConnectorHealth;
import io.switchboard.core.CoreServices;
import io.switchboard.rules.HealthWindow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import static io.switchboard.console.Html.text;

/**
 * A connector's health over the last 24 hours or 7 days, drawn on the server as SVG: a strip of its
 * states (running well, failed, not existing), each failure a mark linked to its entry in the
 * incident timeline, and the window's availability, failures, restarts and times to recover. The
 * section replaces itself when the connector's events arrive (live over the event stream).
 */
final class HealthStrip {
    static final String CHANGES = "htmx:sseOpen from:body, sse:ConnectorStatusChanged queue:last, sse:AutoRestarted queue:last, "
            + "sse:RestartRequested queue:last, sse:ReconcileRequested queue:last, sse:DriftRepaired queue:last";
    private static final int WIDTH = 1000;
    private final CoreServices core;
    private final Clock clock;
    private final Duration flapWindow;

    HealthStrip(CoreServices core, Clock clock, Duration flapWindow) {
        this.core = core;
        this.clock = clock;
        this.flapWindow = flapWindow;
    }

    /** The placeholder the connector page holds; it loads the strip at once. */
    static String placeholder(String base) {
        return "<h2>Health</h2><div id=\"health\" hx-get=\"" + text(base) + "/health?span=24h\" hx-trigger=\"load\""
                + " hx-swap=\"outerHTML\">reading…</div>";
    }

    void fragment(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        String name = ctx.pathParam("connector");
        boolean week = "7d".equals(ctx.queryParam("span"));
        Duration span = week ? Duration.ofDays(7) : Duration.ofHours(24);
        Instant to = clock.instant();
        Instant from = to.minus(span);
        ConnectorHealth.Strip strip = ConnectorHealth.strip(core.connectors(), ConnectorPage.scope(ctx, cluster), name, from, to,
                flapWindow);
        String base = ConnectorPage.base(cluster, name);
        String self = base + "/health?span=" + (week ? "7d" : "24h");
        StringBuilder out = new StringBuilder("<div id=\"health\" hx-get=\"").append(text(self)).append("\" hx-trigger=\"")
                .append(CHANGES).append("\" hx-swap=\"outerHTML\">");
        out.append("<p class=\"spans\">");
        out.append(spanLink(base, "24h", "last 24 hours", !week)).append(" · ").append(spanLink(base, "7d", "last 7 days", week));
        out.append("</p>");
        out.append("<svg class=\"strip\" viewBox=\"0 0 ").append(WIDTH).append(" 24\" width=\"100%\" height=\"24\""
                + " preserveAspectRatio=\"none\" role=\"img\" aria-label=\"States over the ").append(week ? "last 7 days" : "last 24 hours")
                .append("\">");
        double millis = span.toMillis();
        for (HealthWindow.Segment segment : strip.segments()) {
            double x = (segment.from() - from.toEpochMilli()) / millis * WIDTH;
            double w = Math.max(0.5, (segment.to() - segment.from()) / millis * WIDTH);
            out.append("<rect class=\"").append(segment.state().name().toLowerCase(Locale.ROOT)).append("\" x=\"").append(num(x))
                    .append("\" y=\"4\" width=\"").append(num(w)).append("\" height=\"16\" fill=\"").append(fill(segment.state()))
                    .append("\"><title>").append(text(label(segment.state()))).append(" from ").append(Instant.ofEpochMilli(segment.from()))
                    .append(" to ").append(Instant.ofEpochMilli(segment.to())).append("</title></rect>");
        }
        for (ConnectorHealth.Mark mark : strip.failures()) {
            double x = (mark.at().toEpochMilli() - from.toEpochMilli()) / millis * WIDTH;
            out.append("<a class=\"failure\" href=\"").append(text(base)).append("/timeline?before=").append(mark.sequence() + 1)
                    .append("\"><rect x=\"").append(num(Math.max(0, x - 1.5))).append("\" y=\"0\" width=\"3\" height=\"24\" fill=\"#ff5c5c\">")
                    .append("<title>Failed at ").append(mark.at()).append("</title></rect></a>");
        }
        out.append("</svg>");
        HealthWindow w = strip.answer().window();
        out.append("<p class=\"figures\">");
        Double availability = w.availability();
        out.append(availability == null ? "Did not exist in this window" : "Availability " + percent(availability));
        out.append(" · ").append(w.failures()).append(w.failures() == 1 ? " failure" : " failures");
        out.append(" · ").append(w.restarts()).append(" restarts (").append(w.autoRestarts()).append(" auto, ")
                .append(w.askedRestarts()).append(" asked, ").append(w.repairs()).append(" repairs)");
        if (w.recoveries() > 0) {
            out.append(" · time to recover: mean ").append(duration(w.meanRecoverySeconds())).append(", longest ")
                    .append(duration(w.longestRecoverySeconds()));
        }
        out.append("</p></div>");
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    private static String spanLink(String base, String span, String label, boolean current) {
        return current ? "<strong>" + label + "</strong>" : "<a href=\"#health\" hx-get=\"" + text(base) + "/health?span=" + span
                + "\" hx-target=\"#health\" hx-swap=\"outerHTML\">" + label + "</a>";
    }

    /** Colours readable on the light and the dark theme alike. */
    private static String fill(HealthWindow.Segment.State state) {
        return switch (state) {
            case OK -> "#3fa66b";
            case FAILED -> "#d94848";
            case ABSENT -> "#8a8a8a";
        };
    }

    private static String label(HealthWindow.Segment.State state) {
        return switch (state) {
            case OK -> "Not failed";
            case FAILED -> "Failed";
            case ABSENT -> "Did not exist";
        };
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    private static String duration(Double seconds) {
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s < 3600 ? (s / 60) + " min " + (s % 60) + " s" : (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }
}
