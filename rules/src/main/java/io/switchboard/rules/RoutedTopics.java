package io.switchboard.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
    /** What EventRouter's {@code route.topic.regex} must be: a match of the whole value, else the topic is the value itself. */
    private static final java.util.regex.Pattern MATCH_ALL = java.util.regex.Pattern.compile("\\(\\?<[A-Za-z][A-Za-z0-9]*>\\.\\*\\)|\\(\\.\\*\\)|\\.\\*");

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

    /**
     * The transforms' aliases as Kafka Connect reads them: the {@code transforms} list, split at
     * commas, each trimmed; an alias may hold dots ({@code transforms.r.x.type} is alias {@code r.x}'s type).
     */
    static List<String> aliases(String transforms) {
        if (transforms == null || transforms.isBlank()) {
            return List.of();
        }
        return Arrays.stream(transforms.trim().split(",")).map(String::trim).filter(alias -> !alias.isEmpty()).distinct().toList();
    }

    /** The simple name of the class a {@code type} names, as Connect loads it (trimmed); null when none. */
    static String simpleName(String type) {
        if (type == null || type.isBlank()) {
            return null;
        }
        String trimmed = type.trim();
        return trimmed.substring(Math.max(trimmed.lastIndexOf('.'), trimmed.lastIndexOf('$')) + 1);
    }

    /** A control-plane topic one of the config's routing transforms may send records to, as a refusal's reason; null if none. */
    static ConnectorPolicies.Refusal refusal(ControlPlane controlPlane, Map<String, String> config) {
        for (String alias : aliases(config.get("transforms"))) {
            String at = "transforms." + alias + ".";
            String simpleName = simpleName(config.get(at + "type"));
            if (simpleName == null) {
                continue;
            }
            ConnectorPolicies.Refusal refused = switch (simpleName) {
                case "RegexRouter" -> template(controlPlane, at + "replacement", config.get(at + "replacement"), RoutedTopics::regexReplacement);
                case "ByLogicalTableRouter" -> template(controlPlane, at + "topic.replacement", config.get(at + "topic.replacement"),
                        RoutedTopics::regexReplacement);
                case "TimestampRouter" -> template(controlPlane, at + "topic.format", config.getOrDefault(at + "topic.format",
                        "${topic}-${timestamp}"), format -> placeholders(format, "${topic}", "${timestamp}"));
                case "EventRouter" -> {
                    // Debezium hands regex and replacement to a RegexRouter applied to the routed value:
                    // ${routedByValue} is a named group, as $1 is a numbered one; a value the regex
                    // does not match stays the topic as it is, the record's own text. Debezium reads
                    // the regex as given, so it is judged as given: whitespace would make it match nothing.
                    String regex = config.get(at + "route.topic.regex");
                    if (regex != null && !MATCH_ALL.matcher(regex).matches()) {
                        yield new ConnectorPolicies.Refusal(ConnectorPolicies.CONTROL_PLANE_TOPICS, at + "route.topic.regex", at
                                + "route.topic.regex (" + regex + ") may leave a record's routed value, any text, as its topic: "
                                + "only a match of the whole value, (?<routedByValue>.*), is allowed");
                    }
                    yield template(controlPlane, at + "route.topic.replacement", config.getOrDefault(at + "route.topic.replacement",
                            "outbox.event.${routedByValue}"), RoutedTopics::regexReplacement);
                }
                case "ExtractNewRecordState", "ExtractNewDocumentState" -> {
                    String field = config.get(at + "route.by.field");
                    yield field == null || field.isBlank() ? null : new ConnectorPolicies.Refusal(ConnectorPolicies.CONTROL_PLANE_TOPICS,
                            at + "route.by.field", at + "route.by.field (" + field.trim() + ") takes each record's topic from its data, "
                            + "which may name a topic of the control plane");
                }
                case "TimescaleDb" -> template(controlPlane, at + "target.topic.prefix", config.getOrDefault(at + "target.topic.prefix",
                        "timescaledb"), prefix -> new Template(prefix + ".", false));
                default -> null;
            };
            if (refused != null) {
                return refused;
            }
        }
        return topicNaming(controlPlane, config);
    }

    /**
     * Debezium's regex topic naming strategies ({@code topic.naming.strategy} of a
     * {@code *Regex*TopicNamingStrategy}) replace the first match of {@code topic.regex} in each
     * name with {@code topic.replacement}: the name then begins with the replacement only when the
     * regex is anchored at its start, and the replacement is judged by its literal start as a
     * router's template is.
     */
    private static ConnectorPolicies.Refusal topicNaming(ControlPlane controlPlane, Map<String, String> config) {
        String strategy = simpleName(config.get("topic.naming.strategy"));
        if (strategy == null || !strategy.contains("Regex")) {
            return null;
        }
        String regex = config.get("topic.regex");
        if (regex != null && !regex.trim().startsWith("^")) {
            return new ConnectorPolicies.Refusal(ConnectorPolicies.CONTROL_PLANE_TOPICS, "topic.regex", "topic.regex (" + regex
                    + ") of " + strategy + " may replace text in the middle of a topic name, making a name of the control plane "
                    + "from the start of another: anchor it at the start (^)");
        }
        return template(controlPlane, "topic.replacement", config.get("topic.replacement"), RoutedTopics::regexReplacement);
    }

    /**
     * The refusal of a template whose names may be a control-plane topic, or null. It is judged as
     * given and trimmed: Kafka Connect trims a STRING config before a transform sees it (Kafka's
     * routers read the trimmed text), while Debezium's read the text as given.
     */
    private static ConnectorPolicies.Refusal template(ControlPlane controlPlane, String key, String template,
                                                      java.util.function.Function<String, Template> parse) {
        if (template == null) {
            return null;
        }
        for (String form : forms(template)) {
            Template made = parse.apply(form);
            ConnectorPolicies.Refusal refused = made == null ? null : template(controlPlane, key, form, made);
            if (refused != null) {
                return refused;
            }
        }
        return null;
    }

    /** A value as given and, when it differs, as Kafka Connect trims it. */
    static List<String> forms(String value) {
        String trimmed = value.trim();
        return trimmed.equals(value) ? List.of(value) : List.of(value, trimmed);
    }

    private static ConnectorPolicies.Refusal template(ControlPlane controlPlane, String key, String template, Template made) {
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
