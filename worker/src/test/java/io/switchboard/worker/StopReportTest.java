package io.switchboard.worker;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StopReportTest {
    @Test
    void reportsOnlyOnceConnectsStopHasReturned() throws Exception {
        AtomicInteger reports = new AtomicInteger();
        StopReport report = StopReport.of(reports::incrementAndGet);
        CountDownLatch stopped = new CountDownLatch(1);
        report.started(() -> {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread hook = new Thread(report::awaitAndReport);
        hook.start();
        hook.join(300);
        assertTrue(hook.isAlive(), "no report while Connect stops");
        assertEquals(0, reports.get());
        stopped.countDown();
        hook.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(hook.isAlive());
        // The main thread's awaitStop returns too: still one report.
        report.stopped();
        assertEquals(1, reports.get());
    }

    @Test
    void aWorkerThatNeverStartedConnectReportsAtOnce() {
        AtomicInteger reports = new AtomicInteger();
        StopReport.of(reports::incrementAndGet).awaitAndReport();
        assertEquals(1, reports.get());
    }
}
