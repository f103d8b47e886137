package io.switchboard.pipelines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Figures read from a pipeline's databases while it runs. How far its replication slot is behind
 * its source: the bytes of WAL between the source's
 * current position and the one the slot has confirmed, up to which the source connector has handed
 * every change on (and PostgreSQL may recycle the WAL before it). Read from the source database with
 * the pipeline's own credentials: {@code pg_replication_slots} and {@code pg_current_wal_lsn()} need
 * no privilege beyond login. And, while a table is copied, how many rows its target holds.
 *
 * <p>Bounded, and off the request threads: a reading older than {@link #FRESH_FOR} is refreshed by
 * one of {@link #READERS} threads of its own, at most one refresh per figure at a time (single
 * flight), at most {@link #QUEUED} waiting; a database that does not answer within 2 s gives no
 * reading. A read waits for a refresh at most {@link #WAIT_FOR}, then answers the kept reading if it
 * is recent ({@link #STALE_AT_MOST}), else none. So however many reads arrive, and however slow a
 * database is, a request waits at most {@link #WAIT_FOR} and never on a connection of its own, and
 * at most {@link #READERS} connections are open for readings. At most {@link #MAX_KEPT} readings
 * are kept. Thread-safe.
 */
public final class DatabaseReadings {
    static final Duration FRESH_FOR = Duration.ofSeconds(2);
    /** How long a read waits for a refresh under way. */
    static final Duration WAIT_FOR = Duration.ofMillis(500);
    /** The oldest reading a read answers when a refresh takes longer than {@link #WAIT_FOR}. */
    static final Duration STALE_AT_MOST = Duration.ofSeconds(10);
    static final int MAX_KEPT = 10_000;
    private static final int TIMEOUT_SECONDS = 2;
    /** Threads reading databases, and readings waiting for one: no request thread ever waits on a database. */
    static final int READERS = 2;
    static final int QUEUED = 64;
    private static final Logger log = LoggerFactory.getLogger(DatabaseReadings.class);
    private final Clock clock;
    private final Map<String, Reading> readings = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reading> eldest) {
            return size() > MAX_KEPT;
        }
    };

    /** A figure or text (null: the database could not say, or nothing to say) and when it was read. */
    private record Reading(Object value, long at) {
    }

    /** Figures being read now, with the reading to come; bounded by the readers and their queue. Guarded by {@code readings}. */
    private final Map<String, CompletableFuture<Object>> refreshing = new HashMap<>();
    private final ThreadPoolExecutor readers;

    public DatabaseReadings(Clock clock) {
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.readers = new ThreadPoolExecutor(READERS, READERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED), r -> {
            Thread t = new Thread(r, "pipeline-readings-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        readers.allowCoreThreadTimeOut(true);
    }

    /** The slot's lag in bytes, at most {@link #FRESH_FOR} old; null when the source or the slot cannot be read. */
    public Long bytesBehind(PostgresConnection source, String slot) {
        return kept("slot " + slot, () -> read(source, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = ?", slot));
    }

    /**
     * How old the newest change known to be in the target is, in milliseconds, at most
     * {@link #FRESH_FOR} old: the source's clock now minus the time of the heartbeat row the sink
     * last wrote into the target (see {@link HeartbeatTable}). Both times are the source's own
     * clock, so a target server whose clock differs does not skew it. Null while the target has no
     * heartbeat yet, or when either database cannot be read.
     */
    public Long millisBehind(PostgresConnection source, PostgresConnection target, String targetSchema, String id) {
        return kept("heartbeat " + target.host() + ":" + target.port() + "/" + target.database() + "/" + id, () -> {
            Long reached = read(target, HeartbeatTable.copyTimeQuery(targetSchema, id));
            Long now = reached == null ? null : read(source, "SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint");
            return now == null ? null : Math.max(0, now - reached);
        });
    }

    /**
     * The rows a target table holds, as PostgreSQL's statistics count them (updated about every
     * second as the sink commits, and cheap on any size of table), at most {@link #FRESH_FOR} old;
     * null when the target or the table cannot be read.
     */
    public Long rowsIn(PostgresConnection target, String schema, String table) {
        return kept("table " + target.host() + ":" + target.port() + "/" + target.database() + "/" + schema + "." + table,
                () -> read(target, "SELECT n_live_tup FROM pg_stat_user_tables WHERE schemaname = ? AND relname = ?", schema, table));
    }

    /**
     * How many of the source's own tables the pipeline's publication holds (its heartbeat table left
     * out), at most {@link #FRESH_FOR} old; null when the source cannot be read.
     */
    public Long tablesPublished(PostgresConnection source, String publication) {
        return kept("publication " + source.host() + ":" + source.port() + "/" + source.database() + "/" + publication,
                () -> read(source, PublicationTables.countQuery(), publication));
    }

    /**
     * What keeps a streaming pipeline's source from going on, in the database's own words, at most
     * {@link #FRESH_FOR} old; null when nothing does, or when the source cannot be reached (its
     * connector reports that itself). The source connector retries what the database refuses
     * mid-stream (the publication dropped, a table's SELECT revoked, the slot dropped or invalidated) and stays RUNNING while its
     * slot stops moving; this asks the database what its walsender asks, as the source's role.
     */
    public String sourceProblem(PostgresConnection source, String publication, String slot) {
        return kept("problem " + source.host() + ":" + source.port() + "/" + source.database() + "/" + publication + "/" + slot,
                () -> PublicationTables.problem(source, publication, slot));
    }

    /**
     * The tables the pipeline's own publication leaves out ({@link TablesLeftOut#read}), at most
     * {@link #FRESH_FOR} old, fixes naming the source's user as {@link TablesLeftOut#SOURCE_USER};
     * null when the source cannot be read.
     */
    TablesLeftOut.Listing tablesLeftOut(PostgresConnection source, String publication) {
        return kept("left out " + source.host() + ":" + source.port() + "/" + source.database() + "/" + publication, () -> {
            try (Connection c = source.connect(TIMEOUT_SECONDS)) {
                return TablesLeftOut.read(c, publication, TablesLeftOut.SOURCE_USER);
            } catch (SQLException e) {
                log.debug("Cannot read the tables left out of {} from {}: {}", publication, source.database(), e.getMessage());
                return null;
            }
        });
    }

    /** See {@link OversizedEvents#tableInSlot}, as a reading. */
    public String oversizedTable(PostgresConnection source, String slot, String publication) {
        return kept("oversized " + source.host() + ":" + source.port() + "/" + source.database() + "/" + slot,
                () -> OversizedEvents.tableInSlot(source, slot, publication));
    }

    /**
     * The reading of {@code what}: the kept one while it is at most {@link #FRESH_FOR} old; else one
     * refresh on the readers' threads, shared by every read of the same figure meanwhile (single
     * flight), which a read waits for at most {@link #WAIT_FOR}. When the refresh takes longer (or
     * every reader is busy), the read answers the kept reading if it is at most {@link #STALE_AT_MOST}
     * old, else none: it never shows a figure from long ago as if it were now (after a quiet spell,
     * the kept reading may be that old).
     */
    @SuppressWarnings("unchecked")
    <T> T kept(String what, Supplier<T> reading) {
        long now = clock.millis();
        Reading kept;
        CompletableFuture<Object> refresh;
        synchronized (readings) {
            kept = readings.get(what);
            if (kept != null && now - kept.at() < FRESH_FOR.toMillis()) {
                return (T) kept.value();
            }
            refresh = refreshing.get(what);
            if (refresh == null) {
                refresh = new CompletableFuture<>();
                refreshing.put(what, refresh);
                start(what, reading::get, refresh);
            }
        }
        try {
            return (T) refresh.get(WAIT_FOR.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return kept != null && now - kept.at() <= STALE_AT_MOST.toMillis() ? (T) kept.value() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Starts one refresh of {@code what}; called holding {@code readings}. */
    private void start(String what, Supplier<Object> reading, CompletableFuture<Object> refresh) {
        try {
            readers.execute(() -> {
                Object value = null;
                try {
                    value = reading.get();
                    synchronized (readings) {
                        readings.put(what, new Reading(value, clock.millis()));
                    }
                } finally {
                    synchronized (readings) {
                        refreshing.remove(what);
                    }
                    refresh.complete(value);
                }
            });
        } catch (RejectedExecutionException e) {
            // Every reader busy and the queue full: this figure is refreshed at a later read.
            refreshing.remove(what);
            refresh.completeExceptionally(e);
        }
    }

    private static Long read(PostgresConnection db, String sql, String... arguments) {
        try (Connection c = db.connect(TIMEOUT_SECONDS);
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < arguments.length; i++) {
                s.setString(i + 1, arguments[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    long value = r.getLong(1);
                    return r.wasNull() ? null : Math.max(0, value);
                }
                return null;
            }
        } catch (SQLException e) {
            log.debug("Cannot read {} from {}: {}", sql, db.database(), e.getMessage());
            return null;
        }
    }
}
