package io.switchboard.pipelines;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How far a pipeline's replication slot is behind its source: the bytes of WAL between the source's
 * current position and the one the slot has confirmed, up to which the source connector has handed
 * every change on (and PostgreSQL may recycle the WAL before it). Read from the source database with
 * the pipeline's own credentials: {@code pg_replication_slots} and {@code pg_current_wal_lsn()} need
 * no privilege beyond login.
 *
 * <p>Bounded: each slot's reading is kept for {@link #FRESH_FOR}, so reads of pipelines do not each
 * open a connection; at most {@link #MAX_KEPT} readings are kept; a source that does not answer
 * within 2 s gives no reading rather than holding the read of the pipeline longer. Thread-safe.
 */
public final class ReplicationLag {
    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    static final int MAX_KEPT = 10_000;
    private static final int TIMEOUT_SECONDS = 2;
    private static final Logger log = LoggerFactory.getLogger(ReplicationLag.class);
    private final Clock clock;
    private final Map<String, Reading> readings = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reading> eldest) {
            return size() > MAX_KEPT;
        }
    };

    /** Bytes behind (null: the source could not say) and when that was read. */
    private record Reading(Long bytes, long at) {
    }

    public ReplicationLag(Clock clock) {
        this.clock = clock;
    }

    /** The slot's lag in bytes, at most {@link #FRESH_FOR} old; null when the source or the slot cannot be read. */
    public Long bytesBehind(PostgresConnection source, String slot) {
        long now = clock.millis();
        synchronized (readings) {
            Reading kept = readings.get(slot);
            if (kept != null && now - kept.at() < FRESH_FOR.toMillis()) {
                return kept.bytes();
            }
        }
        Long bytes = read(source, slot);
        synchronized (readings) {
            readings.put(slot, new Reading(bytes, now));
        }
        return bytes;
    }

    private static Long read(PostgresConnection source, String slot) {
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.jdbcProperties(TIMEOUT_SECONDS));
             PreparedStatement s = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet r = s.executeQuery()) {
                if (r.next()) {
                    long bytes = r.getLong(1);
                    return r.wasNull() ? null : Math.max(0, bytes);
                }
                return null;
            }
        } catch (SQLException e) {
            log.debug("Cannot read the lag of replication slot {}: {}", slot, e.getMessage());
            return null;
        }
    }
}
