package io.switchboard.query;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;
import java.util.Properties;

/**
 * The read side's timers, all from the one setting they must agree with: the command processor's
 * group session ({@code session.timeout.ms}) and heartbeat ({@code heartbeat.interval.ms}) as its
 * Kafka Streams configuration gives them to its consumer. The group hands a member's partitions to
 * another once a session has passed since the member's last heartbeat; the member heartbeats every
 * heartbeat interval, so its last heartbeat may precede the last moment it is known to have run (or
 * reached Kafka) by up to one interval:
 * <ul>
 *   <li>{@link #leaseMs}: how long reaching Kafka lets a replica answer as owner ({@link KafkaLease}),
 *       and {@link #pauseMs}: how long this JVM may have stood still before its copies are distrusted
 *       ({@link PauseFence}). Both are the longest silence after which no other replica can own its
 *       partitions yet, session minus a heartbeat interval, less one more interval of margin;</li>
 *   <li>{@link #settleMs}: after a lapse in reaching Kafka, how long the replica waits before
 *       answering as owner again: one heartbeat interval for its member's next heartbeat to go out,
 *       one for the answer that it was fenced and for the stream thread to give its tasks up;</li>
 *   <li>{@link #fenceMs}: after a pause, how long the copies stay distrusted: a whole session, since a
 *       thawed JVM's threads all catch up at once, and by then its member has either heard it was
 *       fenced and closed its tasks or is still in its group;</li>
 *   <li>{@link #renewMs}: how often the lease is renewed, once a heartbeat interval, so that a lease
 *       lapses only after two renewals in a row failed.</li>
 * </ul>
 * With a session of 10 s and a heartbeat of 2 s (the processor's settings): lease and pause 6 s,
 * settle 4 s, fence 10 s, renewal every 2 s.
 */
public record SessionTimers(long sessionMs, long heartbeatMs) {

    public SessionTimers {
        if (heartbeatMs <= 0 || sessionMs < 3 * heartbeatMs) {
            throw new IllegalArgumentException("A group session of " + sessionMs + " ms with a heartbeat every " + heartbeatMs
                    + " ms leaves an owner no time to answer: the session must be at least three heartbeat intervals");
        }
    }

    /** The timers of a command processor configured with these Kafka Streams properties (Kafka's defaults where unset). */
    public static SessionTimers of(Properties streams) {
        Map<String, Object> consumer = new StreamsConfig(streams).getMainConsumerConfigs("timers", "timers", 0);
        return new SessionTimers(setting(consumer, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                setting(consumer, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
    }

    /** Kafka's defaults (a session of 45 s, a heartbeat every 3 s): for a reader given no processor settings. */
    public static SessionTimers kafkaDefaults() {
        return new SessionTimers(setting(Map.of(), ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                setting(Map.of(), ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
    }

    long leaseMs() {
        return sessionMs - 2 * heartbeatMs;
    }

    long pauseMs() {
        return leaseMs();
    }

    long settleMs() {
        return 2 * heartbeatMs;
    }

    long fenceMs() {
        return sessionMs;
    }

    long renewMs() {
        return heartbeatMs;
    }

    private static long setting(Map<String, Object> consumer, String name) {
        Object value = consumer.get(name);
        if (value == null) {
            value = ConsumerConfig.configDef().defaultValues().get(name);
        }
        return value instanceof Number number ? number.longValue() : Long.parseLong(value.toString().trim());
    }
}
