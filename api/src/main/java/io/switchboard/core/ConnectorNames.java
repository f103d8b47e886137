package io.switchboard.core;

/**
 * Which connector names Switchboard accepts: those a Kafka Connect worker can be asked about through
 * its REST API, since the data plane manages every connector there by its name in a URL path.
 *
 * <p>Kafka Connect 4.3.1 itself only refuses an empty name and ISO control characters (that check,
 * and its message, stay with {@link ConnectorConfigValidator}). It accepts names that its own HTTP
 * server then refuses in every path ({@code /} and {@code \}: "Ambiguous URI path separator",
 * "Suspicious Path Character"; {@code %}: "Ambiguous URI path encoding"), names whose Location its
 * URI template builder cannot write ({@code {} and {@code }}, so {@code ${...}} too: a 500 after
 * the connector is created), {@code .} and {@code ..}, which clients resolve as path steps, and
 * names too long for a request line. Switchboard refuses all of those up front, with a 400 that
 * names the rule, rather than keep a connector no one can reach.
 */
public final class ConnectorNames {
    /** Long enough for any real name; short enough that every worker path with it fits a request line. */
    public static final int MAX_LENGTH = 255;
    /** Characters a Kafka Connect worker cannot take in a connector's URL path. */
    private static final String UNADDRESSABLE = "/\\%{};";

    private ConnectorNames() {
    }

    /** Refuses a name that breaks the rule; empty names and control characters are left to the config check. */
    public static void requireAddressable(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new ServiceException.InvalidRequest("name", problem);
        }
    }

    /** Why the name cannot be used, or null if it can. */
    static String problem(String name) {
        if (name == null) {
            return null;
        }
        int length = name.codePointCount(0, name.length());
        if (length > MAX_LENGTH) {
            return "Connector name is " + length + " characters long; a connector name has at most " + MAX_LENGTH + " characters";
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
}
