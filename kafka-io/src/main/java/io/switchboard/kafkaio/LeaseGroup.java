package io.switchboard.kafkaio;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A lease that exactly one member of a consumer group holds at a time: every member joins the group
 * on a one-partition lease topic, and the member that is assigned the partition holds the lease.
 * When it dies, the group hands the partition to another member within the session timeout (10 s).
 * The group assigns cooperatively and sticky ({@link CooperativeStickyAssignor}): a member joining
 * or coming back (a rolling restart) leaves the lease where it is, since Kafka's default, eager,
 * assignment revokes it from its holder at every join and may hand it to the newcomer.
 *
 * <p>Nothing is read from the topic nor committed: the group's membership is the whole state. Its
 * owner calls {@link #holds} from one thread, often enough to heartbeat (a few times a second);
 * {@link #wakeup} and {@link #close} may be called from another (close once the polling thread is done).
 */
public final class LeaseGroup implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> member;

    /** Joins {@code group} on {@code leaseTopic}. */
    public LeaseGroup(KafkaClients clients, String leaseTopic, String group) {
        this.member = clients.consumer(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        member.subscribe(List.of(leaseTopic));
    }

    /**
     * Takes part in the group for up to {@code wait} (heartbeats, joins, rebalances) and answers
     * whether this member holds the lease now. Throws {@link Woken} after {@link #wakeup}.
     */
    public boolean holds(Duration wait) {
        try {
            member.poll(wait);
        } catch (WakeupException e) {
            throw new Woken();
        }
        return !member.assignment().isEmpty();
    }

    /** Wakes a {@link #holds} under way (which then throws {@link Woken}), or the next one. */
    public void wakeup() {
        member.wakeup();
    }

    /** Leaves the group, waiting up to {@code timeout} for the round trip. Call from the polling thread, or after it ended. */
    public void close(Duration timeout) {
        member.close(timeout);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** A {@link #holds} woken by {@link #wakeup}. */
    public static final class Woken extends RuntimeException {
        Woken() {
            super("woken", null, false, false);
        }
    }
}
