package io.switchboard.rules;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The built-in policy {@value #POLICY}: what a config gives a JDBC driver is judged as an
 * allowlist, since a driver property can make the driver read the worker's files and send them to
 * the database (MySQL Connector/J's {@code allowLoadLocalInfile}, {@code idTokenFile}), load a
 * class the config names (PostgreSQL's {@code socketFactory}), or deserialize what a server sends.
 * <ul>
 *   <li>A JDBC URL (a value that begins with {@code jdbc:}, and the Debezium JDBC sink's
 *       {@code connection.url} whatever it holds) has a bundled driver's scheme, plain hosts and
 *       only the properties on that driver's list ({@link JdbcUrls}).</li>
 *   <li>A driver property given by key: Debezium's {@code driver.X} and {@code database.X} (which
 *       it hands the driver as {@code X}), Hibernate's {@code hibernate.connection.X}: X is on a
 *       driver's list, or one of the keys Debezium or Hibernate read themselves
 *       ({@link #DATABASE_KEYS}, {@link #HIBERNATE_CONNECTION_KEYS}). Debezium puts
 *       {@code database.hostname}, {@code .port} and {@code .dbname} into a URL as they are, so
 *       they hold a plain host, a number and a name without URL separators.</li>
 *   <li>{@code hibernate.*}: the Debezium JDBC sink hands every such key to Hibernate after its
 *       own settings, so only the pool's sizes and timeouts and a few JDBC settings are allowed
 *       ({@link #HIBERNATE_KEYS}); a connection provider, a data source, JNDI and the rest are refused.</li>
 *   <li>Whatever the plugin, a value of a key named for URLs or properties, and any value with
 *       {@code jdbc:}, names none of the properties in {@link #REFUSED} (percent-decoded too).</li>
 * </ul>
 * Names are compared ignoring case, as drivers read them. A pure function of the config.
 */
public final class JdbcDriverProperties {
    public static final String POLICY = "jdbc-driver-properties";

    /** Properties refused wherever a config names them, lower case: a backstop beside the allowlists, for any plugin. */
    static final List<String> REFUSED = List.of(
            // Local files: MySQL Connector/J, MariaDB.
            "allowloadlocalinfile", "allowloadlocalinfileinpath", "allowurlinlocalinfile", "allowlocalinfile",
            // Files sent, classes named, deserialization: MySQL Connector/J.
            "autodeserialize", "queryinterceptors", "statementinterceptors", "exceptioninterceptors",
            "connectionlifecycleinterceptors", "propertiestransform", "authenticationplugins", "defaultauthenticationplugin",
            "idtokenfile", "authenticationopenidconnectcallbackhandler", "authenticationfidocallbackhandler",
            "authenticationwebauthncallbackhandler", "keystoreurl",
            // Classes named by the config, and files written: PostgreSQL, MSSQL, MariaDB.
            "socketfactory", "sslfactory", "sslhostnameverifier", "sslpasswordcallback", "authenticationpluginclassname",
            "loggerfile", "trustmanagerclass", "accesstokencallbackclass");

    /** The Debezium JDBC sink, whose {@code connection.url} is a JDBC URL whatever it holds. */
    static final String JDBC_SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";
    /** Keys Debezium's connectors read under {@code database.} themselves (and hand the driver, which ignores them), lower case. */
    static final Set<String> DATABASE_KEYS = Set.of("hostname", "port", "user", "password", "dbname", "names", "server.name",
            "server.id", "include.list", "exclude.list", "initial.statements", "query.timeout.ms", "ssl.mode", "ssl.keystore",
            "ssl.keystore.password", "ssl.truststore", "ssl.truststore.password", "encrypt", "instance", "pdb.name",
            "connection.adapter", "url", "time_zone", "history.kafka.topic", "tablename.case.insensitive", "oracle.version",
            "out.server.name", "cdcschema");
    /** Keys of Hibernate's own under {@code hibernate.connection.}, lower case (never its provider, data source, URL or driver class). */
    static final Set<String> HIBERNATE_CONNECTION_KEYS = Set.of("isolation", "autocommit", "provider_disables_autocommit",
            "username", "user", "password");
    /** The other {@code hibernate.*} keys allowed, lower case: the pool's sizes and timeouts (Agroal, bundled; c3p0 of older sinks), JDBC settings. */
    static final Set<String> HIBERNATE_KEYS = Set.of("hibernate.agroal.maxsize", "hibernate.agroal.minsize",
            "hibernate.agroal.initialsize", "hibernate.agroal.maxlifetime", "hibernate.agroal.acquisitiontimeout",
            "hibernate.agroal.reaptimeout", "hibernate.agroal.leaktimeout", "hibernate.agroal.validationtimeout",
            "hibernate.agroal.idlevalidationtimeout", "hibernate.agroal.validateonborrow", "hibernate.c3p0.min_size",
            "hibernate.c3p0.max_size", "hibernate.c3p0.timeout", "hibernate.c3p0.max_statements", "hibernate.c3p0.idle_test_period",
            "hibernate.c3p0.acquire_increment", "hibernate.jdbc.time_zone", "hibernate.jdbc.batch_size", "hibernate.jdbc.fetch_size");
    /** The last segments of keys that hold credentials: a config provider reference is what they are for. */
    static final Set<String> CREDENTIALS = Set.of("user", "username", "password", "sslpassword");

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-:\\[\\]]+");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    /** What would end a database name in a URL Debezium builds: a query, a fragment, a path, SQL Server's separator. */
    private static final Pattern URL_SEPARATOR = Pattern.compile("[?&#;/\\\\]");

    private JdbcDriverProperties() {
    }

    /** The refusal of a config that gives a JDBC driver something beyond the allowlists, or null. */
    public static ConnectorPolicies.Refusal refusal(Map<String, String> config) {
        boolean sink = JDBC_SINK.equals(ConnectorClasses.canonical(config.get(ConnectorRules.CONNECTOR_CLASS)));
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            String lower = key.toLowerCase(Locale.ROOT).trim();
            String named = refused(lower.substring(lower.lastIndexOf('.') + 1));
            if (named == null && value != null && carriesProperties(lower, value)) {
                named = refused(decoded(value).toLowerCase(Locale.ROOT));
            }
            if (named != null) {
                return refusal(key, key + " names the JDBC driver property " + named
                        + ", which lets a database read the worker's files or run code on it");
            }
            String problem = problem(key, lower, value, sink);
            if (problem != null) {
                return refusal(key, problem);
            }
        }
        return null;
    }

    /**
     * Whether this policy reads the key's value (a URL, a driver property, a Hibernate setting), so
     * that it must hold its value itself rather than a config provider reference; credentials need not.
     */
    static boolean readsValue(String key, String value) {
        String lower = key.toLowerCase(Locale.ROOT).trim();
        if (value != null && value.toLowerCase(Locale.ROOT).contains("jdbc:") || lower.contains("url") || lower.contains("propert")) {
            return true;
        }
        boolean driverKey = lower.startsWith("driver.") || lower.startsWith("database.") || lower.startsWith("hibernate.");
        return driverKey && !CREDENTIALS.contains(lower.substring(lower.lastIndexOf('.') + 1));
    }

    /** Why the key and its value go beyond the allowlists, or null. */
    private static String problem(String key, String lower, String value, boolean sink) {
        if (value != null && (value.trim().toLowerCase(Locale.ROOT).startsWith("jdbc:") || sink && lower.equals("connection.url"))) {
            String url = JdbcUrls.problem(value);
            if (url != null) {
                return key + " is a JDBC URL the policy does not allow: " + url;
            }
        }
        if (lower.startsWith("driver.")) {
            return driverProperty(key, lower.substring("driver.".length()), Set.of());
        }
        if (lower.startsWith("database.")) {
            String name = lower.substring("database.".length());
            String problem = driverProperty(key, name, DATABASE_KEYS);
            return problem != null || value == null ? problem : urlPart(key, name, value.trim());
        }
        if (lower.startsWith("hibernate.connection.")) {
            return driverProperty(key, lower.substring("hibernate.connection.".length()), HIBERNATE_CONNECTION_KEYS);
        }
        if (lower.startsWith("hibernate.") && !HIBERNATE_KEYS.contains(lower)) {
            return key + " is a Hibernate setting the Debezium JDBC sink passes on, and not on the allowlist (the pool's sizes "
                    + "and timeouts, hibernate.agroal.* and hibernate.c3p0.*; hibernate.jdbc.time_zone, batch_size, fetch_size)";
        }
        return null;
    }

    private static String driverProperty(String key, String name, Set<String> ownKeys) {
        return ownKeys.contains(name) || JdbcUrls.ALLOWED.contains(name) ? null
                : key + " gives a JDBC driver the property " + name + ", which is not on any bundled driver's allowlist";
    }

    /** The parts Debezium writes into a JDBC URL as they are: a host, a port, a database name. */
    private static String urlPart(String key, String name, String value) {
        boolean bad = switch (name) {
            case "hostname" -> !HOST.matcher(value).matches();
            case "port" -> !PORT.matcher(value).matches();
            case "dbname" -> URL_SEPARATOR.matcher(value).find();
            default -> false;
        };
        return bad ? key + " (" + value + ") goes into the JDBC URL as it is, and is not a plain " + (name.equals("hostname") ? "host name"
                : name.equals("port") ? "port number" : "database name without ? & # ; / or \\") : null;
    }

    private static ConnectorPolicies.Refusal refusal(String key, String reason) {
        return new ConnectorPolicies.Refusal(POLICY, key, reason);
    }

    /** A JDBC URL, or a key of URLs or properties: what a driver may read properties from. */
    private static boolean carriesProperties(String key, String value) {
        return value.toLowerCase(Locale.ROOT).contains("jdbc:") || key.contains("url") || key.contains("propert");
    }

    private static String refused(String text) {
        for (String property : REFUSED) {
            if (text.contains(property)) {
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
