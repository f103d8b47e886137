package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.TaskObservation;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rollout over the core's ports in memory, its driver looked at step by step on a clock of the
 * test's: refused for a version no worker has (nothing sent), started on the connectors of its class,
 * refused while one is under way, promoted batch by batch, and rolled back whole on a failure.
 */
class RolloutsTest {
    private static final String CLASS = "com.example.Source";
    private static final RequestContext ALICE = new RequestContext("req", "alice");
    private static final Scope DEFAULT = new Scope("default");
    private final InMemoryConnectors kafka = new InMemoryConnectors();
    private final Rollouts rollouts = new Rollouts(kafka, kafka, scope -> List.of(
            new PluginVersions.Installed(CLASS, "source", "1.0.0"), new PluginVersions.Installed(CLASS, "source", "2.0.0"),
            new PluginVersions.Installed("com.example.Other", "source", "1.0.0")), null);
    private final MovingClock clock = new MovingClock(1_800_000_000_000L);
    private final RolloutDriver driver = new RolloutDriver(kafka, kafka, Duration.ofHours(1), clock);

    @Test
    void aVersionNoWorkerHasIsRefusedNamingTheirsAndNothingIsSent() {
        create("a", CLASS, "1.0.0");
        int sent = kafka.sent().size();
        ServiceException.InvalidRequest refused = assertThrows(ServiceException.InvalidRequest.class,
                () -> rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "9.9.9", 1, 1, 5, null), ALICE).join());
        assertTrue(refused.getMessage().contains("Invalid value 9.9.9 for configuration connector.plugin.version")
                && refused.getMessage().contains("in versions 1.0.0, 2.0.0"), refused.getMessage());
        assertEquals(sent, kafka.sent().size());
        ServiceException.InvalidRequest range = assertThrows(ServiceException.InvalidRequest.class,
                () -> rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "[1.0,3.0)", 1, 1, 5, null), ALICE).join());
        assertTrue(range.getMessage().contains("not a range: " + CLASS + " is installed in versions 1.0.0, 2.0.0"), range.getMessage());
        assertEquals(sent, kafka.sent().size());
        assertTrue(rollouts.rollouts(DEFAULT).isEmpty());
    }

    @Test
    void aRolloutMovesBatchByBatchAndAFailureRollsEveryMovedConnectorBack() {
        create("a", CLASS, "1.0.0");
        create("b", CLASS, null);
        create("c", CLASS, "1.0.0");
        create("other", "com.example.Other", null);
        String id = rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "2.0.0", 1, 1, 5, null), ALICE).join();
        Rollout rollout = rollouts.rollout(DEFAULT, id).orElseThrow();
        assertEquals(List.of("a", "b", "c"), rollout.getConnectors().stream().map(c -> c.getConnector()).toList());
        assertEquals("2.0.0", version("a"));
        assertEquals("1.0.0", version("c"));
        // One at a time per class.
        assertThrows(ServiceException.Busy.class,
                () -> rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "2.0.0", 1, 1, 5, null), ALICE).join());

        clock.at(rollout.getBatchStartedAt() + 1_000);
        assertEquals(List.of(), driver.tick("default"), "the canary does not report the version yet");
        observe("a", "2.0.0", "RUNNING", null);
        assertEquals(1, driver.tick("default").size());
        assertEquals(RolloutDecider.WATCHING, rollouts.rollout(DEFAULT, id).orElseThrow().getState());
        clock.advance(4_000);
        assertEquals(List.of(), driver.tick("default"), "watched for less than 5 s");
        clock.advance(1_000);
        assertEquals(1, driver.tick("default").size());
        assertEquals(RolloutDecider.PROMOTING, rollouts.rollout(DEFAULT, id).orElseThrow().getState());
        assertEquals("2.0.0", version("b"));
        assertEquals("1.0.0", version("c"), "the next batch waits for this one's watch");

        clock.advance(1_000);
        observe("b", "2.0.0", "FAILED", "java.lang.IllegalStateException: broke\n\tat x");
        assertEquals(1, driver.tick("default").size());
        Rollout back = rollouts.rollout(DEFAULT, id).orElseThrow();
        assertEquals(RolloutDecider.ROLLED_BACK, back.getState());
        assertEquals("task 0 of connector b failed on version 2.0.0: java.lang.IllegalStateException: broke", back.getReason());
        assertEquals("1.0.0", version("a"));
        assertEquals(null, version("b"), "b had no version key: it is removed again");
        assertEquals(1L, kafka.connector(new ConnectorKey("default", "c"), ReadConsistency.LINEARIZABLE).orElseThrow().getVersion(), "c was never changed");
        assertEquals(List.of(), driver.tick("default"), "a rollout finished is not looked at again");
        // Finished: the class may be rolled out again.
        assertTrue(rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "2.0.0", 1, 1, 5, List.of("c")), ALICE).join() != null);
    }

    @Test
    void aDriverTakingTheLeaseOverCarriesTheRolloutOnWhereItIs() {
        create("a", CLASS, "1.0.0");
        create("b", CLASS, "1.0.0");
        String id = rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "2.0.0", 1, 1, 5, null), ALICE).join();
        clock.at(rollouts.rollout(DEFAULT, id).orElseThrow().getBatchStartedAt() + 1_000);
        observe("a", "2.0.0", "RUNNING", null);
        assertEquals(1, driver.tick("default").size());
        // This replica dies; another one, which never saw the rollout, holds the lease now.
        RolloutDriver next = new RolloutDriver(kafka, kafka, Duration.ofHours(1), clock);
        clock.advance(5_000);
        assertEquals(1, next.tick("default").size());
        assertEquals("2.0.0", version("b"));
        clock.advance(1_000);
        observe("b", "2.0.0", "RUNNING", null);
        next.tick("default");
        clock.advance(5_000);
        next.tick("default");
        assertEquals(RolloutDecider.DONE, rollouts.rollout(DEFAULT, id).orElseThrow().getState());
        // The step the first replica would send again is the same command: decided once, it changes nothing now.
        assertEquals(List.of(), driver.tick("default"));
    }

    @Test
    void aConnectorOfAnotherClassIsRefusedWhenNamed() {
        create("other", "com.example.Other", null);
        ServiceException.InvalidRequest refused = assertThrows(ServiceException.InvalidRequest.class,
                () -> rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "2.0.0", 1, 1, 5, List.of("other")), ALICE).join());
        assertTrue(refused.getMessage().contains("runs com.example.Other"), refused.getMessage());
        assertThrows(ServiceException.InvalidRequest.class,
                () -> rollouts.start(DEFAULT, new Rollouts.Request(CLASS, "2.0.0", 1, 1, 0, List.of("other")), ALICE).join());
    }

    private void create(String name, String className, String version) {
        Map<String, String> config = version == null ? Map.of("connector.class", className)
                : Map.of("connector.class", className, RolloutDecider.VERSION_KEY, version);
        Outcome outcome = kafka.submit(kafka.command(new ConnectorKey("default", name), new CreateConnector(config, TargetState.RUNNING,
                null), ALICE).build()).join().getOutcome();
        assertEquals(Outcome.CREATED, outcome);
    }

    private String version(String name) {
        return kafka.connector(new ConnectorKey("default", name), ReadConsistency.LINEARIZABLE).orElseThrow().getConfig().get(RolloutDecider.VERSION_KEY);
    }

    private void observe(String name, String version, String task, String trace) {
        kafka.observed(new ConnectorKey("default", name), ConnectorObservation.newBuilder().setCluster("default").setConnector(name)
                .setObservedAt(clock.millis()).setState("RUNNING").setVersion(version)
                .setTasks(List.of(TaskObservation.newBuilder().setId(0).setState(task).setTrace(trace).setVersion(version).build()))
                .build());
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private long now;

        MovingClock(long now) {
            this.now = now;
        }

        void at(long millis) {
            now = millis;
        }

        void advance(long millis) {
            now += millis;
        }

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
