package io.switchboard.rules;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The built-in, read-only policies every connector config obeys, by name; a pure function of the
 * config and the deployment's {@link ControlPlane}. The decider applies them to every config it
 * would store (create, put, patch, a set's items); the API asks the same function for its early
 * answer, and the data plane before it gives a config to a worker (a config stored before a policy
 * existed is reported there, not run).
 * <ul>
 *   <li>{@value #CONFIG_REFERENCES}: no key whose value a built-in policy reads holds a config
 *       provider reference ({@code ${secretsManager:T}}, {@code ${file:...}}, any
 *       {@code ${provider:...}}): keys that choose the code a worker runs or where data goes
 *       ({@link #choosesCodeOrRoute}), a JDBC URL and every driver, {@code database.*} or
 *       {@code hibernate.*} key but credentials ({@link JdbcDriverProperties#readsValue}), Debezium's
 *       channel, file and class keys ({@link DebeziumKeys#readsValue}); a FileStream connector's
 *       {@code file} is {@value #FILE_CONNECTORS}'s. The worker resolves a reference only when it starts the connector, after every
 *       policy judged the config, and its value can change later with no check at all.</li>
 *   <li>{@value #CONTROL_PLANE_TOPICS}: the config names no topic or consumer group of the control
 *       plane, directly ({@code topic}, {@code topics}, {@code topics.regex}, a dead letter queue,
 *       an exactly-once source's offsets topic, Debezium's topic and heartbeat prefixes, schema
 *       history, signal and notification topics, a group id override) or through a routing
 *       transform ({@link RoutedTopics}). A typed pipeline's own source names the pipeline
 *       notifications topic, and only that one.</li>
 *   <li>{@value #FILE_CONNECTORS}: on the embedded worker, Kafka's FileStream connectors are off
 *       unless the replica was given a directory for them, and then read and write only under it
 *       ({@link ControlPlane.FileConnectors}).</li>
 *   <li>{@value ResourceBounds#POLICY}: the config's size, and its {@code tasks.max}, within the
 *       deployment's bounds ({@link ResourceBounds}); checked first.</li>
 *   <li>{@value #CLIENT_OVERRIDES}: the config overrides nothing of where or as whom the
 *       connector's Kafka clients connect ({@code producer.override.}, {@code consumer.override.},
 *       {@code admin.override.} of {@code bootstrap.servers}, {@code client.dns.lookup},
 *       {@code security.*}, {@code sasl.*}, {@code ssl.*}), overrides only what
 *       {@link KafkaClientKeys#TUNABLES} allows, and gives the clients a connector makes of its own
 *       (Debezium's, MirrorMaker's) only what {@link KafkaClientKeys} allows.</li>
 *   <li>{@value JdbcDriverProperties#POLICY}: JDBC URLs, driver properties and Hibernate settings
 *       within allowlists ({@link JdbcDriverProperties}).</li>
 *   <li>{@value DebeziumKeys#POLICY}: Debezium's signal channels, file and class keys within
 *       allowlists ({@link DebeziumKeys}).</li>
 * </ul>
 */
public final class ConnectorPolicies {
    public static final String CONTROL_PLANE_TOPICS = "control-plane-topics";
    public static final String CLIENT_OVERRIDES = "client-overrides";
    public static final String CONFIG_REFERENCES = "config-references";
    public static final String FILE_CONNECTORS = "file-connectors";
    /** Every built-in policy, in the order they are listed. */
    public static final List<String> BUILT_IN = List.of(CLIENT_OVERRIDES, CONFIG_REFERENCES, CONTROL_PLANE_TOPICS, FILE_CONNECTORS,
            JdbcDriverProperties.POLICY, DebeziumKeys.POLICY, ResourceBounds.POLICY);
    /** Keys that choose code or route data, by name. */
    static final Set<String> CODE_OR_ROUTE_KEYS = Set.of(ConnectorRules.CONNECTOR_CLASS, "topic", "topics", "topics.regex",
            "transforms", "predicates", "key.converter", "value.converter", "header.converter", "offsets.storage.topic",
            "database.server.name", "heartbeat.topics.prefix", "schema.history.internal", "schema.history.internal.kafka.topic",
            "database.history", "database.history.kafka.topic", "signal.kafka.topic", "notification.sink.topic.name",
            // KIP-891: the version of the connector's and its converters' plugins (judged against the workers' before a write).
            "connector.plugin.version", "key.converter.plugin.version", "value.converter.plugin.version",
            "header.converter.plugin.version");
    /** Keys that choose code or route data, by prefix: transforms and predicates, the dead letter queue, Debezium's topic naming. */
    static final List<String> CODE_OR_ROUTE_PREFIXES = List.of("transforms.", "predicates.", "errors.deadletterqueue.", "topic.");

    /** Keys naming one topic a connector reads or writes. */
    static final List<String> TOPIC_KEYS = List.of("topic", "errors.deadletterqueue.topic.name", "offsets.storage.topic",
            "schema.history.internal.kafka.topic", "database.history.kafka.topic", "signal.kafka.topic", "notification.sink.topic.name",
            "topic.heartbeat.name", "topic.transaction");
    /** Keys naming the start of the topics a connector writes ({@code <prefix><delimiter><anything>}). */
    static final List<String> TOPIC_PREFIX_KEYS = List.of("topic.prefix", "database.server.name", "heartbeat.topics.prefix",
            "topic.heartbeat.prefix");
    /** The key of a pipeline's source naming the notifications topic (see {@link ControlPlane#pipelineNotifications}). */
    static final String NOTIFICATIONS_KEY = "notification.sink.topic.name";
    /** The prefixes of a connector's own Kafka clients' settings. */
    public static final List<String> CLIENT_PREFIXES = List.of("producer.override.", "consumer.override.", "admin.override.");
    /** Client settings that say where a client connects, or as whom: a connector may not override them. */
    public static final Set<String> CONNECTION_KEYS = Set.of("bootstrap.servers", "client.dns.lookup");
    /** Prefixes of client settings that say as whom a client connects. */
    public static final List<String> CONNECTION_PREFIXES = List.of("security.", "sasl.", "ssl.");

    private ConnectorPolicies() {
    }

    /**
     * A refusal by a named policy.
     *
     * @param policy the policy's name
     * @param key    the config key at fault
     * @param reason what it names, in plain words
     */
    public record Refusal(String policy, String key, String reason) {
        /** What every API answers, in its own error format. */
        public String message() {
            return "Connector config refused by policy " + policy + ": " + reason;
        }
    }

    /** The first policy the config breaks, or null when it obeys all of them. */
    public static Refusal refusal(ControlPlane controlPlane, Map<String, String> config) {
        if (config == null) {
            return null;
        }
        // First: every later check reads a config of bounded size.
        Refusal bounds = controlPlane.bounds().refusal(config);
        if (bounds != null) {
            return bounds;
        }
        Refusal references = references(config);
        if (references != null) {
            return references;
        }
        Refusal overrides = java.util.Optional.ofNullable(clientOverrides(config)).orElseGet(() -> JdbcDriverProperties.refusal(config));
        if (overrides != null) {
            return overrides;
        }
        Refusal debezium = DebeziumKeys.refusal(config);
        if (debezium != null) {
            return debezium;
        }
        Refusal files = controlPlane.files().refusal(config);
        if (files != null) {
            return files;
        }
        Refusal named = namedTopicsAndGroups(controlPlane, config);
        return named != null ? named : RoutedTopics.refusal(controlPlane, config);
    }

    /** Whether a connector's client setting ({@code bootstrap.servers}, {@code sasl.jaas.config}) says where or as whom it connects. */
    public static boolean isConnectionSetting(String clientKey) {
        return CONNECTION_KEYS.contains(clientKey) || CONNECTION_PREFIXES.stream().anyMatch(clientKey::startsWith);
    }

    /**
     * Whether the key's value chooses the code a worker loads (the connector, a converter, a
     * transform or predicate, Debezium's schema history or topic naming strategy) or where records
     * go (topics, a dead letter queue, a consumer group, Debezium's topic naming keys).
     */
    public static boolean choosesCodeOrRoute(String key) {
        return CODE_OR_ROUTE_KEYS.contains(key) || CODE_OR_ROUTE_PREFIXES.stream().anyMatch(key::startsWith)
                || key.endsWith("group.id") || key.endsWith("groupId");
    }

    /** Whether a built-in policy reads the key's value in this config (see {@value #CONFIG_REFERENCES}). */
    static boolean readByPolicy(String key, String value, Map<String, String> config) {
        return choosesCodeOrRoute(key) || JdbcDriverProperties.readsValue(key, value)
                || DebeziumKeys.readsValue(key, config.get(ConnectorRules.CONNECTOR_CLASS));
    }

    private static Refusal references(Map<String, String> config) {
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            if (io.switchboard.secrets.ConfigReferences.holdsReference(entry.getValue()) && readByPolicy(entry.getKey(), entry.getValue(), config)) {
                return new Refusal(CONFIG_REFERENCES, entry.getKey(), entry.getKey() + " holds a config provider reference (${provider:...}): "
                        + "a worker resolves it only when it runs the connector, after every policy judged the config, so a key whose "
                        + "value a built-in policy reads (code, where data goes, a JDBC URL or driver property, a file, a class) must "
                        + "hold its value itself");
            }
        }
        return null;
    }

    private static Refusal clientOverrides(Map<String, String> config) {
        String connectorClass = config.get(ConnectorRules.CONNECTOR_CLASS);
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            String key = entry.getKey();
            for (String prefix : CLIENT_PREFIXES) {
                if (!key.startsWith(prefix)) {
                    continue;
                }
                String setting = key.substring(prefix.length());
                if (isConnectionSetting(setting)) {
                    return new Refusal(CLIENT_OVERRIDES, key, key + " would change where or as whom the connector's Kafka client connects");
                }
                if (!KafkaClientKeys.overrideAllowed(setting)) {
                    return new Refusal(CLIENT_OVERRIDES, key, key + " is not among the client settings a connector may override "
                            + "(how much, how often, how long: see KafkaClientKeys.TUNABLES): a client's files, classes and logins are "
                            + "the worker's");
                }
            }
            String problem = KafkaClientKeys.ownClientProblem(key, entry.getValue(), connectorClass);
            if (problem != null) {
                return new Refusal(CLIENT_OVERRIDES, key, problem);
            }
        }
        return null;
    }

    private static Refusal namedTopicsAndGroups(ControlPlane controlPlane, Map<String, String> config) {
        boolean pipeline = config.get(PipelineOwnership.PIPELINE_ID) != null;
        for (String key : TOPIC_KEYS) {
            String topic = trimmed(config.get(key));
            if (topic != null && controlPlane.isTopic(topic)
                    && !(pipeline && key.equals(NOTIFICATIONS_KEY) && topic.equals(controlPlane.pipelineNotifications()))) {
                return topic(key, topic);
            }
        }
        String topics = config.get("topics");
        if (topics != null) {
            for (String topic : Arrays.stream(topics.split(",")).map(String::trim).toList()) {
                if (controlPlane.isTopic(topic)) {
                    return topic("topics", topic);
                }
            }
        }
        // Kafka Connect trims it (a STRING config) before it compiles it.
        String regex = trimmed(config.get("topics.regex"));
        if (regex != null) {
            LinearPatterns.Judged judged = LinearPatterns.compile(regex);
            if (judged.problem() != null) {
                return new Refusal(CONTROL_PLANE_TOPICS, "topics.regex", "topics.regex cannot be checked against the control plane's topics: "
                        + judged.problem());
            }
            // A pattern Kafka Connect cannot compile either: the worker refuses it in its own words.
            String matched = judged.pattern() == null ? null : controlPlane.matchedBy(judged.pattern());
            if (matched != null) {
                return new Refusal(CONTROL_PLANE_TOPICS, "topics.regex", "topic " + matched
                        + " belongs to the control plane, and topics.regex (" + regex + ") matches it");
            }
        }
        String delimiter = config.getOrDefault("topic.delimiter", ".");
        for (String key : TOPIC_PREFIX_KEYS) {
            String start = trimmed(config.get(key));
            if (start != null && (controlPlane.isTopic(start) || controlPlane.couldBegin(start + delimiter))) {
                return new Refusal(CONTROL_PLANE_TOPICS, key, "the topics " + key + " " + start
                        + " makes (" + start + delimiter + "...) would be under the control plane's topic prefix " + controlPlane.prefix());
            }
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            String key = entry.getKey();
            String group = trimmed(entry.getValue());
            if ((key.endsWith("group.id") || key.endsWith("groupId")) && group != null && controlPlane.isGroup(group)) {
                return new Refusal(CONTROL_PLANE_TOPICS, key, "consumer group " + group + " belongs to the control plane (" + key + ")");
            }
        }
        return null;
    }

    private static Refusal topic(String key, String topic) {
        return new Refusal(CONTROL_PLANE_TOPICS, key, "topic " + topic + " belongs to the control plane (" + key + ")");
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
