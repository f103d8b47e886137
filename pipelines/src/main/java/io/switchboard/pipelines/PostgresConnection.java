package io.switchboard.pipelines;

import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a pipeline reads from or writes to: a PostgreSQL database and the credentials for it.
 * Switchboard connects with every part of the address in pgjdbc's {@link PGProperty} properties,
 * never in a URL it concatenates; host and database are checked by {@link #HOST} and
 * {@link #DATABASE} when a pipeline is read, so that neither can carry a driver parameter into the
 * URL the worker's sink is given (or the one Debezium builds from them).
 */
public record PostgresConnection(String host, int port, String user, String password, String database, String sslMode) {
    /** A host name, an IPv4 address, or an IPv6 address in brackets: nothing a URL would read as a separator. */
    public static final Pattern HOST = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}]");
    /** A database name of letters, digits, space and {@code _ $ . -}: no {@code ? & / , # % ; =} or control character. */
    public static final Pattern DATABASE = Pattern.compile("[\\p{L}\\p{N}_$][\\p{L}\\p{N}_$ .-]{0,62}");
    /** The ssl_modes from weakest to strongest; no ssl_mode given is pgjdbc's default, Prefer. */
    static final List<String> SSL_MODES = List.of("Disable", "Prefer", "Require", "VerifyCa", "VerifyFull");

    public PostgresConnection {
        port = port == 0 ? 5432 : port;
    }

    /**
     * The URL for a connector's {@code connection.url}, which takes a URL only: host and database
     * are valid by {@link #HOST} and {@link #DATABASE}, the database is URL-encoded besides.
     */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + (sslMode == null ? "" : "?sslmode=" + jdbcSslMode());
    }

    /**
     * A data source with the address, credentials and timeouts, each set as its {@link PGProperty}
     * (pgjdbc encodes them into the URL it makes): connecting, logging in and each answer wait
     * {@code timeoutSeconds}, twice that for an answer, at most.
     */
    public PGSimpleDataSource dataSource(int timeoutSeconds) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(user);
        ds.setPassword(password);
        if (sslMode != null) {
            ds.setSslMode(jdbcSslMode());
        }
        ds.setConnectTimeout(timeoutSeconds);
        ds.setSocketTimeout(timeoutSeconds * 2);
        ds.setLoginTimeout(timeoutSeconds);
        return ds;
    }

    public Connection connect(int timeoutSeconds) throws SQLException {
        return dataSource(timeoutSeconds).getConnection();
    }

    /** Whether {@code next} protects the connection less than {@code current} did (Prefer when not given). */
    static boolean weaker(String next, String current) {
        return SSL_MODES.indexOf(next == null ? "Prefer" : next) < SSL_MODES.indexOf(current == null ? "Prefer" : current);
    }

    /** The seed's ssl_mode (Disable, Prefer, Require, VerifyCa, VerifyFull) as PostgreSQL names it. */
    String jdbcSslMode() {
        return switch (sslMode) {
            case "Disable" -> "disable";
            case "Require" -> "require";
            case "VerifyCa" -> "verify-ca";
            case "VerifyFull" -> "verify-full";
            default -> "prefer";
        };
    }
}
