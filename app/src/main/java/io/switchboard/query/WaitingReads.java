package io.switchboard.query;

import io.switchboard.core.StoreUnavailableException;
import java.util.concurrent.Semaphore;

/**
 * Bounds how many reads may wait at once for a copy of their data to become available: each holds
 * a server thread while it waits (up to the read wait), so without a bound a partition moving
 * between replicas could take every thread the server has. A read past the bound is answered at
 * once, 503 with Retry-After.
 */
final class WaitingReads {
    private final int max;
    private final Semaphore permits;

    WaitingReads(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** Lets one more read wait, or refuses it when {@code max} are waiting already. */
    void enter() {
        if (!permits.tryAcquire()) {
            throw new StoreUnavailableException("The connector's data is not available right now, and " + max
                    + " reads are already waiting for it on this replica; retry shortly.", null);
        }
    }

    void leave() {
        permits.release();
    }

    /** Waits a moment before a read looks for its data again. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("Interrupted while waiting for the connector store", e);
        }
    }

    /** How many reads are waiting now. */
    int waiting() {
        return max - permits.availablePermits();
    }
}
