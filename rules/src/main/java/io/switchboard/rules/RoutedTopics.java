package io.switchboard.rules;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a connector's routing transforms may send its records: each routing transform the worker's
 * plugin path holds (Kafka's {@code RegexRouter} and {@code TimestampRouter}; Debezium's
 * {@code ByLogicalTableRouter}, outbox {@code EventRouter} and {@code TimescaleDb}) makes a topic
 * name from a template. The parts a template takes from the record (a group of the regex, the
 * topic, a field, the timestamp) may be any text, so a template that takes any is judged by its
 * literal prefix, the text before the first of them: it is refused unless that prefix already
 * differs from every control-plane name ({@link ControlPlane#couldBegin}). No pattern is matched, so
 * the judgement is linear in the template. A pure function of the config.
 */
final class RoutedTopics {
    private static final java.util.regex.Pattern TYPE_KEY = java.util.regex.Pattern.compile("transforms\\.([^.]+)\\.type");

    private RoutedTopics() {
    }

    /**
     * A router's template as what it writes before the record's own text.
     *
     * @param literal the text before the first reference to the record (the whole template when it has none)
     * @param whole   whether the template takes nothing from the record: {@code literal} is the name it makes
     */
    record Template(String literal, boolean whole) {
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
                case "RegexRouter" -> template(controlPlane, at + "replacement", config.get(at + "replacement"),
                        regexReplacement(config.get(at + "replacement")));
                case "ByLogicalTableRouter" -> template(controlPlane, at + "topic.replacement", config.get(at + "topic.replacement"),
                        regexReplacement(config.get(at + "topic.replacement")));
                case "TimestampRouter" -> {
                    String format = config.getOrDefault(at + "topic.format", "${topic}-${timestamp}");
                    yield template(controlPlane, at + "topic.format", format, placeholders(format, "${topic}", "${timestamp}"));
                }
                case "EventRouter" -> {
                    // Debezium hands the replacement to a RegexRouter: ${routedByValue} is a named group, as $1 is a numbered one.
                    String replacement = config.getOrDefault(at + "route.topic.replacement", "outbox.event.${routedByValue}");
                    yield template(controlPlane, at + "route.topic.replacement", replacement, regexReplacement(replacement));
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

    /** The refusal of a template whose names may be a control-plane topic, or null. */
    private static ConnectorPolicies.Refusal template(ControlPlane controlPlane, String key, String template, Template made) {
        if (template == null || made == null) {
            return null;
        }
        if (made.whole()) {
            return controlPlane.isTopic(made.literal()) ? new ConnectorPolicies.Refusal(ConnectorPolicies.CONTROL_PLANE_TOPICS, key,
                    "topic " + made.literal() + " belongs to the control plane, and " + key + " (" + template + ") routes records to it")
                    : null;
        }
        return controlPlane.couldBegin(made.literal()) ? new ConnectorPolicies.Refusal(ConnectorPolicies.CONTROL_PLANE_TOPICS, key,
                key + " (" + template + ") takes text from the record after '" + made.literal() + "', so it may make a topic of the "
                        + "control plane (under " + controlPlane.prefix() + "): begin it with literal text that is no start of one") : null;
    }

    /** A regex replacement ({@code $1}, {@code ${name}}, {@code \} escaping) as the literal text it writes first. */
    static Template regexReplacement(String replacement) {
        if (replacement == null) {
            return null;
        }
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\' && i + 1 < replacement.length()) {
                literal.append(replacement.charAt(++i));
            } else if (c == '$') {
                return new Template(literal.toString(), false);
            } else {
                literal.append(c);
            }
        }
        return new Template(literal.toString(), true);
    }

    /** A template with {@code ${...}} placeholders as the literal text before the first of them. */
    private static Template placeholders(String template, String... placeholders) {
        int first = template.length();
        for (String placeholder : placeholders) {
            int at = template.indexOf(placeholder);
            if (at >= 0) {
                first = Math.min(first, at);
            }
        }
        return new Template(template.substring(0, first), first == template.length());
    }
}
