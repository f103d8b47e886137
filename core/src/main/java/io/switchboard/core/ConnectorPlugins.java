package io.switchboard.core;

import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The connector plugins Switchboard can see, found the way Kafka Connect finds them (service
 * loading), and named the way Kafka Connect names them: the full class name, the simple class name,
 * or the simple name without its "Connector" suffix.
 */
public final class ConnectorPlugins {
    private final Map<String, Class<?>> byClassName = new TreeMap<>();

    public static ConnectorPlugins fromClasspath() {
        ConnectorPlugins plugins = new ConnectorPlugins();
        ClassLoader loader = ConnectorPlugins.class.getClassLoader();
        ServiceLoader.load(SourceConnector.class, loader).stream()
                .forEach(provider -> plugins.byClassName.put(provider.type().getName(), provider.type()));
        ServiceLoader.load(SinkConnector.class, loader).stream()
                .forEach(provider -> plugins.byClassName.put(provider.type().getName(), provider.type()));
        return plugins;
    }

    /** The plugin a connector.class value names, if Switchboard knows it. */
    public Optional<Class<?>> find(String classOrAlias) {
        Class<?> exact = byClassName.get(classOrAlias);
        if (exact != null) {
            return Optional.of(exact);
        }
        return byClassName.values().stream()
                .filter(c -> c.getSimpleName().equals(classOrAlias)
                        || c.getSimpleName().equals(classOrAlias + "Connector"))
                .findFirst();
    }

    /** "source", "sink" or "unknown", as Kafka Connect reports a connector's type. */
    public String typeOf(String classOrAlias) {
        if (classOrAlias == null) {
            return "unknown";
        }
        return find(classOrAlias).map(c -> {
            if (SourceConnector.class.isAssignableFrom(c)) {
                return "source";
            }
            return SinkConnector.class.isAssignableFrom(c) ? "sink" : "unknown";
        }).orElse("unknown");
    }

    public String describe() {
        return byClassName.keySet().stream().collect(Collectors.joining(", "));
    }

}
