package io.switchboard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The recent lag readings of each sink connector, oldest first, as this replica's sink-lag reader
 * made them (every {@link #interval()}, a bounded number kept per sink): what the console draws as
 * a sparkline. Empty for a connector that is no sink, whose group has committed nothing yet, or on
 * a replica that reads no sink lag ({@code --health-series false}).
 */
public interface SinkLagReadings {
    /** None read, ever. */
    SinkLagReadings NONE = new SinkLagReadings() {
        @Override
        public List<Reading> readings(String cluster, String connector) {
            return List.of();
        }

        @Override
        public Duration interval() {
            return Duration.ofSeconds(30);
        }
    };

    /**
     * The sink's lag at one reading: in records, and in seconds as the age of the oldest record it
     * had not consumed ({@code null} when not known: records without a timestamp, or not read that pass).
     */
    record Reading(Instant at, long records, Duration age) {
        /** A reading in records only. */
        public Reading(Instant at, long records) {
            this(at, records, null);
        }
    }

    List<Reading> readings(String cluster, String connector);

    /** How often a reading is made. */
    Duration interval();
}
