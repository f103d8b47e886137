package io.switchboard.core;

import io.switchboard.core.PluginVersions.Installed;
import io.switchboard.core.PluginVersions.Key;
import io.switchboard.core.Views.ConnectorDetails;
import org.apache.maven.artifact.versioning.DefaultArtifactVersion;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A cluster's plugins and the connectors on each version: for each plugin class its workers list,
 * the versions they have; for each version, the connectors whose worker reports running it
 * (their status's version, else a task's) and the connectors whose config requires it (the version a
 * worker picks for their requirement, {@link PluginVersions#chosen}); and the connectors whose
 * requirement no version installed meets ({@link PluginVersions#unmet}, the rule a write is judged
 * by). A version a worker reports running that it no longer lists shows as not installed. Pure: the
 * worker's list and the connectors are inputs.
 */
public final class PluginInventory {
    private PluginInventory() {
    }

    /** The inventory of a cluster. */
    public record Inventory(String cluster, List<Plugin> plugins, List<NotInstalled> notInstalled) {
    }

    /** A plugin class: the types the workers list it as, and its versions, oldest first. */
    public record Plugin(String className, List<String> types, List<Version> versions) {
    }

    /**
     * One version of a plugin: whether the workers have it, the connectors reported running it, and
     * those whose config requires it; names sorted.
     */
    public record Version(String version, boolean installed, List<String> running, List<String> pinned) {
    }

    /** A connector whose config requires a version of a plugin that no worker has. */
    public record NotInstalled(String connector, String key, String className, String required, List<String> installed) {
    }

    /**
     * @param connectors the cluster's connectors, with configs whose plugin classes and versions are shown
     */
    public static Inventory of(String cluster, List<Installed> installed, List<ConnectorDetails> connectors) {
        Map<String, Set<String>> types = new TreeMap<>();
        // class -> version -> (running, pinned)
        Map<String, Map<String, Uses>> uses = new TreeMap<>();
        for (Installed plugin : installed) {
            types.computeIfAbsent(plugin.className(), c -> new TreeSet<>()).add(Objects.requireNonNullElse(plugin.type(), "unknown"));
            if (plugin.version() != null) {
                uses.computeIfAbsent(plugin.className(), c -> new TreeMap<>()).computeIfAbsent(plugin.version(), v -> new Uses());
            }
        }
        List<NotInstalled> notInstalled = new ArrayList<>();
        for (ConnectorDetails details : connectors) {
            String name = details.connector().name();
            Map<String, String> config = details.connector().config();
            String running = runningVersion(details);
            String connectorClass = className(config.get(Key.CONNECTOR.classKey()), Set.of("source", "sink"), installed);
            if (running != null && connectorClass != null) {
                uses.computeIfAbsent(connectorClass, c -> new TreeMap<>()).computeIfAbsent(running, v -> new Uses()).running.add(name);
            }
            for (Key key : Key.values()) {
                String required = config.get(key.key());
                String className = PluginVersions.resolve(config.get(key.classKey()), key.types(), installed);
                if (required == null || className == null) {
                    continue;
                }
                String chosen = PluginVersions.chosen(required, PluginVersions.versions(className, key.types(), installed));
                if (chosen != null) {
                    uses.get(className).get(chosen).pinned.add(name);
                }
            }
            PluginVersions.unmet(config, installed).forEach(u ->
                    notInstalled.add(new NotInstalled(name, u.key().key(), u.className(), u.required(), u.installed())));
        }
        List<Plugin> plugins = new ArrayList<>();
        Set<String> classes = new TreeSet<>(types.keySet());
        classes.addAll(uses.keySet());
        classes.forEach(className -> {
            Map<String, Uses> versions = uses.getOrDefault(className, Map.of());
            Set<String> listed = new LinkedHashSet<>(PluginVersions.versions(className, types.getOrDefault(className, Set.of()), installed));
            List<Version> shown = versions.entrySet().stream()
                    .sorted(Comparator.comparing((Map.Entry<String, Uses> e) -> new DefaultArtifactVersion(e.getKey())))
                    .map(e -> new Version(e.getKey(), listed.contains(e.getKey()), sorted(e.getValue().running),
                            sorted(e.getValue().pinned))).toList();
            plugins.add(new Plugin(className, List.copyOf(types.getOrDefault(className, Set.of())), shown));
        });
        notInstalled.sort(Comparator.comparing(NotInstalled::connector).thenComparing(NotInstalled::key));
        return new Inventory(cluster, plugins, notInstalled);
    }

    /** The class a config value names among the workers' plugins, else as the config names it (a plugin no worker lists now). */
    private static String className(String named, Set<String> types, List<Installed> installed) {
        if (named == null || named.isBlank()) {
            return null;
        }
        return Objects.requireNonNullElse(PluginVersions.resolve(named, types, installed), named.trim());
    }

    /** The version the connector's worker reports running: the connector's, else its first task's that has one. */
    private static String runningVersion(ConnectorDetails details) {
        if (details.status() == null) {
            return null;
        }
        if (details.status().version() != null && !details.status().version().equals(PluginVersions.UNDEFINED)) {
            return details.status().version();
        }
        return details.status().tasks().stream().map(Views.TaskStatusView::version)
                .filter(v -> v != null && !v.equals(PluginVersions.UNDEFINED)).findFirst().orElse(null);
    }

    private static List<String> sorted(Set<String> names) {
        return List.copyOf(new TreeSet<>(names));
    }

    private static final class Uses {
        final Set<String> running = new TreeSet<>();
        final Set<String> pinned = new TreeSet<>();
    }
}
