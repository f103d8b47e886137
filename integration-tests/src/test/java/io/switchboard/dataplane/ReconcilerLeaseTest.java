package io.switchboard.dataplane;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.api.SharedKafka;
import io.switchboard.testing.Await;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A cluster's reconcile lease stays with its holder while other replicas join the group (a replica
 * started, or coming back in a rolling restart), and moves only when the holder leaves. On the
 * shared broker, with reconcilers whose worker is never reached (the lease is what is watched).
 */
class ReconcilerLeaseTest {
    private final List<ReconcilerLoop> loops = new ArrayList<>();
    private final String prefix = SharedKafka.newPrefix();
    private final String leaseTopic = prefix + "-leases";
    private final String group = prefix + "-reconciler-lease";

    @AfterEach
    void stop() {
        loops.forEach(ReconcilerLoop::close);
        SharedKafka.deleteTopics(prefix);
    }

    @Test
    void theLeaseStaysWithItsHolderWhileOthersJoinAndMovesWhenItLeaves() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(leaseTopic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        ReconcilerLoop first = loop();
        Await.atMost(Duration.ofSeconds(60)).until("the first replica to take the lease", first::isLeader);
        ReconcilerLoop second = loop();
        awaitMembers(2);
        ReconcilerLoop third = loop();
        awaitMembers(3);

        // Joins completed: each one rebalanced the group, and the holder kept the lease through them.
        assertEquals(1, first.leaseChanges(), "the holder's lease changes (took it once, never lost it) while two replicas joined");
        assertFalse(second.isLeader() || third.isLeader(), "a newcomer holds the lease too");

        first.close();
        loops.remove(first);
        Await.atMost(Duration.ofSeconds(60)).until("another replica to take the lease once the holder left",
                () -> second.isLeader() != third.isLeader());
    }

    private ReconcilerLoop loop() {
        ConnectClusterClient worker = ConnectClusterClient.of("http://127.0.0.1:9", Optional.empty());
        Reconciler reconciler = new Reconciler("lease", worker,
                DesiredConnectors.byName(List::of, name -> Optional.empty()),
                UnaryOperator.identity(), Reconciler.Reports.to(observation -> { }), Clock.systemUTC());
        ReconcilerLoop loop = new ReconcilerLoop("lease", reconciler, SharedKafka.broker().bootstrapServers(),
                SharedKafka.broker().clients(KafkaIdentities.CONTROL_PLANE).common(), leaseTopic, group,
                Duration.ofMinutes(10));
        loops.add(loop);
        return loop.start();
    }

    /** Until the group is stable with {@code count} members: every join has been through its rebalance. */
    private void awaitMembers(int count) {
        Await.atMost(Duration.ofSeconds(60)).until("the lease group to be stable with " + count + " members", this::describe,
                d -> d.members().size() == count && d.groupState() == GroupState.STABLE);
    }

    private ConsumerGroupDescription describe() throws Exception {
        try (Admin admin = admin()) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(30, TimeUnit.SECONDS);
        }
    }

    private static Admin admin() {
        return Admin.create(SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE));
    }
}
