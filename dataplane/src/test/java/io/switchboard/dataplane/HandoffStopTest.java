package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Handed over, a stopping replica waits for the other container's worker to report its stop, and
 * only for a worker that took this start's settings; bounded.
 */
class HandoffStopTest {
    private static final String START = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

    @TempDir
    Path dir;

    @Test
    void aWorkerThatNeverTookTheSettingsIsNotWaitedFor() {
        long started = System.nanoTime();
        assertTrue(new WorkerDirectory(dir).awaitStop(START, Duration.ofSeconds(30)));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
    }

    @Test
    void aWorkerRunningForAnotherStartIsNotWaitedFor() throws Exception {
        Files.writeString(dir.resolve(WorkerDirectory.RUNNING_FILE), "another-start\n");
        long started = System.nanoTime();
        assertTrue(new WorkerDirectory(dir).awaitStop(START, Duration.ofSeconds(30)));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(5)) < 0);
    }

    @Test
    void theStopWaitsUntilTheWorkerReportsItStopped() throws Exception {
        Path running = dir.resolve(WorkerDirectory.RUNNING_FILE);
        Files.writeString(running, START + "\n");
        Thread worker = new Thread(() -> {
            try {
                Thread.sleep(700);
                Files.delete(running);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long started = System.nanoTime();
        worker.start();
        assertTrue(new WorkerDirectory(dir).awaitStop(START, Duration.ofSeconds(30)));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertFalse(Files.exists(running));
        assertTrue(waited.compareTo(Duration.ofMillis(600)) >= 0, "waited " + waited);
        worker.join();
    }

    @Test
    void theWaitIsBounded() throws Exception {
        Files.writeString(dir.resolve(WorkerDirectory.RUNNING_FILE), START + "\n");
        long started = System.nanoTime();
        assertFalse(new WorkerDirectory(dir).awaitStop(START, Duration.ofMillis(500)));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(waited.compareTo(Duration.ofMillis(500)) >= 0 && waited.compareTo(Duration.ofSeconds(10)) < 0, "waited " + waited);
    }
}
