package io.switchboard.pipelines;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.core.ServiceException.Violation;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * When a snapshot-only pipeline runs again: {@code {"rate": {"unit": "Minute"|"Hour"|"Day", "value": N}}}
 * (every N units after the last run began), or {@code {"cron": {"expression", "timezone"}}}, a Unix
 * cron expression (5 fields) or a Quartz one (6 or 7 fields, seconds first) in an IANA time zone.
 */
public sealed interface Schedule {

    /** When the next run is due, given when the last one began. */
    Instant next(Instant lastRun);

    record Rate(Duration every) implements Schedule {
        @Override
        public Instant next(Instant lastRun) {
            return lastRun.plus(every);
        }
    }

    record Cron(ExecutionTime times, ZoneId zone) implements Schedule {
        @Override
        public Instant next(Instant lastRun) {
            Optional<ZonedDateTime> next = times.nextExecution(lastRun.atZone(zone));
            return next.map(ZonedDateTime::toInstant).orElse(Instant.MAX);
        }
    }

    /** Reads a schedule; what is wrong goes to {@code v}, and null comes back. */
    static Schedule parse(JsonNode node, List<Violation> v) {
        if (node.has("rate") && node.size() == 1) {
            JsonNode rate = node.get("rate");
            String unit = rate.path("unit").asText("");
            long value = rate.path("value").canConvertToLong() ? rate.path("value").asLong() : 0;
            Duration one = switch (unit) {
                case "Minute" -> Duration.ofMinutes(1);
                case "Hour" -> Duration.ofHours(1);
                case "Day" -> Duration.ofDays(1);
                default -> null;
            };
            if (one == null) {
                v.add(new Violation("schedule.rate.unit", "must be Minute, Hour or Day"));
                return null;
            }
            if (value < 1 || value > 100_000) {
                v.add(new Violation("schedule.rate.value", "must be a whole number from 1 to 100000"));
                return null;
            }
            return new Rate(one.multipliedBy(value));
        }
        if (node.has("cron") && node.size() == 1) {
            JsonNode cron = node.get("cron");
            String expression = cron.path("expression").asText("").trim();
            ZoneId zone;
            try {
                zone = ZoneId.of(cron.path("timezone").asText(""));
            } catch (RuntimeException e) {
                v.add(new Violation("schedule.cron.timezone", "must be an IANA time zone such as Europe/Berlin or UTC"));
                return null;
            }
            CronType type = expression.split("\\s+").length == 5 ? CronType.UNIX : CronType.QUARTZ;
            try {
                return new Cron(ExecutionTime.forCron(new CronParser(CronDefinitionBuilder.instanceDefinitionFor(type)).parse(expression)), zone);
            } catch (IllegalArgumentException e) {
                v.add(new Violation("schedule.cron.expression", "is not a cron expression (" + e.getMessage() + ")"));
                return null;
            }
        }
        v.add(new Violation("schedule", "must be {\"rate\": {\"unit\", \"value\"}} or {\"cron\": {\"expression\", \"timezone\"}}"));
        return null;
    }
}
