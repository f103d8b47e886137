package io.switchboard.testing;

/**
 * One embedded PostgreSQL per test JVM, started by the first class that asks and stopped when the
 * JVM exits, as {@code SharedKafka} shares one broker: an initdb and a start per JVM rather than per
 * class. Classes on it keep apart by names of their own (databases, roles, pipeline ids), and leave
 * no replication slot behind: every pipeline a class makes is deleted or force-deleted. Its
 * {@link Postgres#close} does nothing. A class that stops, restarts or reconfigures the server, or
 * needs another version, starts one of its own.
 */
public final class SharedPostgres {
    private static Postgres server;

    private SharedPostgres() {
    }

    /** The JVM's PostgreSQL, started on first use. */
    public static synchronized Postgres server() {
        if (server == null) {
            server = Postgres.startKeptUntilExit();
        }
        return server;
    }
}
