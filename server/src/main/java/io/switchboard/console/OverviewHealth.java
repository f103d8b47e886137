package io.switchboard.console;

import io.switchboard.core.ConnectorHealth;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.core.StoreUnavailableException;
import io.switchboard.rules.HealthEvent;
import io.switchboard.rules.HealthWindow;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each connector's health over the last 7 days as the overview shows it: from its create and its
 * incident timeline ({@link ConnectorHealth#fromIncidents}, the figures of the window endpoint but
 * for restarts asked for), every connector of a cluster from one gathering of the timelines rather
 * than a read per connector. A cluster's figures are computed once for as long as the connectors
 * and their statuses are unchanged (the store's change mark) and at most {@link #KEPT} old (the
 * week moves on meanwhile), one computation per cluster at a time; a cluster of more than
 * {@link #MAX_CONNECTORS} connectors has none.
 */
final class OverviewHealth {
    static final Duration WEEK = Duration.ofDays(7);
    /** How long a cluster's figures are kept while nothing changed. */
    static final Duration KEPT = Duration.ofSeconds(60);
    /** Past this many connectors in a cluster, the overview computes no health for it. */
    static final int MAX_CONNECTORS = 10_000;

    /**
     * One connector's week: the share of the time it existed that neither it nor a task was failed
     * (null: it did not exist in the week), the failures that began in it, the flaps, and whether it
     * is failed now.
     */
    record Health(Double availability, int failures, int flaps, boolean failingNow) {
        /** Failed now first, then the lowest availability, the most failures, the most flaps. */
        static final Comparator<Health> LEAST_HEALTHY_FIRST = Comparator.comparing((Health h) -> !h.failingNow())
                .thenComparing(h -> h.availability() == null ? 2.0 : h.availability())
                .thenComparing(Comparator.comparingInt(Health::failures).reversed())
                .thenComparing(Comparator.comparingInt(Health::flaps).reversed());

        static Health of(HealthWindow window) {
            return new Health(window.availability(), window.failures(), window.flaps(), window.failingAtEnd());
        }

        /** bad: failed now; warn: failed this week; good: not; none: no figures. */
        String grade() {
            return failingNow ? "bad" : availability == null ? "none" : failures > 0 || availability < 1.0 ? "warn" : "good";
        }

        String words() {
            if (availability == null) {
                return "no figures";
            }
            StringBuilder out = new StringBuilder(failingNow ? "failed now · " : "");
            if (failures == 0 && availability >= 1.0) {
                return out.append("no failure this week").toString();
            }
            out.append(String.format(Locale.ROOT, "%.2f%% available", availability * 100));
            out.append(" · ").append(failures).append(failures == 1 ? " failure" : " failures");
            if (flaps > 0) {
                out.append(" · ").append(flaps).append(flaps == 1 ? " flap" : " flaps");
            }
            return out.toString();
        }
    }

    /** A cluster's figures, by connector name, computed at {@code at} under a change mark. */
    private record Computed(Object mark, long at, Map<String, Health> byName) {
    }

    private final CoreServices core;
    private final Clock clock;
    private final Duration flapWindow;
    /** By cluster: the clusters are the configured ones, few. */
    private final Map<String, Computed> computed = new ConcurrentHashMap<>();
    private final Map<String, Object> computing = new ConcurrentHashMap<>();

    OverviewHealth(CoreServices core, Clock clock, Duration flapWindow) {
        this.core = core;
        this.clock = clock;
        this.flapWindow = flapWindow;
    }

    /** The week's health of a cluster's connectors (its rows as the overview read them), by name. */
    Map<String, Health> of(Scope scope, List<OverviewPage.Row> rows) {
        if (rows.size() > MAX_CONNECTORS) {
            return Map.of();
        }
        String cluster = scope.cluster();
        synchronized (computing.computeIfAbsent(cluster, c -> new Object())) {
            // The mark is taken before the timelines are read: a change during the read makes the next mark differ.
            Optional<Object> mark = core.connectors().changeMark();
            long now = clock.millis();
            Computed last = computed.get(cluster);
            if (mark.isPresent() && last != null && last.mark().equals(mark.get()) && now - last.at() < KEPT.toMillis()) {
                return last.byName();
            }
            Map<String, List<HealthEvent>> incidents;
            try {
                incidents = core.connectors().incidents(scope);
            } catch (StoreUnavailableException e) {
                // The rows are there; their health is not computed this time (the next refresh tries again).
                return Map.of();
            }
            Instant to = Instant.ofEpochMilli(now);
            Instant from = to.minus(WEEK);
            Map<String, Health> byName = new HashMap<>();
            for (OverviewPage.Row row : rows) {
                byName.put(row.name(), Health.of(ConnectorHealth.fromIncidents(row.createdAt(),
                        incidents.getOrDefault(row.name(), List.of()), from, to, flapWindow)));
            }
            mark.ifPresent(m -> computed.put(cluster, new Computed(m, now, Map.copyOf(byName))));
            return byName;
        }
    }

    /** A row's health cell: a small mark and the week in words. */
    static String cell(Health health) {
        if (health == null) {
            return "<td class=\"health none\">not computed</td>";
        }
        String grade = health.grade();
        return "<td class=\"health " + grade + "\"><svg class=\"mark\" width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" aria-hidden=\"true\">"
                + "<circle cx=\"5\" cy=\"5\" r=\"5\" fill=\"" + fill(grade) + "\"/></svg> " + Html.text(health.words()) + "</td>";
    }

    /** Colours readable on the light and the dark theme alike (those of the health strip). */
    private static String fill(String grade) {
        return switch (grade) {
            case "bad" -> "#d94848";
            case "warn" -> "#d9a21b";
            case "good" -> "#3fa66b";
            default -> "#8a8a8a";
        };
    }
}
