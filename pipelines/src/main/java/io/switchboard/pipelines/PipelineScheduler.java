package io.switchboard.pipelines;

import io.switchboard.core.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Starts scheduled snapshot pipelines when their next run is due. One thread, looking every
 * {@value #EVERY_SECONDS} s, and only on the replica that holds the data plane's lease for the
 * pipelines' cluster, so that a run starts once. Runs are commands like any other, recorded with
 * the principal {@value #PRINCIPAL}. On the same beat it adds the tables that appeared in the
 * sources of running logical-replication pipelines to their publications and reports the tables
 * they leave out ({@link Pipelines#refreshPublications}),
 * and makes the sources' generated columns generated in their targets ({@link Pipelines#refreshGeneratedColumns}).
 */
public final class PipelineScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PipelineScheduler.class);
    static final int EVERY_SECONDS = 5;
    static final String PRINCIPAL = "switchboard-scheduler";
    private final Pipelines pipelines;
    private final BooleanSupplier leader;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "switchboard-pipeline-scheduler");
        t.setDaemon(true);
        return t;
    });

    public PipelineScheduler(Pipelines pipelines, BooleanSupplier leader, Clock clock) {
        this.pipelines = pipelines;
        this.leader = leader;
        this.clock = clock;
    }

    public PipelineScheduler start() {
        thread.scheduleWithFixedDelay(this::tick, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
        return this;
    }

    private void tick() {
        if (!leader.getAsBoolean()) {
            return;
        }
        try {
            List<String> started = pipelines.startDueRuns(clock.instant(), new RequestContext(UUID.randomUUID().toString(), PRINCIPAL, null));
            if (!started.isEmpty()) {
                log.info("Started scheduled runs of pipeline(s) {}", started);
            }
        } catch (RuntimeException e) {
            log.warn("Scheduled pipeline runs could not start now ({}); trying again in {} s", e.toString(), EVERY_SECONDS);
        }
        try {
            int added = pipelines.refreshPublications();
            if (added > 0) {
                log.info("Added {} new table(s) to pipelines' publications", added);
            }
        } catch (RuntimeException e) {
            log.warn("Pipelines' publications could not be refreshed now ({}); trying again in {} s", e.toString(), EVERY_SECONDS);
        }
        try {
            int added = pipelines.refreshGeneratedColumns();
            if (added > 0) {
                log.info("Made {} generated column(s) in pipelines' targets", added);
            }
        } catch (RuntimeException e) {
            log.warn("Pipelines' generated columns could not be made now ({}); trying again in {} s", e.toString(), EVERY_SECONDS);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
