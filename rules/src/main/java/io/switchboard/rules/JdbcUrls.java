package io.switchboard.rules;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * JDBC URLs judged as an allowlist, as the drivers the Debezium JDBC sink bundles read them
 * (PostgreSQL 42.7, MySQL Connector/J 9.1, MariaDB 3.5, Microsoft's mssql-jdbc 12.4, Oracle's
 * ojdbc11 23): a URL's scheme is one of theirs, its hosts and database are plain names (no host
 * form that carries properties, such as MySQL's {@code address=(host=...)(key=value)}), and each
 * property it sets is on its driver's list below: connection, TLS mode, timeouts, character sets,
 * time zones, statement caching and batching. Everything else is refused, whatever its value:
 * properties that read the worker's files or send them ({@code allowLoadLocalInfile},
 * {@code idTokenFile}, {@code loggerFile}), load a class the config names ({@code socketFactory},
 * {@code sslfactory}, {@code authenticationPlugins}, {@code socketFactoryClass}), fetch a URL
 * ({@code trustCertificateKeyStoreUrl}), deserialize ({@code autoDeserialize}), or any a later
 * driver adds. Names are compared ignoring case. PostgreSQL's {@code sslcert}, {@code sslkey} and
 * {@code sslrootcert} name files of the worker's, which the driver reads as a certificate or a key
 * for the TLS handshake (a file that is none fails it) and never sends as text. A pure function.
 */
final class JdbcUrls {
    /** The properties any of the drivers below may be given, lower case: as URL parameters, and by key ({@code driver.*}). */
    static final Set<String> ALLOWED;

    /** A bundled driver: its URL's scheme and the properties it may be given. */
    enum Driver {
        /** {@code jdbc:postgresql://host[:port][,host[:port]]/database?key=value&...}, or {@code jdbc:postgresql:database}. */
        POSTGRESQL("jdbc:postgresql:", "user", "password", "ssl", "sslmode", "sslcert", "sslkey", "sslrootcert", "sslpassword",
                "sslNegotiation", "channelBinding", "connectTimeout", "socketTimeout", "loginTimeout", "cancelSignalTimeout",
                "tcpKeepAlive", "tcpNoDelay", "ApplicationName", "currentSchema", "readOnly", "readOnlyMode", "reWriteBatchedInserts",
                "prepareThreshold", "preparedStatementCacheQueries", "preparedStatementCacheSizeMiB", "defaultRowFetchSize",
                "binaryTransfer", "stringtype", "targetServerType", "loadBalanceHosts", "hostRecheckSeconds", "autosave",
                "cleanupSavepoints", "assumeMinServerVersion", "escapeSyntaxCallMode", "quoteReturningIdentifiers",
                "sendBufferSize", "receiveBufferSize", "maxResultBuffer"),
        /** {@code jdbc:mysql://host[:port][,host[:port]]/database?key=value&...}. */
        MYSQL("jdbc:mysql:", "user", "password", "sslMode", "useSSL", "requireSSL", "verifyServerCertificate",
                "enabledTLSProtocols", "tlsVersions", "enabledSSLCipherSuites", "tlsCiphersuites", "fallbackToSystemTrustStore",
                "fallbackToSystemKeyStore", "connectTimeout", "socketTimeout", "initialTimeout", "tcpKeepAlive", "tcpNoDelay",
                "autoReconnect", "maxReconnects", "characterEncoding", "characterSetResults", "connectionCollation", "useUnicode",
                "serverTimezone", "connectionTimeZone", "forceConnectionTimeZoneToSession", "preserveInstants", "useServerPrepStmts",
                "cachePrepStmts", "prepStmtCacheSize", "prepStmtCacheSqlLimit", "rewriteBatchedStatements", "zeroDateTimeBehavior",
                "tinyInt1isBit", "transformedBitIsBoolean", "useCursorFetch", "defaultFetchSize", "allowPublicKeyRetrieval",
                "useAffectedRows", "jdbcCompliantTruncation", "sendFractionalSeconds", "sendFractionalSecondsForTime",
                "databaseTerm", "useInformationSchema", "nullDatabaseMeansCurrent"),
        /** {@code jdbc:mariadb://host[:port][,host[:port]]/database?key=value&...}. */
        MARIADB("jdbc:mariadb:", "user", "password", "sslMode", "enabledSslProtocolSuites", "enabledSslCipherSuites",
                "connectTimeout", "socketTimeout", "tcpKeepAlive", "tcpKeepIdle", "tcpKeepCount", "tcpKeepInterval",
                "tcpAbortiveClose", "useServerPrepStmts", "cachePrepStmts", "prepStmtCacheSize", "useBulkStmts",
                "useBulkStmtsForInserts", "allowPublicKeyRetrieval", "restrictedAuth", "timezone", "connectionTimeZone",
                "connectionCollation", "autocommit", "defaultFetchSize", "useAffectedRows", "transactionIsolation"),
        /** {@code jdbc:sqlserver://host[\instance][:port];key=value;...}, values without braces. */
        SQLSERVER("jdbc:sqlserver://", "user", "userName", "password", "databaseName", "database", "serverName", "instanceName",
                "portNumber", "port", "encrypt", "trustServerCertificate", "hostNameInCertificate", "sslProtocol", "loginTimeout",
                "socketTimeout", "queryTimeout", "lockTimeout", "cancelQueryTimeout", "applicationName", "applicationIntent",
                "multiSubnetFailover", "transparentNetworkIPResolution", "sendStringParametersAsUnicode", "sendTimeAsDatetime",
                "selectMethod", "responseBuffering", "packetSize", "connectRetryCount", "connectRetryInterval",
                "disableStatementPooling", "statementPoolingCacheSize", "useBulkCopyForBatchInsert"),
        /** {@code jdbc:oracle:thin:@[//]host[:port][/service | :sid]}: no parameters, no descriptor, no wallet. */
        ORACLE("jdbc:oracle:thin:@");

        final String scheme;
        final Set<String> properties;

        Driver(String scheme, String... properties) {
            this.scheme = scheme;
            this.properties = lowerCase(properties);
        }
    }

    static {
        Set<String> all = new TreeSet<>();
        for (Driver driver : Driver.values()) {
            all.addAll(driver.properties);
        }
        ALLOWED = Set.copyOf(all);
    }

    /** Hosts as the drivers take them: names, IPv4 and bracketed IPv6 addresses, ports, a comma between hosts. */
    private static final Pattern HOSTS = Pattern.compile("[A-Za-z0-9._\\-:\\[\\],]*");
    /** A database name in a URL: plain or percent-encoded text, no separator of any driver. */
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9._\\-+%$*~]*");
    /** SQL Server's server part: host, instance, port. */
    private static final Pattern SQLSERVER_HOST = Pattern.compile("[A-Za-z0-9._\\-:\\[\\]\\\\]*");
    private static final Pattern ORACLE = Pattern.compile(
            "(//)?([A-Za-z0-9._\\-]+|\\[[0-9A-Fa-f:.]+\\])(:[0-9]+)?([/:][A-Za-z0-9._\\-$#]+)?");

    private JdbcUrls() {
    }

    /** Why the JDBC URL is refused, in words naming what is at fault; null when it is allowed. */
    static String problem(String url) {
        for (int i = 0; i < url.length(); i++) {
            if (url.charAt(i) <= ' ') {
                return "it holds whitespace or a control character, which the drivers read in ways of their own";
            }
        }
        Driver driver = driver(url);
        if (driver == null) {
            return "its scheme is none of the bundled drivers' (" + String.join(", ", schemes()) + ")";
        }
        String rest = url.substring(driver.scheme.length());
        return switch (driver) {
            case ORACLE -> ORACLE.matcher(rest).matches() ? null
                    : "an Oracle URL is jdbc:oracle:thin:@[//]host[:port][/service], without parameters, descriptor or wallet";
            case SQLSERVER -> sqlServer(rest);
            default -> hostsPathQuery(driver, rest);
        };
    }

    /** The driver whose scheme the URL begins with, exactly (the drivers match it so), or null. */
    static Driver driver(String url) {
        for (Driver driver : Driver.values()) {
            if (url.startsWith(driver.scheme)) {
                return driver;
            }
        }
        return null;
    }

    private static List<String> schemes() {
        List<String> schemes = new ArrayList<>();
        for (Driver driver : Driver.values()) {
            schemes.add(driver.scheme);
        }
        return schemes;
    }

    /** PostgreSQL, MySQL, MariaDB: {@code //hosts/database?key=value&...} (PostgreSQL also takes {@code database?...}). */
    private static String hostsPathQuery(Driver driver, String rest) {
        int question = rest.indexOf('?');
        String location = question < 0 ? rest : rest.substring(0, question);
        String path = location;
        if (location.startsWith("//")) {
            int slash = location.indexOf('/', 2);
            String hosts = slash < 0 ? location.substring(2) : location.substring(2, slash);
            if (!HOSTS.matcher(hosts).matches()) {
                return "its hosts (" + hosts + ") are not plain host names and ports: a host form that carries properties is refused";
            }
            path = slash < 0 ? "" : location.substring(slash + 1);
        } else if (driver != Driver.POSTGRESQL) {
            return "it names no host (" + driver.scheme + "//host/database; load-balancing, replication and other forms are refused)";
        }
        if (!DATABASE.matcher(path).matches()) {
            return "its database (" + path + ") is not a plain or percent-encoded name";
        }
        return question < 0 ? null : properties(driver, List.of(rest.substring(question + 1).split("&", -1)), true);
    }

    private static String sqlServer(String rest) {
        if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            return "it has a braced value ({...}), which may hold any text: give such a value in a key of its own";
        }
        String[] parts = rest.split(";", -1);
        if (!SQLSERVER_HOST.matcher(parts[0]).matches()) {
            return "its server (" + parts[0] + ") is not a plain host, instance and port";
        }
        return properties(Driver.SQLSERVER, List.of(parts).subList(1, parts.length), false);
    }

    /** The first property not on the driver's list, as a refusal's words; null when all are. */
    private static String properties(Driver driver, List<String> pairs, boolean percentEncoded) {
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if (percentEncoded) {
                try {
                    name = URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return "a property's name (" + name + ") is not percent-encoded correctly";
                }
            }
            if (!driver.properties.contains(name.trim().toLowerCase(Locale.ROOT))) {
                return "it sets the driver property " + name + ", which is not on the " + driver.name().toLowerCase(Locale.ROOT)
                        + " driver's allowlist";
            }
        }
        return null;
    }

    private static Set<String> lowerCase(String... names) {
        Set<String> lower = new TreeSet<>();
        for (String name : names) {
            lower.add(name.toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(lower);
    }
}
