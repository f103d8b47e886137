package io.switchboard.core;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.maven.artifact.versioning.ArtifactVersion;
import org.apache.maven.artifact.versioning.DefaultArtifactVersion;
import org.apache.maven.artifact.versioning.InvalidVersionSpecificationException;
import org.apache.maven.artifact.versioning.VersionRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * KIP-891's plugin versions (Kafka Connect 4.1 and later): the config keys with which a connector
 * picks the version of its plugin and of its converters, what a key's value requires, read as
 * Kafka Connect reads it, and the one judgment of those requirements against the plugins a
 * cluster's workers list ({@code GET /connector-plugins?connectorsOnly=false}). A write whose
 * config requires a version no worker has is refused by it before anything is written
 * ({@link ConnectorConfigValidator}); the cluster's plugin inventory names the connectors whose
 * requirement it no longer meets ({@link PluginInventory}). Pure: the worker's list is an input.
 */
public final class PluginVersions {
    /** What Kafka Connect shows for a plugin that states no version. */
    static final String UNDEFINED = "undefined";
    /** How every version key ends: a compile-time constant, which a caller's cheap first look reads without this class. */
    public static final String KEY_SUFFIX = ".plugin.version";
    /** The value that requires nothing: the latest version installed. */
    static final String LATEST = "latest";

    private PluginVersions() {
    }

    /** A version key, the key naming the class whose version it picks, and the plugin types that class may be. */
    public enum Key {
        CONNECTOR("connector.plugin.version", ConnectorConfigValidator.CONNECTOR_CLASS, Set.of("source", "sink")),
        KEY_CONVERTER("key.converter.plugin.version", "key.converter", Set.of("converter")),
        VALUE_CONVERTER("value.converter.plugin.version", "value.converter", Set.of("converter")),
        HEADER_CONVERTER("header.converter.plugin.version", "header.converter", Set.of("header_converter"));

        private final String key;
        private final String classKey;
        private final Set<String> types;

        Key(String key, String classKey, Set<String> types) {
            this.key = key;
            this.classKey = classKey;
            this.types = types;
        }

        /** The config key, e.g. {@code connector.plugin.version}. */
        public String key() {
            return key;
        }

        /** The config key naming the plugin's class, e.g. {@code connector.class}. */
        public String classKey() {
            return classKey;
        }

        /** The types the worker lists the plugin of that class as. */
        Set<String> types() {
            return types;
        }
    }

    /** One plugin as a worker lists it: its class, its type ("source", "converter", ...), its version (null: none stated). */
    public record Installed(String className, String type, String version) {
    }

    /**
     * A requirement no installed version meets.
     *
     * @param className the plugin's class as the workers name it
     * @param required  the key's value
     * @param installed the versions the workers have of that class, oldest first
     * @param malformed whether the value is no version nor version range at all
     */
    public record Unmet(Key key, String className, String required, List<String> installed, boolean malformed) {
        /** The refusal's words, naming the versions installed. */
        public String message() {
            String have = installed.isEmpty() ? "the cluster's workers have no version of " + className
                    : "the cluster's workers have " + className + " in version" + (installed.size() == 1 ? " " : "s ")
                    + String.join(", ", installed);
            return "Invalid value " + required + " for configuration " + key.key() + ": "
                    + (malformed ? "it is neither a version nor a version range; " : "no such version is installed; ") + have;
        }
    }

    /** The plugins of a worker's {@code GET /connector-plugins} answer. */
    public static List<Installed> installed(JsonNode plugins) {
        List<Installed> installed = new ArrayList<>();
        for (JsonNode plugin : plugins) {
            String version = plugin.hasNonNull("version") ? plugin.get("version").asText() : null;
            installed.add(new Installed(plugin.path("class").asText(), plugin.path("type").asText(null),
                    UNDEFINED.equals(version) ? null : version));
        }
        return installed;
    }

    /** Whether the config requires a version of any plugin (a key that is neither absent nor {@value #LATEST}). */
    public static boolean requiresAny(Map<String, String> config) {
        for (Key key : Key.values()) {
            String value = config.get(key.key());
            if (value != null && !LATEST.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Each requirement of the config that no version installed meets: the one rule of both a write's
     * refusal ({@link #violations}) and the inventory's pins not installed ({@link PluginInventory}).
     * A key is judged when the config names its class: a converter's version without the converter's
     * class picks the version of the worker's default, which only the worker knows.
     */
    public static List<Unmet> unmet(Map<String, String> config, List<Installed> installed) {
        List<Unmet> unmet = new ArrayList<>();
        for (Key key : Key.values()) {
            String required = config.get(key.key());
            String named = config.get(key.classKey());
            if (required == null || LATEST.equals(required) || named == null || named.isBlank()) {
                continue;
            }
            String className = Objects.requireNonNullElse(resolve(named, key.types, installed), named.trim());
            List<String> versions = versions(className, key.types, installed);
            VersionRange range;
            try {
                range = requirement(required);
            } catch (InvalidVersionSpecificationException e) {
                unmet.add(new Unmet(key, className, required, versions, true));
                continue;
            }
            if (chosen(range, versions) == null) {
                unmet.add(new Unmet(key, className, required, versions, false));
            }
        }
        return unmet;
    }

    /**
     * The refusals of {@link #unmet} a write is given, as a config validation's violations: of a
     * plugin the workers have in some version (one they have in none is the worker's validation's
     * to refuse, in its words).
     */
    static List<ServiceException.Violation> violations(Map<String, String> config, List<Installed> installed) {
        return unmet(config, installed).stream().filter(u -> !u.installed().isEmpty())
                .map(u -> new ServiceException.Violation(u.key().key(), u.message())).toList();
    }

    /**
     * The version a worker runs for a requirement: the latest installed version it allows, null when
     * none does (or the value is malformed); the latest of all for no requirement.
     */
    public static String chosen(String required, List<String> versions) {
        try {
            return chosen(required == null || LATEST.equals(required) ? null : requirement(required), versions);
        } catch (InvalidVersionSpecificationException e) {
            return null;
        }
    }

    private static String chosen(VersionRange range, List<String> versions) {
        return versions.stream().filter(v -> range == null || range.containsVersion(version(v)))
                .max(Comparator.comparing(PluginVersions::version)).orElse(null);
    }

    /**
     * What a value requires, by Kafka Connect's rule ({@code PluginUtils.connectorVersionRequirement}):
     * a Maven version range ({@code [1.0,2.0)}), or one version, which is required exactly.
     */
    static VersionRange requirement(String value) throws InvalidVersionSpecificationException {
        String trimmed = value.trim();
        VersionRange range = VersionRange.createFromVersionSpec(trimmed);
        return range.hasRestrictions() ? range : VersionRange.createFromVersionSpec("[" + trimmed + "]");
    }

    /**
     * The class of a plugin of these types that a config value names, as Kafka Connect resolves it:
     * its full name, else its simple name, or its simple name without its type's suffix
     * ("Connector", "Converter", "HeaderConverter"), when one class alone has it; null when none.
     */
    static String resolve(String classOrAlias, Set<String> types, List<Installed> installed) {
        if (classOrAlias == null || classOrAlias.isBlank()) {
            return null;
        }
        String name = classOrAlias.trim();
        List<Installed> ofTypes = installed.stream().filter(p -> types.contains(p.type())).toList();
        if (ofTypes.stream().anyMatch(p -> p.className().equals(name))) {
            return name;
        }
        Set<String> matching = ofTypes.stream().filter(p -> aliases(p).contains(name)).map(Installed::className)
                .collect(Collectors.toSet());
        return matching.size() == 1 ? matching.iterator().next() : null;
    }

    /** The versions of a class the workers have, as plugins of these types, oldest first, each once. */
    static List<String> versions(String className, Set<String> types, List<Installed> installed) {
        return installed.stream().filter(p -> p.className().equals(className) && types.contains(p.type()) && p.version() != null)
                .map(Installed::version).distinct().sorted(Comparator.comparing(PluginVersions::version)).toList();
    }

    private static List<String> aliases(Installed plugin) {
        String simple = plugin.className().substring(plugin.className().lastIndexOf('.') + 1);
        String suffix = switch (plugin.type() == null ? "" : plugin.type()) {
            case "source", "sink" -> "Connector";
            case "converter" -> "Converter";
            case "header_converter" -> "HeaderConverter";
            default -> null;
        };
        return suffix != null && simple.endsWith(suffix) && simple.length() > suffix.length()
                ? List.of(simple, simple.substring(0, simple.length() - suffix.length())) : List.of(simple);
    }

    private static ArtifactVersion version(String text) {
        return new DefaultArtifactVersion(text);
    }
}
