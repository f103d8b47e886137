package io.switchboard.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules every connector the processor stores obeys, as pure functions. The decider applies them
 * to what it is about to store; the API calls the same functions to answer early, before a command
 * is sent, so its early answers cannot differ from the decision.
 *
 * <p>Names: Kafka Connect 4.3.1 itself only refuses an empty name and ISO control characters. It
 * accepts names that its own HTTP server then refuses in every path ({@code /} and {@code \}:
 * "Ambiguous URI path separator", "Suspicious Path Character"; {@code %}: "Ambiguous URI path
 * encoding"), names whose Location its URI template builder cannot write ({@code {} and {@code }},
 * so {@code ${...}} too), {@code .} and {@code ..}, which clients resolve as path steps, and names
 * too long for a request line. The data plane manages every connector on a worker by its name in a
 * URL path, so Switchboard refuses all of those rather than keep a connector no one can reach.
 */
public final class ConnectorRules {
    /** The config key naming the connector's plugin; a stored config always has one. */
    public static final String CONNECTOR_CLASS = "connector.class";
    /** Long enough for any real name; short enough that every worker path with it fits a request line. */
    public static final int MAX_NAME_LENGTH = 255;
    /** Characters a Kafka Connect worker cannot take in a connector's URL path. */
    private static final String UNADDRESSABLE = "/\\%{};";

    private ConnectorRules() {
    }

    /** Why a new connector cannot have this name, or null if it can. */
    public static String nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "Connector name is empty";
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_NAME_LENGTH) {
            return "Connector name is " + length + " characters long; a connector name has at most " + MAX_NAME_LENGTH + " characters";
        }
        if (name.equals(".") || name.equals("..")) {
            return "Connector name " + name + " is not allowed: . and .. are read as steps in a URL path";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (UNADDRESSABLE.indexOf(c) >= 0) {
                return "Connector name " + name + " contains '" + c + "': a connector name cannot contain / \\ % { } or ;, "
                        + "which a Kafka Connect worker cannot take in a URL path";
            }
            if (Character.isISOControl(c)) {
                return "Connector name contains a control character (\\u" + String.format("%04x", (int) c) + ")";
            }
            if (Character.getType(c) == Character.FORMAT) {
                // Invisible characters (bidirectional overrides, zero-width joiners) make one name look like another.
                return "Connector name contains an invisible formatting character (\\u" + String.format("%04x", (int) c)
                        + "), which would make it look like another name";
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < name.length()
                    && Character.isLowSurrogate(name.charAt(i + 1)))) {
                return "Connector name contains a lone UTF-16 surrogate (\\u" + Integer.toHexString(c)
                        + "), which is not a Unicode character";
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
        return null;
    }

    /** The config key that must hold the connector's own name (Kafka Connect's rule). */
    public static final String NAME = "name";

    /**
     * Why a config cannot be the config of connector {@code name}: its {@code name}, when it has one,
     * is another (Kafka Connect's {@code checkAndPutConnectorConfigName}); null if it can.
     */
    public static String configNameProblem(String name, Map<String, String> config) {
        String included = config == null ? null : config.get(NAME);
        return included == null || included.equals(name) ? null
                : "config.name (" + included + ") must be the connector's name (" + name + ")";
    }

    /** The config with {@code name} set to the connector's, as Kafka Connect stores it; order kept. */
    public static Map<String, String> named(String name, Map<String, String> config) {
        Map<String, String> named = new LinkedHashMap<>(config);
        named.put(NAME, name);
        return named;
    }

    /** Whether a config names its plugin (Kafka Connect refuses one that does not: "contains no connector type"). */
    public static boolean hasConnectorClass(Map<String, String> config) {
        return config != null && config.get(CONNECTOR_CLASS) != null;
    }

    /** The config a patch makes of another: a null value removes its key, any other sets it. */
    public static Map<String, String> patched(Map<String, String> config, Map<String, String> patch) {
        Map<String, String> result = new TreeMap<>(config);
        patch.forEach((key, value) -> {
            if (value == null) {
                result.remove(key);
            } else {
                result.put(key, value);
            }
        });
        return result;
    }
}
