package io.switchboard.worker;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Says once, and only once, that the worker's Kafka Connect has stopped: after its stop has
 * returned (connectors and tasks stopped, offsets and statuses flushed, the group left), not when
 * its REST API stops answering, which Kafka Connect stops first. However the process ends (the
 * replica's start id went, a signal), a shutdown hook waits for Connect's own hook to have stopped it
 * and then reports; a process that ends before Connect started reports at once, as it runs nothing.
 * A halt (the stop's bound, a crash) reports nothing.
 */
final class StopReport {
    private final Runnable report;
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Runnable awaitStop;

    private StopReport(Runnable report) {
        this.report = report;
    }

    /** Reports with {@code report} once the worker has stopped, whichever way it stops. */
    static StopReport install(Runnable report) {
        StopReport stop = new StopReport(report);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::awaitAndReport, "stop-report"));
        return stop;
    }

    static StopReport of(Runnable report) {
        return new StopReport(report);
    }

    /** Connect runs; {@code awaitStop} returns once its stop has. */
    void started(Runnable awaitStop) {
        this.awaitStop = awaitStop;
    }

    /** Waits for Connect's stop, when it started, then reports. */
    void awaitAndReport() {
        Runnable await = awaitStop;
        if (await != null) {
            await.run();
        }
        stopped();
    }

    /** Connect's stop has returned (or it never started): reports, unless that was done already. */
    void stopped() {
        if (reported.compareAndSet(false, true)) {
            report.run();
        }
    }
}
