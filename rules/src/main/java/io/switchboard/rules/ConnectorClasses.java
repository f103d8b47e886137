package io.switchboard.rules;

import java.util.Collection;
import java.util.List;

/**
 * A {@code connector.class} as the class the worker will load. Kafka Connect takes a plugin's full
 * class name, its simple name ({@code FileStreamSourceConnector}) or its simple name without the
 * {@code Connector} suffix ({@code FileStreamSource}), an alias naming one plugin only. Policies
 * match and see the full name: an alias of a plugin the replica's worker bundles is that plugin's
 * class. The list is fixed, so every decider and dry run reads a config the same way.
 */
public final class ConnectorClasses {
    /** The connector plugins the embedded worker bundles (Kafka Connect's file and MirrorMaker connectors, Debezium's). */
    public static final List<String> BUNDLED = List.of(
            "org.apache.kafka.connect.file.FileStreamSourceConnector",
            "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "org.apache.kafka.connect.mirror.MirrorSourceConnector",
            "org.apache.kafka.connect.mirror.MirrorCheckpointConnector",
            "org.apache.kafka.connect.mirror.MirrorHeartbeatConnector",
            "io.debezium.connector.postgresql.PostgresConnector",
            "io.debezium.connector.jdbc.JdbcSinkConnector");

    private static final String SUFFIX = "Connector";

    private ConnectorClasses() {
    }

    /** The class a value names among the bundled plugins; the value itself (trimmed) when it names none of them. */
    public static String canonical(String value) {
        return canonical(value, BUNDLED);
    }

    /** The class a value names among these plugins, by Kafka Connect's alias rules; the value (trimmed) when it names none, or several. */
    public static String canonical(String value, Collection<String> plugins) {
        if (value == null) {
            return "";
        }
        String name = value.trim();
        if (name.isEmpty() || plugins.contains(name)) {
            return name;
        }
        String found = null;
        for (String plugin : plugins) {
            String simple = plugin.substring(plugin.lastIndexOf('.') + 1);
            boolean alias = simple.equals(name) || (simple.endsWith(SUFFIX) && simple.length() > SUFFIX.length()
                    && simple.substring(0, simple.length() - SUFFIX.length()).equals(name));
            if (alias) {
                if (found != null) {
                    return name;
                }
                found = plugin;
            }
        }
        return found == null ? name : found;
    }

    /**
     * The names a class glob is tried on for this value: the class it names; and, for an alias of
     * a plugin the list does not know (a worker's own), also the simple names it may stand for, so
     * that a glob's last segment ({@code *JdbcSinkConnector}, {@code io.acme.*}) is tried on them: a
     * policy binds an unknown alias rather than miss it.
     */
    static List<String> globbed(String value) {
        String name = canonical(value);
        if (name.contains(".") || name.isEmpty()) {
            return List.of(name);
        }
        return name.endsWith(SUFFIX) ? List.of(name) : List.of(name, name + SUFFIX);
    }
}
