package io.switchboard.faults;

import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.HistoryChecker.Violation;
import io.switchboard.faults.Op.Kind;
import io.switchboard.faults.Op.Outcome;
import io.switchboard.faults.Op.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The checker on made-up histories: one that could have happened passes, and each kind of
 * violation it claims to catch is caught, alone. A checker that cannot fail proves nothing.
 */
class HistoryCheckerTest {
    private static final String C = "c1";

    /** A create, a config update, a pause and a read, each acknowledged, each applied once, in order. */
    private final List<Op> ops = new ArrayList<>(List.of(
            op(1, Kind.CREATE, 0, 10, Outcome.OK, "m1", null, null),
            op(2, Kind.CONFIG, 20, 30, Outcome.OK, "m2", null, null),
            op(3, Kind.PAUSE, 40, 50, Outcome.OK, null, "PAUSED", null),
            op(4, Kind.READ, 60, 70, Outcome.OK, null, null, new State(true, "m2", "PAUSED"))));
    private final List<Version> history = new ArrayList<>(List.of(
            version(1, "ConnectorCreated", "op-1-0", "m1", "RUNNING"),
            version(2, "ConnectorConfigChanged", "op-2-0", "m2", "RUNNING"),
            version(3, "TargetStateChanged", "op-3-0", "m2", "PAUSED")));
    private State finalRead = new State(true, "m2", "PAUSED");

    @Test
    void aHistoryThatExplainsEveryOpPasses() {
        assertEquals(List.of(), check());
    }

    @Test
    void anAcknowledgedWriteMissingFromTheHistoryIsLost() {
        history.remove(1);
        history.set(1, version(3, "TargetStateChanged", "op-3-0", "m1", "PAUSED"));
        finalRead = new State(true, "m1", "PAUSED");
        ops.set(3, op(4, Kind.READ, 60, 70, Outcome.OK, null, null, new State(true, "m1", "PAUSED")));
        assertEquals(List.of("LOST"), kinds());
    }

    @Test
    void anAcknowledgedPauseOfAPausedConnectorNeedNotShow() {
        ops.add(op(5, Kind.PAUSE, 80, 90, Outcome.OK, null, "PAUSED", null));
        assertEquals(List.of(), check());
        // ... but a resume that made no version, while the connector was paused all along, is lost.
        ops.add(op(6, Kind.RESUME, 100, 110, Outcome.OK, null, "RUNNING", null));
        assertEquals(List.of("LOST"), kinds());
    }

    @Test
    void oneCommandMakingTwoVersionsIsAppliedTwice() {
        // Right after the first, as a replayed command would be: nothing else is wrong.
        history.add(2, version(3, "ConnectorConfigChanged", "op-2-0", "m2", "RUNNING"));
        assertEquals(List.of("APPLIED_TWICE"), kinds());
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyThatAppliesAgainIsCaught() {
        ops.add(new Op(5, "client", C, Kind.CONFIG, "connect", "r1", List.of("op-5-0", "op-5-1"), "key-5",
                80, 90, Outcome.OK, 200, "m5", null, null, null));
        history.add(version(4, "ConnectorConfigChanged", "op-5-0", "m5", "PAUSED"));
        history.add(version(5, "ConnectorConfigChanged", "op-5-1", "m5", "PAUSED"));
        finalRead = new State(true, "m5", "PAUSED");
        assertEquals(List.of("APPLIED_TWICE"), kinds());
    }

    /**
     * An offsets reset is recorded when the worker has done it, which may be after a change decided
     * later: no position in the order, yet still one entry per reset, and none for a refused one.
     */
    @Test
    void anOffsetsResetRecordedAfterALaterChangeIsNoViolationButTwoEntriesOrARefusedOneAre() {
        ops.add(2, op(5, Kind.OFFSETS_RESET, 12, 15, Outcome.OK, null, null, null));
        history.add(version(4, "OffsetsReset", "op-5-0", "m2", "PAUSED"));
        assertEquals(List.of(), kinds());
        history.add(version(5, "OffsetsReset", "op-5-0", "m2", "PAUSED"));
        assertEquals(List.of("APPLIED_TWICE"), kinds());
        history.remove(history.size() - 1);
        ops.add(op(6, Kind.OFFSETS_RESET, 80, 90, Outcome.REFUSED, null, null, null));
        history.add(version(5, "OffsetsReset", "op-6-0", "m2", "PAUSED"));
        assertEquals(List.of("REFUSED_APPLIED"), kinds());
        history.remove(history.size() - 1);
        history.add(version(5, "OffsetsReset", "op-2-0", "m2", "PAUSED"));
        assertEquals(List.of("WRONG_EFFECT"), kinds());
    }

    @Test
    void aRefusedCommandThatMadeAVersionIsCaught() {
        ops.add(op(5, Kind.CONFIG, 80, 90, Outcome.REFUSED, "m5", null, null));
        history.add(version(4, "ConnectorConfigChanged", "op-5-0", "m5", "PAUSED"));
        finalRead = new State(true, "m5", "PAUSED");
        assertEquals(List.of("REFUSED_APPLIED"), kinds());
    }

    @Test
    void aCommandWithAnUnknownOutcomeMayOrMayNotShow() {
        ops.add(op(5, Kind.CONFIG, 80, 90, Outcome.UNKNOWN, "m5", null, null));
        assertEquals(List.of(), check());
        // Applied after its client gave up, and after a later command: still possible.
        ops.add(op(6, Kind.RESUME, 100, 110, Outcome.OK, null, "RUNNING", null));
        history.add(version(4, "TargetStateChanged", "op-6-0", "m2", "RUNNING"));
        history.add(version(5, "ConnectorConfigChanged", "op-5-0", "m5", "RUNNING"));
        finalRead = new State(true, "m5", "RUNNING");
        assertEquals(List.of(), check());
    }

    @Test
    void versionsInAnOrderRealTimeForbidsAreCaught() {
        // The pause was invoked after the config update was acknowledged, yet comes first.
        history.set(1, version(2, "TargetStateChanged", "op-3-0", "m1", "PAUSED"));
        history.set(2, version(3, "ConnectorConfigChanged", "op-2-0", "m2", "PAUSED"));
        assertEquals(List.of("REALTIME_ORDER"), kinds());
    }

    @Test
    void aReadOfAStateOlderThanAnAcknowledgedWriteIsStale() {
        ops.set(3, op(4, Kind.READ, 60, 70, Outcome.OK, null, null, new State(true, "m1", null)));
        assertEquals(List.of("STALE_READ"), kinds());
    }

    @Test
    void aReadOfAStateNotYetWrittenIsCaughtToo() {
        // Read completed before the config update was invoked, but saw its value.
        ops.add(op(5, Kind.READ, 12, 15, Outcome.OK, null, null, new State(true, "m2", null)));
        assertEquals(List.of("STALE_READ"), kinds());
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeEitherState() {
        ops.add(op(5, Kind.READ, 25, 35, Outcome.OK, null, null, new State(true, "m1", null)));
        ops.add(op(6, Kind.READ, 25, 35, Outcome.OK, null, null, new State(true, "m2", null)));
        assertEquals(List.of(), check());
    }

    @Test
    void aVersionNoClientAskedForIsAPhantom() {
        history.add(version(4, "ConnectorConfigChanged", "op-99-0", "m9", "PAUSED"));
        finalRead = new State(true, "m9", "PAUSED");
        assertEquals(List.of("PHANTOM"), kinds());
    }

    @Test
    void aVersionThatIsNotWhatItsCommandAskedIsCaught() {
        history.set(1, version(2, "ConnectorConfigChanged", "op-2-0", "m7", "RUNNING"));
        history.set(2, version(3, "TargetStateChanged", "op-3-0", "m7", "PAUSED"));
        finalRead = new State(true, "m7", "PAUSED");
        ops.set(3, op(4, Kind.READ, 60, 70, Outcome.OK, null, null, new State(true, "m7", "PAUSED")));
        assertEquals(List.of("WRONG_EFFECT"), kinds());
    }

    @Test
    void aFinalStateThatIsNotTheFoldOfTheHistoryIsCaught() {
        finalRead = new State(true, "m1", "PAUSED");
        assertEquals(List.of("FINAL_STATE"), kinds());
    }

    private List<Violation> check() {
        return HistoryChecker.check(ops, Map.of(C, history), Map.of(C, finalRead));
    }

    private List<String> kinds() {
        return check().stream().map(Violation::kind).toList();
    }

    private static Op op(long id, Kind kind, long invoked, long completed, Outcome outcome, String marker, String target, State seen) {
        int status = switch (outcome) {
            case OK -> 200;
            case REFUSED -> 409;
            case UNKNOWN -> 503;
        };
        return new Op(id, "client", C, kind, "connect", "r1", List.of("op-" + id + "-0"), null,
                invoked, completed, outcome, status, marker, target, seen, null);
    }

    private static Version version(long sequence, String event, String requestId, String marker, String target) {
        return new Version(sequence, event, requestId, new State(true, marker, target));
    }
}
