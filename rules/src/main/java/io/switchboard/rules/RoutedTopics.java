package io.switchboard.rules;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where a connector's routing transforms may send its records: each routing transform the worker's
 * plugin path holds (Kafka's {@code RegexRouter} and {@code TimestampRouter}; Debezium's
 * {@code ByLogicalTableRouter}, outbox {@code EventRouter} and {@code TimescaleDb}) makes a topic
 * name from a template; the parts the template takes from the record (a group of the regex, the
 * topic, a field) are unknown here, so each counts as any text, and the template as the pattern of
 * every name it can make. A pure function of the config.
 */
final class RoutedTopics {
    /** Any text the record supplies. */
    private static final String ANY = ".*";
    private static final Pattern TYPE_KEY = Pattern.compile("transforms\\.([^.]+)\\.type");

    private RoutedTopics() {
    }

    /** A control-plane topic one of the config's routing transforms may send records to, as a refusal's reason; null if none. */
    static ConnectorPolicies.Refusal refusal(ControlPlane controlPlane, Map<String, String> config) {
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            var type = TYPE_KEY.matcher(entry.getKey());
            if (!type.matches() || entry.getValue() == null) {
                continue;
            }
            String at = "transforms." + type.group(1) + ".";
            String simpleName = entry.getValue().substring(Math.max(entry.getValue().lastIndexOf('.'), entry.getValue().lastIndexOf('$')) + 1);
            ConnectorPolicies.Refusal refused = switch (simpleName) {
                case "RegexRouter" -> template(controlPlane, at + "replacement", config.get(at + "replacement"), regexReplacement(config.get(at + "replacement")));
                case "ByLogicalTableRouter" -> template(controlPlane, at + "topic.replacement", config.get(at + "topic.replacement"),
                        regexReplacement(config.get(at + "topic.replacement")));
                case "TimestampRouter" -> {
                    String format = config.getOrDefault(at + "topic.format", "${topic}-${timestamp}");
                    String timestamp = timestampPattern(config.getOrDefault(at + "timestamp.format", "yyyyMMdd"));
                    yield template(controlPlane, at + "topic.format", format, placeholders(format, Map.of("${topic}", ANY, "${timestamp}", timestamp)));
                }
                case "EventRouter" -> {
                    String replacement = config.getOrDefault(at + "route.topic.replacement", "outbox.event.${routedByValue}");
                    yield template(controlPlane, at + "route.topic.replacement", replacement, placeholders(replacement, Map.of("${routedByValue}", ANY)));
                }
                case "TimescaleDb" -> {
                    String prefix = config.getOrDefault(at + "target.topic.prefix", "timescaledb");
                    yield controlPlane.couldBegin(prefix + ".") ? new ConnectorPolicies.Refusal(ConnectorPolicies.CONTROL_PLANE_TOPICS,
                            at + "target.topic.prefix", "topic prefix " + prefix + " (" + at + "target.topic.prefix) makes topics under the control plane's")
                            : null;
                }
                default -> null;
            };
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }

    /** The refusal of a template whose names may be a control-plane topic, or null (also when it is no valid template). */
    private static ConnectorPolicies.Refusal template(ControlPlane controlPlane, String key, String template, String pattern) {
        if (template == null || pattern == null) {
            return null;
        }
        String named;
        try {
            named = controlPlane.matchedBy(Pattern.compile(pattern));
        } catch (PatternSyntaxException e) {
            return null;
        }
        if (named == null && Pattern.quote(template).equals(pattern) && controlPlane.isTopic(template)) {
            named = template;
        }
        return named == null ? null : new ConnectorPolicies.Refusal(ConnectorPolicies.CONTROL_PLANE_TOPICS, key,
                "topic " + named + " belongs to the control plane, and " + key + " (" + template + ") may route records to it");
    }

    /**
     * A regex replacement ({@code $1}, {@code ${name}}, {@code \} escaping) as the pattern of what it makes;
     * the literal template quoted whole when it takes nothing from the record.
     */
    static String regexReplacement(String replacement) {
        if (replacement == null) {
            return null;
        }
        StringBuilder pattern = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        boolean references = false;
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\' && i + 1 < replacement.length()) {
                literal.append(replacement.charAt(++i));
            } else if (c == '$') {
                int end = i + 1;
                if (end < replacement.length() && replacement.charAt(end) == '{') {
                    int close = replacement.indexOf('}', end);
                    end = close < 0 ? replacement.length() : close + 1;
                } else {
                    while (end < replacement.length() && Character.isDigit(replacement.charAt(end))) {
                        end++;
                    }
                }
                flush(pattern, literal);
                pattern.append(ANY);
                references = true;
                i = end - 1;
            } else {
                literal.append(c);
            }
        }
        flush(pattern, literal);
        return references ? pattern.toString() : Pattern.quote(replacement);
    }

    /** A template with {@code ${...}} placeholders, each replaced by its pattern; quoted whole when it has none. */
    private static String placeholders(String template, Map<String, String> patterns) {
        StringBuilder pattern = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        boolean references = false;
        for (int i = 0; i < template.length(); ) {
            String found = null;
            for (String placeholder : patterns.keySet()) {
                if (template.startsWith(placeholder, i)) {
                    found = placeholder;
                }
            }
            if (found == null) {
                literal.append(template.charAt(i++));
                continue;
            }
            flush(pattern, literal);
            pattern.append(patterns.get(found));
            references = true;
            i += found.length();
        }
        flush(pattern, literal);
        return references ? pattern.toString() : Pattern.quote(template);
    }

    /**
     * What a date format writes, as a pattern: a date written with it, each run of digits any
     * digits and each run of letters any letters (a month's name, or a quoted literal), the rest as
     * it is. Any text when it is no valid format.
     */
    private static String timestampPattern(String format) {
        String written;
        try {
            SimpleDateFormat dates = new SimpleDateFormat(format, Locale.ROOT);
            dates.setTimeZone(TimeZone.getTimeZone("UTC"));
            written = dates.format(new Date(0));
        } catch (IllegalArgumentException e) {
            return ANY;
        }
        StringBuilder pattern = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < written.length(); ) {
            char c = written.charAt(i);
            int end = i;
            if (Character.isDigit(c) || Character.isLetter(c)) {
                boolean digits = Character.isDigit(c);
                while (end < written.length() && (digits ? Character.isDigit(written.charAt(end)) : Character.isLetter(written.charAt(end)))) {
                    end++;
                }
                flush(pattern, literal);
                pattern.append(digits ? "[0-9]+" : "\\p{L}+");
                i = end;
            } else {
                literal.append(c);
                i++;
            }
        }
        flush(pattern, literal);
        return pattern.toString();
    }

    private static void flush(StringBuilder pattern, StringBuilder literal) {
        if (!literal.isEmpty()) {
            pattern.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }
}
