package io.switchboard.rules;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The built-in policy {@value #POLICY}: Debezium's keys that take a signal channel, a file or a
 * class hold only what the allowlists below name. Debezium's file signal channel reads any text
 * file the worker can, then empties it, and logs its lines; a class a key names is loaded and
 * made, static initializers and constructors run, in the worker. So:
 * <ul>
 *   <li>{@code signal.enabled.channels} lists only {@link #SIGNAL_CHANNELS} ({@code source}, the
 *       database's signal table, and {@code kafka}, a topic); {@code file}, {@code jmx} and any
 *       channel a plugin adds are refused;</li>
 *   <li>a key that names a file on the worker is refused: {@link #FILE_KEYS} in any config, and in a
 *       Debezium connector's any key ending in {@link #FILE_SUFFIXES};</li>
 *   <li>a key that names a class names one of {@link #CLASSES} (the bundled alternatives Debezium
 *       documents), or, for the keys of {@link #OWN_CLASS_KEYS}, a Debezium converter, post processor
 *       or strategy, and any other {@code *.class} key of a Debezium connector, a class of Debezium's
 *       own ({@code io.debezium.}, outside its file storage).</li>
 * </ul>
 * Values are judged trimmed, as Kafka Connect reads a LIST or CLASS config. A pure function.
 */
public final class DebeziumKeys {
    public static final String POLICY = "debezium-classes-and-files";
    /** The signal channels allowed: Debezium's signal table and a signal topic. */
    public static final Set<String> SIGNAL_CHANNELS = Set.of("source", "kafka");
    /** Keys naming a file Debezium reads or writes, refused in any config. */
    static final Set<String> FILE_KEYS = Set.of("signal.file", "openlineage.integration.config.file.path",
            "schema.history.internal.file.filename", "offset.storage.file.filename", "database.history.file.filename");
    /** Endings of a Debezium connector's keys that name a file or a directory, refused. */
    static final List<String> FILE_SUFFIXES = List.of(".file", ".filename", ".path", ".dir", ".directory");
    /** Keys naming a class, and the classes each may name. */
    static final Map<String, Set<String>> CLASSES = Map.of(
            "topic.naming.strategy", Set.of("io.debezium.schema.DefaultTopicNamingStrategy", "io.debezium.schema.SchemaTopicNamingStrategy",
                    "io.debezium.schema.DefaultUnicodeTopicNamingStrategy", "io.debezium.schema.SchemaUnicodeTopicNamingStrategy",
                    "io.debezium.schema.DefaultRegexTopicNamingStrategy", "io.debezium.schema.SchemaRegexTopicNamingStrategy"),
            "schema.history.internal", Set.of("io.debezium.storage.kafka.history.KafkaSchemaHistory",
                    "io.debezium.relational.history.MemorySchemaHistory"),
            "connection.provider", Set.of("org.hibernate.agroal.internal.AgroalConnectionProvider",
                    "org.hibernate.c3p0.internal.C3P0ConnectionProvider"),
            "column.naming.strategy", Set.of("io.debezium.connector.jdbc.naming.DefaultColumnNamingStrategy",
                    "io.debezium.sink.naming.DefaultColumnNamingStrategy"),
            "collection.naming.strategy", Set.of("io.debezium.sink.naming.DefaultCollectionNamingStrategy",
                    "io.debezium.sink.naming.PassthroughCollectionNamingStrategy"),
            "table.naming.strategy", Set.of("io.debezium.connector.jdbc.naming.DefaultTableNamingStrategy",
                    "io.debezium.sink.naming.DefaultCollectionNamingStrategy"));
    /** Keys naming a class that may be any of Debezium's own (each connector has its own source info maker, metadata factory). */
    static final Set<String> OWN_CLASS_KEYS = Set.of("sourceinfo.struct.maker", "transaction.metadata.factory");
    /** Debezium's own classes: its package, but its file storage (schema history and offsets kept in a file of the worker's). */
    private static final String OWN = "io.debezium.";
    private static final String FILE_STORAGE = "io.debezium.storage.file.";
    /** Debezium's connectors by the simple names an alias may give (with or without the Connector suffix). */
    private static final Set<String> CONNECTORS = Set.of("PostgresConnector", "MySqlConnector", "MariaDbConnector", "SqlServerConnector",
            "OracleConnector", "Db2Connector", "InformixConnector", "MongoDbConnector", "JdbcSinkConnector", "MongoDbSinkConnector",
            "SpannerConnector", "VitessConnector");

    private DebeziumKeys() {
    }

    /** The refusal of a config whose channel, file or class keys go beyond the allowlists, or null. */
    public static ConnectorPolicies.Refusal refusal(Map<String, String> config) {
        boolean debezium = isDebezium(config.get(ConnectorRules.CONNECTOR_CLASS));
        Set<String> aliases = new java.util.HashSet<>();
        if (debezium) {
            aliases.addAll(RoutedTopics.aliases(config.get("converters")));
            aliases.addAll(RoutedTopics.aliases(config.get("post.processors")));
        }
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            String problem = problem(entry.getKey(), entry.getValue() == null ? null : entry.getValue().trim(), debezium, aliases);
            if (problem != null) {
                return new ConnectorPolicies.Refusal(POLICY, entry.getKey(), problem);
            }
        }
        return null;
    }

    /**
     * Whether the policy reads the key's value in a config of this connector class: such a key must
     * hold its value itself, not a config provider reference.
     */
    static boolean readsValue(String key, String connectorClass) {
        if (key.equals("signal.enabled.channels") || FILE_KEYS.contains(key) || CLASSES.containsKey(key) || OWN_CLASS_KEYS.contains(key)) {
            return true;
        }
        return isDebezium(connectorClass) && (key.endsWith(".class") || key.endsWith(".type") || key.equals("converters")
                || key.equals("post.processors") || FILE_SUFFIXES.stream().anyMatch(key::endsWith));
    }

    private static String problem(String key, String value, boolean debezium, Set<String> aliases) {
        if (key.equals("signal.enabled.channels") && value != null) {
            for (String channel : value.split(",")) {
                if (!channel.isBlank() && !SIGNAL_CHANNELS.contains(channel.trim().toLowerCase(Locale.ROOT))) {
                    return "signal.enabled.channels lists the channel " + channel.trim() + ": only " + String.join(" and ",
                            new java.util.TreeSet<>(SIGNAL_CHANNELS)) + " are allowed (the file channel reads, then empties, "
                            + "any file the worker can; others are a plugin's)";
                }
            }
            return null;
        }
        if (FILE_KEYS.contains(key) || debezium && FILE_SUFFIXES.stream().anyMatch(key::endsWith)) {
            return key + " names a file on the worker, which the connector would read or write as the worker's own user: "
                    + "Debezium's file-based signals, storage and settings are refused";
        }
        if (value == null || value.isEmpty()) {
            return null;
        }
        Set<String> allowed = CLASSES.get(key);
        if (allowed != null) {
            return allowed.contains(value) ? null : key + " names the class " + value + ", which is not on its allowlist ("
                    + String.join(", ", new java.util.TreeSet<>(allowed)) + ")";
        }
        boolean ownClass = OWN_CLASS_KEYS.contains(key) || debezium && key.endsWith(".class") && !key.equals(ConnectorRules.CONNECTOR_CLASS)
                || key.endsWith(".type") && aliases.contains(key.substring(0, key.length() - ".type".length()));
        if (ownClass && (!value.startsWith(OWN) || value.startsWith(FILE_STORAGE))) {
            return key + " names the class " + value + ": only Debezium's own (io.debezium.*, outside its file storage) are allowed";
        }
        return null;
    }

    /** Whether the connector class is one of Debezium's, by its name or an alias of one. */
    static boolean isDebezium(String connectorClass) {
        String name = ConnectorClasses.canonical(connectorClass);
        if (name.startsWith(OWN)) {
            return true;
        }
        return !name.contains(".") && (CONNECTORS.contains(name) || CONNECTORS.contains(name + "Connector"));
    }
}
