package io.switchboard.dataplane;

import io.switchboard.core.WorkerClient;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * How config validations reach one worker. A validation is CPU work on the worker, and the worker's
 * CPU is shared out by thread: every validation running beside the herder thread, which carries out
 * the creates one after another, takes a share from it. So validations run one at a time while they
 * are quick. One still unanswered after {@code computingAtMost} is waiting on something other than
 * the worker's CPU (a plugin that connects to its database, say), and gives its turn to the next,
 * up to {@code inFlight} in all, so that one slow plugin does not hold up every other create.
 * A validation that finds no place waits, at most {@code waitAtMost} and with at most
 * {@code waitingAtMost} others; past either it is refused before anything is sent.
 */
final class ValidationGate {
    /** Hands back the turns of validations that take long; one thread for every gate. */
    private static final ScheduledThreadPoolExecutor TURNS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "switchboard-validation-turns");
        t.setDaemon(true);
        return t;
    });

    static {
        // A validation answered in time cancels its hand-back: cancelled ones must not pile up.
        TURNS.setRemoveOnCancelPolicy(true);
    }

    private final Semaphore turns;
    private final Semaphore places;
    private final AtomicInteger waiting = new AtomicInteger();
    private final int waitingAtMost;
    private final Duration waitAtMost;
    private final Duration computingAtMost;

    ValidationGate(int computing, int inFlight, int waitingAtMost, Duration waitAtMost, Duration computingAtMost) {
        this.turns = new Semaphore(computing, true);
        this.places = new Semaphore(inFlight, true);
        this.waitingAtMost = waitingAtMost;
        this.waitAtMost = waitAtMost;
        this.computingAtMost = computingAtMost;
    }

    /** Runs the validation once it may reach the worker; throws {@link WorkerClient.ValidationsBusy} otherwise. */
    <T> T through(Supplier<T> validation) {
        admit();
        AtomicBoolean holdsTurn = new AtomicBoolean(true);
        Runnable giveTurn = () -> {
            if (holdsTurn.compareAndSet(true, false)) {
                turns.release();
            }
        };
        ScheduledFuture<?> handBack = null;
        try {
            handBack = TURNS.schedule(giveTurn, computingAtMost.toNanos(), TimeUnit.NANOSECONDS);
            return validation.get();
        } finally {
            if (handBack != null) {
                handBack.cancel(false);
            }
            giveTurn.run();
            places.release();
        }
    }

    /** Takes a place and a turn, waiting for them if need be. */
    private void admit() {
        if (places.tryAcquire()) {
            if (turns.tryAcquire()) {
                return;
            }
            places.release();
        }
        if (waiting.incrementAndGet() > waitingAtMost) {
            waiting.decrementAndGet();
            throw new WorkerClient.ValidationsBusy("Too many connector configs are waiting to be validated by the Kafka Connect worker");
        }
        boolean placed = false;
        boolean admitted = false;
        try {
            long deadline = System.nanoTime() + waitAtMost.toNanos();
            placed = places.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            admitted = placed && turns.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiting.decrementAndGet();
            if (placed && !admitted) {
                places.release();
            }
        }
        if (!admitted) {
            throw Thread.currentThread().isInterrupted()
                    ? new WorkerClient.ValidationsBusy("Interrupted while waiting to validate a connector config")
                    : new WorkerClient.ValidationsBusy("The Kafka Connect worker is busy validating other connector configs");
        }
    }

}
