package io.switchboard.faults;

import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.HistoryChecker.Violation;
import io.switchboard.faults.Op.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides whether every set change of the apply fault run ({@link ApplyFaultRun}) is visible whole
 * or not at all. A change's connector commands carry the change's id as their request id, so each
 * connector's history names the change that made a version of it; each change also writes a value
 * of {@link Op#MARKER_KEY} unique to it into every connector it creates or updates. Per change:
 *
 * <ul>
 *   <li>the change is the one request id that the versions carrying its marker name (when its
 *       answer was lost, this is how it is found): else {@code SEVERAL_CHANGES};</li>
 *   <li>every connector its plan touched has exactly one version naming it, or none has: else
 *       {@code HALF_APPLIED} (some, not all) or {@code APPLIED_TWICE} (two versions of one);</li>
 *   <li>each such version is what the plan asked (its marker, or absent for a delete): else
 *       {@code WRONG_EFFECT}; a version naming it on a connector outside its plan: {@code STRAY};</li>
 *   <li>an acknowledged change is applied ({@code LOST} if not), a refused one is not
 *       ({@code REFUSED_APPLIED});</li>
 *   <li>once the run had waited for it to settle, the connectors' configs as read all showed the
 *       change or none did: else {@code HALF_READ}.</li>
 * </ul>
 * Then the connectors as finally read must be the fold of their histories ({@code FINAL_STATE}).
 */
final class ApplyChecker {
    /** How an apply's answer came back. */
    enum Outcome { APPLIED, REFUSED, UNKNOWN }

    /**
     * One apply: its marker, its answer, the change id the answer named (null when none), what its
     * plan did to each connector it touched ({@code create}, {@code update} or {@code delete}), and
     * each touched connector as read once the change had settled.
     */
    record Round(int index, String marker, Outcome outcome, String changeId, Map<String, String> touched,
                 Map<String, State> settled) {
        /** What the change leaves a connector as: absent for a delete, else with the change's marker. */
        boolean shows(String connector, State state) {
            return "delete".equals(touched.get(connector)) ? !state.exists() : state.exists() && marker.equals(state.marker());
        }
    }

    private ApplyChecker() {
    }

    static List<Violation> check(List<Round> rounds, Map<String, List<Version>> histories, Map<String, State> finalReads) {
        List<Violation> violations = new ArrayList<>();
        for (Round round : rounds) {
            checkRound(round, histories, violations);
        }
        histories.forEach((connector, versions) -> {
            State folded = versions.isEmpty() ? State.ABSENT : versions.get(versions.size() - 1).after();
            State read = finalReads.get(connector);
            if (read != null && !Objects.equals(read.exists(), folded.exists())
                    || read != null && read.exists() && !Objects.equals(read.marker(), folded.marker())) {
                violations.add(new Violation("FINAL_STATE", connector, -1, "read " + read + ", the history ends at " + folded));
            }
        });
        return violations;
    }

    /** The change id of the round: the one its answer named, else the one its marker's versions name (null: not applied). */
    private static String changeOf(Round round, Map<String, List<Version>> histories, List<Violation> violations) {
        Set<String> named = new TreeSet<>();
        histories.values().forEach(versions -> versions.stream()
                .filter(v -> v.after().exists() && round.marker().equals(v.after().marker()))
                .forEach(v -> named.add(String.valueOf(v.requestId()))));
        if (round.changeId() != null) {
            named.add(round.changeId());
        }
        if (named.size() > 1) {
            violations.add(new Violation("SEVERAL_CHANGES", "(round " + round.index() + ")", -1,
                    "versions with marker " + round.marker() + " name " + named));
        }
        return round.changeId() != null ? round.changeId() : named.isEmpty() ? null : named.iterator().next();
    }

    private static void checkRound(Round round, Map<String, List<Version>> histories, List<Violation> violations) {
        String where = "(round " + round.index() + ")";
        String change = changeOf(round, histories, violations);
        Map<String, Integer> versionsOf = new TreeMap<>();
        if (change != null) {
            histories.forEach((connector, versions) -> {
                for (Version version : versions) {
                    if (!change.equals(version.requestId())) {
                        continue;
                    }
                    versionsOf.merge(connector, 1, Integer::sum);
                    if (!round.touched().containsKey(connector)) {
                        violations.add(new Violation("STRAY", connector, -1, "change " + change + " of " + where
                                + " made version " + version.sequence() + ", its plan did not touch it"));
                    } else if (!round.shows(connector, version.after())) {
                        violations.add(new Violation("WRONG_EFFECT", connector, -1, "change " + change + " of " + where + " should "
                                + round.touched().get(connector) + " with " + round.marker() + ", version " + version.sequence()
                                + " is " + version.after()));
                    }
                }
            });
        }
        List<String> with = new ArrayList<>();
        List<String> without = new ArrayList<>();
        for (String connector : round.touched().keySet()) {
            int count = versionsOf.getOrDefault(connector, 0);
            (count > 0 ? with : without).add(connector);
            if (count > 1) {
                violations.add(new Violation("APPLIED_TWICE", connector, -1, count + " versions name change " + change + " of " + where));
            }
        }
        if (!with.isEmpty() && !without.isEmpty()) {
            violations.add(new Violation("HALF_APPLIED", where, -1, "change " + change + " is in the history of " + with.size()
                    + " of its " + round.touched().size() + " connectors; not in " + first(without)));
        }
        if (round.outcome() == Outcome.APPLIED && with.isEmpty() && !round.touched().isEmpty()) {
            violations.add(new Violation("LOST", where, -1, "change " + change + " was acknowledged and is in no history"));
        }
        if (round.outcome() == Outcome.REFUSED && !with.isEmpty()) {
            violations.add(new Violation("REFUSED_APPLIED", where, -1, "refused, yet in the history of " + first(with)));
        }
        List<String> showing = new ArrayList<>();
        List<String> notShowing = new ArrayList<>();
        round.settled().forEach((connector, state) -> (round.shows(connector, state) ? showing : notShowing).add(connector));
        if (!showing.isEmpty() && !notShowing.isEmpty()) {
            violations.add(new Violation("HALF_READ", where, -1, showing.size() + " of " + round.settled().size()
                    + " connectors read as the change left them once it had settled; not " + first(notShowing)));
        }
    }

    private static String first(List<String> connectors) {
        return connectors.size() <= 5 ? connectors.toString() : connectors.subList(0, 5) + " and " + (connectors.size() - 5) + " more";
    }
}
