package io.switchboard;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import io.switchboard.kafkaio.KafkaRefusals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Kafka's static group membership for the command processor ({@code --instance-id}): a replica
 * with a stable identity (a StatefulSet pod's name) that is killed and started again takes its old
 * member's place as soon as it joins, without waiting out that member's session. Without one, a
 * replica joins as a new member at every start. Either way a replica leaves the group when it
 * stops cleanly (see {@link #onClose}).
 *
 * <p>The identity must belong to one running process at a time: a second process given the same
 * one takes the partitions from the first at once (the first is fenced at its next heartbeat, and
 * its transactions cannot commit), not after the first's session, which is what
 * {@code KafkaLease} counts on otherwise. docs/kubernetes.md weighs it.
 */
final class StaticMembership {
    /** What Kafka accepts in a group instance id. */
    /** Kafka refusing the command processor's principal: at most one ERROR line a minute. */
    private static final KafkaRefusals.Reporter REFUSALS = new KafkaRefusals.Reporter(LoggerFactory.getLogger(StaticMembership.class),
            "The command processor", KafkaRefusals.CONTROL_PLANE_SETTINGS, Duration.ofMinutes(1));
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private StaticMembership() {
    }

    /** The Streams settings with this replica's group instance id, when it has one. */
    static Properties apply(String instanceId, Properties streams) {
        if (instanceId == null || instanceId.isBlank()) {
            return streams;
        }
        if (!LEGAL.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("--instance-id takes letters, digits, '.', '_' and '-' (at most 249), not '"
                    + instanceId + "'");
        }
        // Kafka Streams suffixes it with each stream thread's index, one static member per thread.
        streams.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        return streams;
    }

    /**
     * On a clean stop every replica leaves the group, identity or not, so that its partitions move
     * at once to the replicas holding their standby copies. Keeping its place instead would leave
     * them without an owner until it returned or its session (10 s) ended: a replica takes longer
     * than that to start again (the rolling-restart fault measures it), so a static member would keep
     * commands for its partitions waiting for the whole session and then be dropped anyway (the
     * same rebalances, 10 s later). The identity still counts after a crash: a replica killed and
     * started again under it takes its old member's place when it joins, without waiting out the
     * session.
     */
    static CloseOptions.GroupMembershipOperation onClose() {
        return CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
    }

    /**
     * What a failed stream thread becomes: replaced, unless another process joined the group under
     * this replica's identity. A replacement would join under it again and fence that process in
     * turn; the command processor stops instead, and /health/live says so.
     */
    static StreamThreadExceptionResponse onThreadFailure(Throwable failure, Logger log) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof FencedInstanceIdException) {
                log.error("Another process joined the command processor's group under this replica's --instance-id;"
                        + " this one stops its command processor (an identity belongs to one running process)");
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        if (REFUSALS.report(failure)) {
            // Kafka refusing the processor's principal: one line naming the setting, not a stack trace a thread.
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        log.error("Command processor thread failed; replacing it", failure);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
