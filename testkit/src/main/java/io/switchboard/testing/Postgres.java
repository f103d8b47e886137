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
 * A real PostgreSQL for tests, with logical replication on ({@code wal_level=logical}) and password
 * authentication for TCP clients, so that a wrong password is refused as it would be in production:
 * the embedded one (binaries from Maven Central, {@link #start()}), or a PostgreSQL installed on the
 * machine, such as Debian's ({@link #startInstalled}), in a cluster of its own under a temporary
 * directory.
 */
public final class Postgres implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "pw-" + UUID.randomUUID().toString().substring(0, 8);
    /** Debian's PostgreSQL 15 (package postgresql-15), as the system tier runs it besides the embedded one. */
    public static final Path DEBIAN_15 = Path.of("/usr/lib/postgresql/15/bin");
    private final int port;
    private final AutoCloseable stop;

    private Postgres(int port, AutoCloseable stop) {
        this.port = port;
        this.stop = stop;
    }

    /** The embedded PostgreSQL. */
    public static Postgres start() {
        EmbeddedPostgres pg = embedded();
        Postgres started = new Postgres(pg.getPort(), pg);
        started.requirePasswords();
        return started;
    }

    /**
     * An embedded PostgreSQL that {@link #close} leaves running: it stops when the JVM exits
     * ({@link SharedPostgres}).
     */
    static Postgres startKeptUntilExit() {
        EmbeddedPostgres pg = embedded();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                pg.close();
            } catch (IOException ignored) {
                // the JVM is going
            }
        }, "shared-postgres-stop"));
        Postgres started = new Postgres(pg.getPort(), () -> { });
        started.requirePasswords();
        return started;
    }

    /** Slots and WAL senders for every pipeline a JVM's test classes run on one server, with room for those a failed test leaves. */
    private static EmbeddedPostgres embedded() {
        try {
            return EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "40")
                    .setServerConfig("max_wal_senders", "40")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PostgreSQL installed on this machine, its programs ({@code initdb}, {@code pg_ctl}) in
     * {@code bin}: a new cluster in a temporary directory, on a free port, stopped and removed by
     * {@link #close}. PostgreSQL refuses to run as root: as root, the cluster is the OS user
     * {@code postgres}'s (which Debian's package creates), and its programs run as that user.
     */
    public static Postgres startInstalled(Path bin) {
        try {
            if (!Files.isExecutable(bin.resolve("initdb"))) {
                throw new IllegalStateException("No PostgreSQL in " + bin + " (on Debian: apt-get install postgresql-15)");
            }
            Path dir = Files.createTempDirectory("switchboard-postgres");
            Path data = dir.resolve("data");
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                java.nio.file.attribute.UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
                Files.setOwner(dir, owner);
            }
            int port;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            run(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust", "-E", "UTF8", "--locale=C");
            Files.writeString(data.resolve("postgresql.conf"), "\nport = " + port + "\nlisten_addresses = 'localhost'\n"
                    + "unix_socket_directories = '" + dir + "'\nwal_level = logical\nmax_replication_slots = 20\nmax_wal_senders = 20\n"
                    + "fsync = off\n", java.nio.file.StandardOpenOption.APPEND);
            run(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60", "start");
            Postgres started = new Postgres(port, () -> {
                run(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
                try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            });
            started.requirePasswords();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a program of PostgreSQL's to its end (as the OS user postgres when {@code root}); its output on failure. */
    private static void run(boolean root, String... command) throws IOException {
        List<String> line = new ArrayList<>();
        if (root) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IOException(String.join(" ", line) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", line), e);
        }
    }

    /** The server's major version, as {@code server_version_num} says it (14, 15, ...). */
    public int majorVersion() {
        return Integer.parseInt(query("postgres", "SHOW server_version_num").get(0)) / 10_000;
    }

    /** Sets the superuser's password and makes TCP clients give it. */
    private void requirePasswords() {
        sql("postgres", "ALTER USER postgres PASSWORD '" + PASSWORD + "'");
        Path hba = Path.of(query("postgres", "SHOW hba_file").get(0));
        try {
            Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n"
                + "local replication all trust\nhost replication all 127.0.0.1/32 scram-sha-256\nhost replication all ::1/128 scram-sha-256\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        query("postgres", "SELECT pg_reload_conf()");
    }

    public int port() {
        return port;
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
            stop.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
