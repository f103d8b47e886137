package io.switchboard.faults;

import io.switchboard.faults.Op.Kind;
import io.switchboard.faults.Op.Outcome;
import io.switchboard.faults.Op.State;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether what clients saw could have happened, given the order in which Switchboard says
 * it applied their commands: each connector's history, whose versions name the request that made
 * them. Per connector, the history is the one order of its changes (the processor is the single
 * writer of a connector, and its history has a sequence); the checker asks whether that order
 * explains every op:
 *
 * <ul>
 *   <li>an acknowledged command made exactly one version ({@link Kind#mayChangeNothing() pause,
 *       resume, stop} may make none, when the state it asked for already held at a point its
 *       real-time window allows): else {@code LOST} or {@code APPLIED_TWICE};</li>
 *   <li>a command with an unknown outcome made at most one, across every retry with its
 *       {@code Idempotency-Key}: else {@code APPLIED_TWICE};</li>
 *   <li>a refused command made none: else {@code REFUSED_APPLIED}; a version names a request no
 *       client sent: {@code PHANTOM}; a version is not what its command asked: {@code WRONG_EFFECT};</li>
 *   <li>versions are in an order consistent with real time: a command acknowledged before another
 *       was invoked comes first: else {@code REALTIME_ORDER};</li>
 *   <li>a read saw a state the history held at a point within its real-time window: else
 *       {@code STALE_READ};</li>
 *   <li>the connector as finally read is the fold of its history: else {@code FINAL_STATE}.</li>
 * </ul>
 *
 * <p>An offsets reset or alter is kept in the history as the record of its effect, written when
 * the worker has done it (with the offsets it then reported), which may be after later changes of
 * the connector were decided; it changes nothing of the state above. So those entries are no
 * positions in the order: each is checked apart, to name a request of an offsets op of a client
 * ({@code PHANTOM}, {@code WRONG_EFFECT}), one at most per op ({@code APPLIED_TWICE}), none for a
 * refused op ({@code REFUSED_APPLIED}).
 *
 * <p>The window of an op is bounded below by the last version of any command acknowledged before
 * it was invoked, and above by the first version of any command invoked after it completed. A
 * command whose outcome is unknown bounds nothing below: it may have been applied after its client
 * gave up. Versions with a request id no client made (the data plane's own, say) are positions in
 * the order and nothing more.
 */
public final class HistoryChecker {
    /** A request id of the run's clients starts with this; any other is the system's own. */
    public static final String CLIENT_REQUEST_PREFIX = "op-";

    /** One version of a connector's history, as {@code GET .../history} answers it. */
    public record Version(long sequence, String event, String requestId, State after) {
    }

    /** A way in which the history cannot explain what clients saw. */
    public record Violation(String kind, String connector, long opId, String detail) {
        @Override
        public String toString() {
            return kind + " " + connector + ": " + detail;
        }
    }

    private HistoryChecker() {
    }

    /**
     * @param ops        every op of the run, of every connector
     * @param histories  each connector's versions in sequence order
     * @param finalReads each connector as read once everything had settled
     */
    public static List<Violation> check(List<Op> ops, Map<String, List<Version>> histories, Map<String, State> finalReads) {
        Map<String, List<Op>> byConnector = new HashMap<>();
        for (Op op : ops) {
            byConnector.computeIfAbsent(op.connector(), c -> new ArrayList<>()).add(op);
        }
        List<Violation> violations = new ArrayList<>();
        for (var entry : byConnector.entrySet()) {
            List<Version> states = new ArrayList<>();
            List<Version> offsets = new ArrayList<>();
            for (Version version : histories.getOrDefault(entry.getKey(), List.of())) {
                (OFFSETS_EVENTS.contains(version.event()) ? offsets : states).add(version);
            }
            new OneConnector(entry.getKey(), entry.getValue(), states, violations).check(finalReads.get(entry.getKey()));
            checkOffsets(entry.getKey(), entry.getValue(), offsets, violations);
        }
        return violations;
    }

    /** The history's records of offsets changes, which are no versions of the connector's state. */
    static final Set<String> OFFSETS_EVENTS = Set.of("OffsetsReset", "OffsetsAltered");

    /** Each offsets entry names one offsets op of a client, at most once, and never a refused one. */
    private static void checkOffsets(String connector, List<Op> ops, List<Version> entries, List<Violation> violations) {
        Map<String, Op> byRequest = new HashMap<>();
        for (Op op : ops) {
            op.requestIds().forEach(id -> byRequest.put(id, op));
        }
        Map<Long, List<Long>> made = new HashMap<>();
        for (Version entry : entries) {
            Op op = byRequest.get(entry.requestId());
            if (op == null) {
                if (entry.requestId() != null && entry.requestId().startsWith(CLIENT_REQUEST_PREFIX)) {
                    violations.add(new Violation("PHANTOM", connector, -1, "entry " + entry.sequence() + " names request "
                            + entry.requestId() + ", which no client sent for it"));
                }
                continue;
            }
            if (op.kind() != Kind.OFFSETS_RESET) {
                violations.add(new Violation("WRONG_EFFECT", connector, op.id(), op + " made a " + entry.event() + " (entry " + entry.sequence() + ")"));
                continue;
            }
            made.computeIfAbsent(op.id(), k -> new ArrayList<>()).add(entry.sequence());
            if (op.outcome() == Outcome.REFUSED) {
                violations.add(new Violation("REFUSED_APPLIED", connector, op.id(), op + " was refused but made entry " + entry.sequence()));
            }
        }
        made.forEach((opId, sequences) -> {
            if (sequences.size() > 1) {
                violations.add(new Violation("APPLIED_TWICE", connector, opId, "op " + opId + " made offsets entries " + sequences));
            }
        });
    }

    /** The check of one connector: its ops against its history. */
    private static final class OneConnector {
        private final String connector;
        private final List<Op> ops;
        private final List<Version> history;
        private final List<Violation> violations;
        private final Map<Long, List<Integer>> positions = new HashMap<>();

        OneConnector(String connector, List<Op> ops, List<Version> history, List<Violation> violations) {
            this.connector = connector;
            this.ops = ops;
            this.history = history;
            this.violations = violations;
        }

        void check(State finalRead) {
            traceVersions();
            for (Op op : ops) {
                checkApplications(op);
                if (op.kind() == Kind.READ && op.acknowledged()) {
                    checkRead(op);
                }
            }
            checkRealTimeOrder();
            if (finalRead != null && !finalRead.equals(stateAfter(history.size() - 1))) {
                violate("FINAL_STATE", null, "read " + finalRead + " but the history ends at " + stateAfter(history.size() - 1));
            }
        }

        /** Finds the op of each version, and whether the version is what that op asked. */
        private void traceVersions() {
            Map<String, Op> byRequest = new HashMap<>();
            for (Op op : ops) {
                op.requestIds().forEach(id -> byRequest.put(id, op));
            }
            for (int i = 0; i < history.size(); i++) {
                Version version = history.get(i);
                Op op = byRequest.get(version.requestId());
                if (op == null) {
                    if (version.requestId() != null && version.requestId().startsWith(CLIENT_REQUEST_PREFIX)) {
                        violate("PHANTOM", null, "version " + version.sequence() + " names request " + version.requestId() + ", which no client sent for it");
                    }
                    continue;
                }
                positions.computeIfAbsent(op.id(), k -> new ArrayList<>()).add(i);
                if (!makes(op.kind(), version)) {
                    violate("WRONG_EFFECT", op, op + " made a " + version.event() + " (version " + version.sequence() + ")");
                } else if (op.marker() != null && !op.marker().equals(version.after().marker())) {
                    violate("WRONG_EFFECT", op, op + " wrote " + op.marker() + " but version " + version.sequence() + " holds " + version.after().marker());
                }
            }
        }

        private static boolean makes(Kind kind, Version version) {
            return switch (kind) {
                case CREATE -> version.event().equals("ConnectorCreated");
                // A config PUT creates a connector that does not exist, as Kafka Connect's does.
                case CONFIG -> version.event().equals("ConnectorConfigChanged") || version.event().equals("ConnectorCreated");
                case PATCH -> version.event().equals("ConnectorConfigChanged");
                case PAUSE, RESUME, STOP -> version.event().equals("TargetStateChanged");
                case RESTART -> version.event().equals("RestartRequested");
                case DELETE -> version.event().equals("ConnectorDeleted");
                case READ, OFFSETS_RESET, SECRET -> false;
            };
        }

        private void checkApplications(Op op) {
            List<Integer> made = positions.getOrDefault(op.id(), List.of());
            if (made.size() > 1) {
                violate("APPLIED_TWICE", op, op + " made versions " + sequences(made)
                        + (op.requestIds().size() > 1 ? " over " + op.requestIds().size() + " attempts with one Idempotency-Key" : ""));
            }
            if (!made.isEmpty() && op.outcome() == Outcome.REFUSED) {
                violate("REFUSED_APPLIED", op, op + " was refused but made version " + sequences(made));
            }
            if (made.isEmpty() && op.acknowledged() && op.kind().versioned()) {
                if (op.kind().mayChangeNothing() && anyInWindow(op, s -> s.exists() && op.target().equals(s.target()))) {
                    return;
                }
                violate("LOST", op, op + " was acknowledged but no version shows it");
            }
        }

        private void checkRead(Op read) {
            State seen = read.seen();
            if (!anyInWindow(read, s -> seen.target() == null
                    ? s.exists() == seen.exists() && Objects.equals(s.marker(), seen.marker())
                    : s.equals(seen))) {
                violate("STALE_READ", read, read + " saw " + seen + ", which the history did not hold between versions "
                        + sequenceAt(lowerBound(read)) + " and " + sequenceAt(upperBound(read)));
            }
        }

        /** Whether the state after some version in the op's real-time window satisfies the test. */
        private boolean anyInWindow(Op op, Predicate<State> test) {
            for (int p = lowerBound(op); p <= upperBound(op); p++) {
                if (test.test(stateAfter(p))) {
                    return true;
                }
            }
            return false;
        }

        /** The last version of a command acknowledged before the op was invoked (-1: before the first). */
        private int lowerBound(Op op) {
            int bound = -1;
            for (Op other : ops) {
                if (other.acknowledged() && other.completedNanos() < op.invokedNanos()) {
                    for (int p : positions.getOrDefault(other.id(), List.of())) {
                        bound = Math.max(bound, p);
                    }
                }
            }
            return bound;
        }

        /** The version before the first of any command invoked after the op completed. */
        private int upperBound(Op op) {
            int bound = history.size() - 1;
            for (Op other : ops) {
                if (other.invokedNanos() > op.completedNanos()) {
                    for (int p : positions.getOrDefault(other.id(), List.of())) {
                        bound = Math.min(bound, p - 1);
                    }
                }
            }
            return bound;
        }

        private void checkRealTimeOrder() {
            for (Op first : ops) {
                if (!first.acknowledged()) {
                    continue;
                }
                for (int p : positions.getOrDefault(first.id(), List.of())) {
                    for (Op later : ops) {
                        if (later.invokedNanos() <= first.completedNanos()) {
                            continue;
                        }
                        for (int q : positions.getOrDefault(later.id(), List.of())) {
                            if (q < p) {
                                violate("REALTIME_ORDER", later, first + " was acknowledged before " + later + " was invoked, but its version "
                                        + sequenceAt(p) + " comes after " + sequenceAt(q));
                            }
                        }
                    }
                }
            }
        }

        private State stateAfter(int position) {
            return position < 0 ? State.ABSENT : history.get(position).after();
        }

        private String sequenceAt(int position) {
            return position < 0 ? "(none)" : String.valueOf(history.get(Math.min(position, history.size() - 1)).sequence());
        }

        private String sequences(List<Integer> made) {
            return made.stream().map(this::sequenceAt).toList().toString();
        }

        private void violate(String kind, Op op, String detail) {
            violations.add(new Violation(kind, connector, op == null ? -1 : op.id(), detail));
        }
    }

    /** The kinds of violation this checker reports. */
    public static final Set<String> KINDS = Set.of("LOST", "APPLIED_TWICE", "REFUSED_APPLIED", "PHANTOM",
            "WRONG_EFFECT", "REALTIME_ORDER", "STALE_READ", "FINAL_STATE");
}
