package io.switchboard.dataplane;

import io.switchboard.core.WorkerClient;
import io.switchboard.schemas.ReconcileFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The failures of the reconciler's calls, per connector: how many in a row, the last error, and
 * when to try again. The wait doubles from {@link #FIRST_BACKOFF_MS} up to {@link #MAX_BACKOFF_MS}
 * and starts over when the connector's desired state changes or a call succeeds. A failure is
 * logged on one line when it begins and when it ends; not per attempt.
 *
 * <p>A desired state the failure's has replaced is not a change: the reconciler's threads read
 * desired states from more than one source (a decision as it is made, the changelog once it is
 * committed), so one thread can be handed the state before the last after another was handed the
 * last. That older state is not tried ({@link #due} says no) and begins no new failure: otherwise
 * each such read began one, and the connector's status and lifecycle events told of a new failure
 * for every look.
 */
final class ReconcileFailures {
    private static final Logger log = LoggerFactory.getLogger(ReconcileFailures.class);
    static final long FIRST_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 120_000;
    static final long FIRST_TRANSIENT_BACKOFF_MS = 200;
    static final long MAX_TRANSIENT_BACKOFF_MS = 5_000;
    /** Failures that say "not now" (a rebalance) are shown only once they repeat this often. */
    static final int TRANSIENT_VISIBLE_AFTER = 3;
    /** The key of a connector not desired at all: it can come again, unlike a desired state's. */
    static final String DELETED = "deleted";
    /** How many replaced desired states a failing connector remembers. */
    static final int SUPERSEDED_KEPT = 8;
    /**
     * How long after a desired state replaced another the older one is taken for a late read. A
     * decision reaches the changelog within a commit (100 ms) and the feed reads it soon after; past
     * this, a replaced state seen again is the desired one (a newer decision that was never
     * committed), and is tried.
     */
    static final long LATE_READ_MS = 30_000;

    /**
     * One connector's failures in a row, for the desired state {@code desiredKey} identifies, and the
     * keys of the desired states it failed for before that one replaced them (newest last).
     */
    record Failure(String desiredKey, ReconcileFailure record, boolean transientOnly, List<String> superseded) {
        boolean visible() {
            return !transientOnly || record.getAttempts() >= TRANSIENT_VISIBLE_AFTER;
        }

        /** Whether {@code key} names a desired state older than this failure's, read late. */
        boolean replaced(String key, long now) {
            return !key.equals(desiredKey) && superseded.contains(key) && now - record.getFirstFailedAt() < LATE_READ_MS;
        }

        /** The replaced keys once {@code next} replaces this failure's desired state. */
        List<String> supersededBy(String next) {
            if (next.equals(desiredKey) || DELETED.equals(desiredKey)) {
                return superseded;
            }
            List<String> keys = new ArrayList<>(superseded);
            keys.remove(desiredKey);
            keys.add(desiredKey);
            return List.copyOf(keys.subList(Math.max(0, keys.size() - SUPERSEDED_KEPT), keys.size()));
        }
    }

    private final String cluster;
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    ReconcileFailures(String cluster) {
        this.cluster = cluster;
    }

    /** Whether the connector may be reconciled now: it is not failing, its desired state changed, or its wait is over. */
    boolean due(String name, String desiredKey, long now) {
        Failure failure = failures.get(name);
        if (failure == null) {
            return true;
        }
        if (!failure.desiredKey().equals(desiredKey)) {
            return !failure.replaced(desiredKey, now);
        }
        Long next = failure.record().getNextAttemptAt();
        return next == null || now >= next;
    }

    /** Records a failed attempt and answers the failure as it now stands. */
    Failure failed(String name, String desiredKey, String desired, String observed, RuntimeException error, long now) {
        String message = describe(error);
        boolean transientError = isTransient(error);
        Failure previous = failures.get(name);
        Failure next = failures.compute(name, (n, before) -> {
            if (before != null && before.replaced(desiredKey, now)) {
                // An older desired state, read late: neither a new failure nor an attempt at this one.
                return before;
            }
            boolean continues = before != null && before.desiredKey().equals(desiredKey);
            int attempts = continues ? before.record().getAttempts() + 1 : 1;
            long first = continues ? before.record().getFirstFailedAt() : now;
            boolean transientOnly = transientError && (!continues || before.transientOnly());
            // A rebalance is over in moments: "not now" answers are tried again sooner, and their wait stays short.
            long wait = transientOnly
                    ? Math.min(MAX_TRANSIENT_BACKOFF_MS, FIRST_TRANSIENT_BACKOFF_MS << Math.min(attempts - 1, 20))
                    : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(attempts - 1, 20));
            return new Failure(desiredKey, new ReconcileFailure(desired, observed, attempts, message, first, now, now + wait),
                    transientOnly, before == null ? List.of() : before.supersededBy(desiredKey));
        });
        ReconcileFailure record = next.record();
        boolean began = previous == null || previous.record().getFirstFailedAt() != record.getFirstFailedAt() || !previous.visible();
        if (next.visible() && began) {
            log.warn("Reconciling connector {} on cluster {} failed (desired {}, observed {}; attempt {}, next in {} s): {}",
                    name, cluster, desired, observed, record.getAttempts(),
                    (record.getNextAttemptAt() - now + 999) / 1000, message);
        }
        return next;
    }

    /** A call succeeded: the connector is no longer failing. Answers whether it was. */
    boolean succeeded(String name) {
        Failure before = failures.remove(name);
        if (before != null && before.visible()) {
            log.info("Reconciling connector {} on cluster {} succeeds again after {} failed attempts",
                    name, cluster, before.record().getAttempts());
        }
        return before != null;
    }

    /** The failure to show in the connector's status, if it is failing visibly. */
    Optional<ReconcileFailure> visible(String name) {
        Failure failure = failures.get(name);
        return failure != null && failure.visible() ? Optional.of(failure.record()) : Optional.empty();
    }

    Optional<Failure> of(String name) {
        return Optional.ofNullable(failures.get(name));
    }

    void retainAll(Collection<String> names) {
        failures.keySet().retainAll(names);
    }

    /** One line saying what failed: the call and the worker's answer, without its stack trace or HTML. */
    static String describe(RuntimeException error) {
        if (error instanceof WorkerClient.WorkerRejection rejection) {
            return WorkerMessages.oneLine((rejection.call() == null ? "" : rejection.call() + " answered " + rejection.status() + ": ")
                    + rejection.getMessage());
        }
        return WorkerMessages.oneLine(error.getMessage() == null ? error.toString() : error.getMessage());
    }

    /** "Not now" answers: the worker is rebalancing or busy, not refusing the request itself. */
    static boolean isTransient(RuntimeException error) {
        int status = error instanceof WorkerClient.WorkerRejection r ? r.status()
                : error instanceof WorkerClient.ConnectCallException c ? c.status() : -1;
        String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
        return status == 0 || status == 409 || status == 503 || message.contains("rebalance");
    }
}
