package io.switchboard.rules;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in policy {@value #POLICY}: a connector names none of the JDBC driver properties that
 * make a driver read the worker's local files, load a class the config names, or deserialize what
 * a server sends (MySQL Connector/J's {@code allowLoadLocalInfile} and {@code autoDeserialize}, its
 * interceptors, PostgreSQL's socket and SSL factories, and their kin), whether in a JDBC URL or as
 * a property of its own ({@code driver.allowLoadLocalInfile}). A database a config points at is
 * then never asked to take a file or an object from the worker. Names are compared ignoring case,
 * and a URL also percent-decoded, as drivers read them.
 */
public final class JdbcDriverProperties {
    public static final String POLICY = "jdbc-driver-properties";

    /** The properties refused, lower case. */
    static final List<String> REFUSED = List.of(
            // Local files: MySQL Connector/J, MariaDB.
            "allowloadlocalinfile", "allowloadlocalinfileinpath", "allowurlinlocalinfile", "allowlocalinfile",
            // Deserialization and classes named by the config: MySQL Connector/J.
            "autodeserialize", "queryinterceptors", "statementinterceptors", "exceptioninterceptors",
            "connectionlifecycleinterceptors", "propertiestransform", "authenticationplugins",
            // Classes named by the config, and files written: PostgreSQL, MSSQL, MariaDB.
            "socketfactory", "sslfactory", "sslhostnameverifier", "sslpasswordcallback", "authenticationpluginclassname",
            "loggerfile", "trustmanagerclass", "accesstokencallbackclass");

    private JdbcDriverProperties() {
    }

    /** The refusal of a config that names a refused driver property, or null. */
    public static ConnectorPolicies.Refusal refusal(Map<String, String> config) {
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            String key = entry.getKey().toLowerCase(Locale.ROOT).trim();
            String named = refused(key.substring(key.lastIndexOf('.') + 1), true);
            if (named == null && entry.getValue() != null && carriesProperties(key, entry.getValue())) {
                named = refused(decoded(entry.getValue()).toLowerCase(Locale.ROOT), false);
            }
            if (named != null) {
                return new ConnectorPolicies.Refusal(POLICY, entry.getKey(), entry.getKey() + " names the JDBC driver property "
                        + named + ", which lets a database read the worker's files or run code on it");
            }
        }
        return null;
    }

    /** A JDBC URL, or a key of URLs or properties: what a driver may read properties from. */
    private static boolean carriesProperties(String key, String value) {
        return value.toLowerCase(Locale.ROOT).contains("jdbc:") || key.contains("url") || key.contains("propert");
    }

    private static String refused(String text, boolean whole) {
        for (String property : REFUSED) {
            if (whole ? text.equals(property) : text.contains(property)) {
                return property;
            }
        }
        return null;
    }

    /** The value as it is, and percent-decoded (up to twice, so that an encoded '%' does not hide a name). */
    private static String decoded(String value) {
        String text = value;
        for (int i = 0; i < 2; i++) {
            try {
                text = URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notEncoded) {
                break;
            }
        }
        return value + " " + text;
    }
}
