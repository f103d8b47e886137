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

    /** The sink's lag in records at one reading. */
    record Reading(Instant at, long records) {
    }

    List<Reading> readings(String cluster, String connector);

    /** How often a reading is made. */
    Duration interval();
}
