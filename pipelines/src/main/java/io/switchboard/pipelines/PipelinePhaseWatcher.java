package io.switchboard.pipelines;

import io.switchboard.core.RequestContext;
import io.switchboard.core.ServiceException;
import io.switchboard.rules.PipelineOwnership;
import io.switchboard.schemas.CommandDecision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Records each change of a pipeline's phase. A phase is derived whenever a pipeline is read
 * ({@link PipelineStatus#phase}); this watcher derives it every {@value #EVERY_MILLIS} ms, and soon
 * after a change to one of a pipeline's connectors is decided, and when it differs from the phase
 * recorded last, reports the change as a command ({@link Pipelines#recordPhase}) with the principal
 * {@value #PRINCIPAL}. Invariants:
 * <ul>
 *   <li>it reports facts and decides nothing: the processor records a change only from the phase
 *       recorded last, so a change reported twice (a second replica, a restart, a stale read) is
 *       recorded once and the other report is refused;</li>
 *   <li>it runs only on the replica holding the data plane's lease for the pipelines' cluster, on one
 *       daemon thread, checking at most {@value #MAX_PER_ROUND} pipelines a round and sending one
 *       command at a time;</li>
 *   <li>reading a phase asks no database (no lag, no target rows): a round costs store reads only.</li>
 * </ul>
 */
public final class PipelinePhaseWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelinePhaseWatcher.class);
    static final long EVERY_MILLIS = 2_000;
    /** How soon after a decision its pipeline is looked at: the decided state is in the stores by then. */
    static final long NUDGE_MILLIS = 200;
    static final int MAX_PER_ROUND = 100;
    static final String PRINCIPAL = "system";
    private static final long ANSWER_SECONDS = 10;

    private final Pipelines pipelines;
    private final BooleanSupplier leader;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-pipeline-phases");
        t.setDaemon(true);
        return t;
    });
    /** Only the watcher's thread touches these. */
    private int cursor;
    /** Per pipeline, the change last recorded ("recorded>phase"), not sent again while the store still reads as before it. */
    private final Map<String, String> recorded = new HashMap<>();
    /** Pipelines to look at soon; guarded by itself. */
    private final Set<String> nudged = new HashSet<>();

    public PipelinePhaseWatcher(Pipelines pipelines, BooleanSupplier leader) {
        this.pipelines = pipelines;
        this.leader = leader;
    }

    public PipelinePhaseWatcher start() {
        thread.scheduleWithFixedDelay(this::round, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * A decided command: when it changed one of a pipeline's connectors, that pipeline is looked at
     * shortly, so that a phase as short as disabling is seen. Cheap, and safe from any thread.
     */
    public void decided(CommandDecision decision) {
        String id = decision.getState() == null ? null : PipelineOwnership.owner(decision.getState());
        if (id == null) {
            return;
        }
        synchronized (nudged) {
            if (nudged.size() >= MAX_PER_ROUND || !nudged.add(id)) {
                return;
            }
        }
        try {
            thread.schedule(() -> {
                synchronized (nudged) {
                    nudged.remove(id);
                }
                if (leader.getAsBoolean()) {
                    check(id);
                }
            }, NUDGE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // Stopping.
        }
    }

    /** Looks at up to {@value #MAX_PER_ROUND} pipelines, going on next round where this one stopped. */
    void round() {
        if (!leader.getAsBoolean()) {
            // Another replica reports now; what this one sent is no guide when it leads again.
            recorded.clear();
            return;
        }
        try {
            List<String> ids = pipelines.ids();
            recorded.keySet().retainAll(ids);
            int count = Math.min(ids.size(), MAX_PER_ROUND);
            for (int i = 0; i < count; i++) {
                check(ids.get((cursor + i) % ids.size()));
            }
            cursor = ids.isEmpty() ? 0 : (cursor + count) % ids.size();
        } catch (RuntimeException e) {
            log.warn("Pipeline phases could not be read now ({}); trying again in {} ms", e.toString(), EVERY_MILLIS);
        }
    }

    /** Reports the pipeline's phase when it is not the one recorded last. */
    private void check(String id) {
        Optional<Pipelines.PhaseReading> reading;
        try {
            reading = pipelines.phase(id);
        } catch (RuntimeException e) {
            log.debug("The phase of pipeline {} could not be read now: {}", id, e.toString());
            return;
        }
        if (reading.isEmpty() || !reading.get().changed()) {
            return;
        }
        String change = reading.get().recorded() + ">" + reading.get().now().phase();
        if (change.equals(recorded.get(id))) {
            // Recorded already; the store this replica reads has not caught up yet.
            return;
        }
        RequestContext request = new RequestContext(UUID.randomUUID().toString(), PRINCIPAL);
        try {
            if (pipelines.recordPhase(id, reading.get(), request).get(ANSWER_SECONDS, TimeUnit.SECONDS)) {
                recorded.put(id, change);
                log.info("Pipeline {} is now {} (was {})", id, reading.get().now().phase(), reading.get().recorded());
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServiceException.Busy || e.getCause() instanceof ServiceException.NotFound) {
                // Recorded meanwhile from elsewhere, or deleted: the next look reads it again.
                log.debug("Phase of pipeline {} not recorded: {}", id, e.getCause().getMessage());
            } else {
                log.warn("The phase of pipeline {} could not be recorded now ({}); trying again", id, e.getCause().toString());
            }
        } catch (TimeoutException e) {
            log.warn("No decision on the phase of pipeline {} within {} s; trying again", id, ANSWER_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("The phase of pipeline {} could not be recorded now ({}); trying again", id, e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
