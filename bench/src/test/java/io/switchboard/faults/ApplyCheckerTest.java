package io.switchboard.faults;

import io.switchboard.faults.ApplyChecker.Outcome;
import io.switchboard.faults.ApplyChecker.Round;
import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.HistoryChecker.Violation;
import io.switchboard.faults.Op.State;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The apply checker on made-up runs: three connectors created by one change and updated by a
 * second whose answer was lost; a run that could have happened passes, and each way a change can
 * be seen in part is caught.
 */
class ApplyCheckerTest {
    private static final List<String> NAMES = List.of("a", "b", "c");
    private final Map<String, List<Version>> histories = new TreeMap<>();
    private final List<Round> rounds = new ArrayList<>();
    private final Map<String, State> finalReads = new TreeMap<>();

    ApplyCheckerTest() {
        Map<String, String> created = new LinkedHashMap<>();
        Map<String, String> updated = new LinkedHashMap<>();
        for (String name : NAMES) {
            histories.put(name, new ArrayList<>(List.of(
                    new Version(1, "ConnectorCreated", "change-1", new State(true, "m1", "STOPPED")),
                    new Version(2, "ConnectorConfigChanged", "change-2", new State(true, "m2", "STOPPED")))));
            created.put(name, "create");
            updated.put(name, "update");
            finalReads.put(name, new State(true, "m2", "STOPPED"));
        }
        rounds.add(new Round(0, "m1", Outcome.APPLIED, "change-1", created, settled("m1")));
        rounds.add(new Round(1, "m2", Outcome.UNKNOWN, null, updated, settled("m2")));
    }

    private static Map<String, State> settled(String marker) {
        Map<String, State> reads = new TreeMap<>();
        NAMES.forEach(name -> reads.put(name, new State(true, marker, "STOPPED")));
        return reads;
    }

    private List<String> kinds() {
        return ApplyChecker.check(rounds, histories, finalReads).stream().map(Violation::kind).toList();
    }

    @Test
    void aRunWhereEveryChangeIsWholePasses() {
        assertEquals(List.of(), ApplyChecker.check(rounds, histories, finalReads));
    }

    @Test
    void aChangeWhoseAnswerWasLostMayBeAbsentEverywhere() {
        NAMES.forEach(name -> histories.get(name).remove(1));
        NAMES.forEach(name -> finalReads.put(name, new State(true, "m1", "STOPPED")));
        rounds.set(1, new Round(1, "m2", Outcome.UNKNOWN, null, rounds.get(1).touched(), settled("m1")));
        assertEquals(List.of(), kinds());
    }

    @Test
    void aChangeInTheHistoryOfSomeOfItsConnectorsOnlyIsHalfApplied() {
        histories.get("b").remove(1);
        finalReads.put("b", new State(true, "m1", "STOPPED"));
        assertEquals(List.of("HALF_APPLIED"), kinds());
    }

    @Test
    void connectorsReadInPartAsTheChangeLeftThemAreHalfRead() {
        Map<String, State> reads = settled("m2");
        reads.put("c", new State(true, "m1", "STOPPED"));
        rounds.set(1, new Round(1, "m2", Outcome.UNKNOWN, null, rounds.get(1).touched(), reads));
        assertEquals(List.of("HALF_READ"), kinds());
    }

    @Test
    void anAcknowledgedChangeInNoHistoryIsLostAndARefusedOneInAHistoryIsReported() {
        NAMES.forEach(name -> histories.get(name).remove(1));
        NAMES.forEach(name -> finalReads.put(name, new State(true, "m1", "STOPPED")));
        rounds.set(1, new Round(1, "m2", Outcome.APPLIED, "change-2", rounds.get(1).touched(), settled("m1")));
        assertEquals(List.of("LOST"), kinds());

        rounds.set(1, new Round(1, "m2", Outcome.REFUSED, null, rounds.get(1).touched(), settled("m1")));
        histories.get("a").add(new Version(2, "ConnectorConfigChanged", "change-2", new State(true, "m2", "STOPPED")));
        finalReads.put("a", new State(true, "m2", "STOPPED"));
        assertEquals(List.of("HALF_APPLIED", "REFUSED_APPLIED"), kinds());
    }

    @Test
    void aChangeAppliedTwiceOrWronglyOrOutsideItsPlanIsReported() {
        histories.get("a").add(new Version(3, "ConnectorConfigChanged", "change-2", new State(true, "m2", "STOPPED")));
        assertEquals(List.of("APPLIED_TWICE"), kinds());
        histories.get("a").remove(2);

        histories.get("b").set(1, new Version(2, "ConnectorConfigChanged", "change-2", new State(true, "m9", "STOPPED")));
        finalReads.put("b", new State(true, "m9", "STOPPED"));
        Map<String, State> reads = settled("m2");
        reads.put("b", new State(true, "m9", "STOPPED"));
        rounds.set(1, new Round(1, "m2", Outcome.UNKNOWN, null, rounds.get(1).touched(), reads));
        assertEquals(List.of("WRONG_EFFECT", "HALF_READ"), kinds());
    }

    @Test
    void aVersionOnAConnectorOutsideThePlanIsStrayAndTwoChangesWithOneMarkerAreReported() {
        histories.put("d", new ArrayList<>(List.of(new Version(1, "ConnectorCreated", "change-2", new State(true, "m2", "STOPPED")))));
        finalReads.put("d", new State(true, "m2", "STOPPED"));
        assertEquals(List.of("STRAY"), kinds());
        histories.get("d").set(0, new Version(1, "ConnectorCreated", "change-9", new State(true, "m2", "STOPPED")));
        assertEquals(List.of("SEVERAL_CHANGES"), kinds());
    }

    @Test
    void aConnectorReadOtherwiseThanItsHistoryEndsIsReported() {
        finalReads.put("c", new State(true, "m1", "STOPPED"));
        assertEquals(List.of("FINAL_STATE"), kinds());
    }
}
