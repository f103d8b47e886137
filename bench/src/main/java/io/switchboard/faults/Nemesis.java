package io.switchboard.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Injects the faults of a run one after another while the clients run, each from its start to the
 * moment the system has recovered from it (every replica answers a write and the worker shows it),
 * and records when each began, when it was healed and how long recovery took. A fault is an
 * action (kill, freeze, cut) and its healing (restart, thaw, heal); the run decides which part
 * each acts on.
 */
final class Nemesis {
    /** One fault as it happened, in nanoseconds since the clients started. */
    record Window(String kind, String target, long startNanos, long healedNanos, long recoveredNanos, String note) {
        long recoveryMillis() {
            return recoveredNanos < 0 ? -1 : (recoveredNanos - healedNanos) / 1_000_000;
        }
    }

    /** A fault: what it does, for how long, and how it is undone. */
    record Fault(String kind, String target, Step inject, long holdMillis, Step heal) {
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** Waits until the system has recovered; answers false if it did not within its bound. */
    @FunctionalInterface
    interface Probe {
        boolean recovered() throws Exception;
    }

    private final LongSupplier clock;
    private final Probe probe;
    private final List<Window> windows = new ArrayList<>();

    Nemesis(LongSupplier nanosSinceStart, Probe probe) {
        this.clock = nanosSinceStart;
        this.probe = probe;
    }

    /** Runs every fault in order with {@code calmMillis} between them. */
    void run(List<Fault> faults, long calmMillis) throws Exception {
        for (Fault fault : faults) {
            Thread.sleep(calmMillis);
            long start = clock.getAsLong();
            System.out.println("[faults] " + fault.kind() + " " + fault.target());
            String note = "";
            try {
                fault.inject().run();
                Thread.sleep(fault.holdMillis());
            } catch (Exception e) {
                note = "inject: " + e;
            }
            try {
                fault.heal().run();
            } catch (Exception e) {
                note += " heal: " + e;
            }
            long healed = clock.getAsLong();
            boolean recovered = probe.recovered();
            long recoveredAt = recovered ? clock.getAsLong() : -1;
            Window window = new Window(fault.kind(), fault.target(), start, healed, recoveredAt, note.trim());
            System.out.println("[faults] " + fault.kind() + " healed; recovered in " + window.recoveryMillis() + " ms " + window.note());
            synchronized (windows) {
                windows.add(window);
            }
        }
    }

    List<Window> windows() {
        synchronized (windows) {
            return List.copyOf(windows);
        }
    }

    /** The fault whose window (start to recovery) holds the instant, or "calm". */
    static String faultAt(List<Window> windows, long nanos) {
        for (Window window : windows) {
            long end = window.recoveredNanos() < 0 ? window.healedNanos() + 60_000_000_000L : window.recoveredNanos();
            if (nanos >= window.startNanos() && nanos <= end) {
                return window.kind();
            }
        }
        return "calm";
    }

    static Map<String, Object> describe(Window window) {
        return Map.of("kind", window.kind(), "target", window.target(),
                "start_s", window.startNanos() / 1e9, "healed_s", window.healedNanos() / 1e9,
                "recovery_ms", window.recoveryMillis(), "note", window.note());
    }
}
