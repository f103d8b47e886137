package io.switchboard.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real PostgreSQL for tests (binaries from Maven Central), with logical replication on
 * ({@code wal_level=logical}) and password authentication for TCP clients, so that a wrong
 * password is refused as it would be in production.
 */
public final class Postgres implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "pw-" + UUID.randomUUID().toString().substring(0, 8);
    private final EmbeddedPostgres postgres;

    private Postgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static Postgres start() {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .start();
            Postgres started = new Postgres(pg);
            started.requirePasswords();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets the superuser's password and makes TCP clients give it. */
    private void requirePasswords() throws IOException {
        sql("postgres", "ALTER USER postgres PASSWORD '" + PASSWORD + "'");
        Path hba = Path.of(query("postgres", "SHOW hba_file").get(0));
        Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"
                + "local replication all trust\nhost replication all 127.0.0.1/32 scram-sha-256\nhost replication all ::1/128 scram-sha-256\n");
        query("postgres", "SELECT pg_reload_conf()");
    }

    public int port() {
        return postgres.getPort();
    }

    public void createDatabase(String name) {
        sql("postgres", "CREATE DATABASE " + name);
    }

    /**
     * A login role with the test password and these attributes ({@code REPLICATION}, say), as the
     * pipeline tests make their non-superuser source and sink roles.
     */
    public void createRole(String name, String... attributes) {
        sql("postgres", "CREATE ROLE " + name + " LOGIN " + String.join(" ", attributes) + " PASSWORD '" + PASSWORD + "'");
    }

    /** A pipeline's connection to one of these databases as the pipeline API takes it, with the test password. */
    public String connectionJson(String database, String user) {
        return connectionJson(database, user, PASSWORD);
    }

    public String connectionJson(String database, String user, String password) {
        return "{\"host\": \"localhost\", \"port\": " + port() + ", \"user\": \"" + user + "\", \"password\": \"" + password
                + "\", \"database\": \"" + database + "\"}";
    }

    /**
     * A table's rows as a count and an md5 digest of every row as text, in order ("12/ab…"), to compare
     * a source table with its copy; "(not yet: …)" while the table cannot be read.
     */
    public String digest(String database, String table) {
        try {
            return query(database, "SELECT count(*) || '/' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '-') FROM "
                    + table + " t").get(0);
        } catch (IllegalStateException e) {
            return "(not yet: " + e.getMessage() + ")";
        }
    }

    /** Runs statements as the superuser. */
    public void sql(String database, String... statements) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The first column of every row, as text. */
    public List<String> query(String database, String sql) {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port() + "/" + database, USER, PASSWORD);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
