package io.switchboard.pipelines;

import java.util.Properties;

/** Where a pipeline reads from or writes to: a PostgreSQL database and the credentials for it. */
public record PostgresConnection(String host, int port, String user, String password, String database, String sslMode) {
    public PostgresConnection {
        port = port == 0 ? 5432 : port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + (sslMode == null ? "" : "?sslmode=" + jdbcSslMode());
    }

    /** The credentials and timeouts for the JDBC driver: connecting, logging in and each answer wait that long at most. */
    public Properties jdbcProperties(int timeoutSeconds) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", String.valueOf(timeoutSeconds));
        props.setProperty("socketTimeout", String.valueOf(timeoutSeconds * 2));
        props.setProperty("loginTimeout", String.valueOf(timeoutSeconds));
        return props;
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
