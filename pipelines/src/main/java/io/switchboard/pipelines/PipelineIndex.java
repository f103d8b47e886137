package io.switchboard.pipelines;

import io.switchboard.rules.PipelineOwnership;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.Outcome;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The ids of the pipelines, as the replica holding the pipelines' cluster's lease knows them, so
 * that its periodic scans ({@link PipelineScheduler}, {@link PipelinePhaseWatcher}) do not list
 * every connector of the cluster at each beat. A pipeline is its source connector: one whose
 * config names pipeline P ({@link PipelineOwnership#owner}) and whose name is P's source name.
 * <ul>
 *   <li>It starts from a full listing of the store, made at the first look, again after
 *       {@link #forget} (the lease was taken or lost: while not holding it, this replica is told no
 *       decision), and again {@link #RELIST_EVERY} after the last one, as a safety net;</li>
 *   <li>between listings it follows every accepted decision it is told of ({@link #decided}),
 *       wherever it was made. The store a listing reads may not show yet a decision told a moment
 *       before (a decision is told before its transaction commits), so those told within
 *       {@link #TOLD_GRACE} before a listing began, or since, are applied again over it; decisions
 *       of a connector come in order, so the last word on each is what counts;</li>
 *   <li>a stale id costs a store read (its pipeline is found gone); a missing one is found at the
 *       next listing at the latest. Memory: one entry per pipeline, and the last word on at most
 *       {@link #MAX_TOLD} pipelines' sources told lately (past that, the next look lists again).</li>
 * </ul>
 * Safe from any thread; {@link #decided} returns at once (it never waits for a listing).
 */
final class PipelineIndex {
    /** How long a listing is trusted: past that, the next look lists the store again. */
    static final Duration RELIST_EVERY = Duration.ofMinutes(1);
    /** How long a decision told is applied again over listings begun after it. */
    static final Duration TOLD_GRACE = Duration.ofSeconds(30);
    /** How many pipelines' sources told lately are kept at most. */
    static final int MAX_TOLD = 10_000;

    private final Supplier<List<String>> listing;
    private final String cluster;
    private final Clock clock;
    /** Only one listing at a time: a second look waits for it and uses it. */
    private final Object lister = new Object();

    /** The last word told on a pipeline's source: its id, or null for none (deleted, or no longer a pipeline's). */
    private record Told(String id, long at) {
    }

    // Guarded by this.
    /** Pipeline id by its source connector's name, in name order; null until listed (or forgotten). */
    private Map<String, String> ids;
    private long listedAt;
    /** The last word on each pipeline's source told lately, oldest first. */
    private final LinkedHashMap<String, Told> told = new LinkedHashMap<>();

    /** @param listing a full listing of the pipelines' ids, from the store */
    PipelineIndex(Supplier<List<String>> listing, String cluster, Clock clock) {
        this.listing = listing;
        this.cluster = cluster;
        this.clock = clock;
    }

    /** The pipelines' ids, in their source connectors' name order; lists the store only when the index is not trusted now. */
    List<String> ids() {
        synchronized (lister) {
            long startedAt;
            synchronized (this) {
                startedAt = clock.millis();
                if (ids != null && startedAt - listedAt < RELIST_EVERY.toMillis()) {
                    return List.copyOf(ids.values());
                }
                forgetToldBefore(startedAt - TOLD_GRACE.toMillis());
            }
            List<String> listed = listing.get();
            synchronized (this) {
                Map<String, String> fresh = new TreeMap<>();
                listed.forEach(id -> fresh.put(PipelineCompiler.sourceName(id), id));
                told.forEach((source, word) -> apply(fresh, source, word.id()));
                ids = fresh;
                listedAt = startedAt;
                return List.copyOf(fresh.values());
            }
        }
    }

    /** A decided command: a pipeline's source created, changed or deleted is followed here. Cheap. */
    void decided(CommandDecision decision) {
        String source = decision.getConnector();
        if (decision.getReplayed() || !cluster.equals(decision.getCluster()) || !isSourceName(source)) {
            return;
        }
        Outcome outcome = decision.getOutcome();
        if (outcome != Outcome.CREATED && outcome != Outcome.UPDATED && outcome != Outcome.DELETED) {
            return;
        }
        String owner = outcome == Outcome.DELETED ? null : PipelineOwnership.owner(decision.getState());
        String id = owner != null && source.equals(PipelineCompiler.sourceName(owner)) ? owner : null;
        synchronized (this) {
            long now = clock.millis();
            if (ids != null) {
                apply(ids, source, id);
            }
            told.remove(source);
            if (told.size() >= MAX_TOLD) {
                forgetToldBefore(now - TOLD_GRACE.toMillis());
            }
            if (told.size() >= MAX_TOLD) {
                // More told lately than kept: what a listing would miss is not all here, so the next look lists again.
                told.clear();
                ids = null;
            } else {
                told.put(source, new Told(id, now));
            }
        }
    }

    /** Trusts nothing known so far: the next look lists the store (the lease was taken or lost). */
    synchronized void forget() {
        ids = null;
    }

    private void forgetToldBefore(long before) {
        told.values().removeIf(word -> word.at() < before);
    }

    private static void apply(Map<String, String> ids, String source, String id) {
        if (id == null) {
            ids.remove(source);
        } else {
            ids.put(source, id);
        }
    }

    private static boolean isSourceName(String connector) {
        return connector != null && connector.startsWith("pipeline-") && connector.endsWith("-source");
    }
}
