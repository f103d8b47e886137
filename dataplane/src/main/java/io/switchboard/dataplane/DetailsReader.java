package io.switchboard.dataplane;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads what a report waits on and the worker answers slowly, on a thread of its own: a
 * connector's task configs when its tasks changed in number, and its active topics and offsets when
 * it stopped or had them changed (not after a create: their routes ask the worker), so that reading them (an offset store opened on the worker each time) never holds up the report
 * of the status itself. Requests for one connector are coalesced; at most {@link #MAX_QUEUED}
 * connectors wait, and past that the periodic pass reads what is due. While the worker is busy,
 * a read waits for a quiet moment, but no connector waits more than {@code waitForQuietMs} from
 * its request (not from its turn: a queue of connectors each waiting its own turn's full wait
 * held a failed task out of sight for minutes).
 */
final class DetailsReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetailsReader.class);
    static final int MAX_QUEUED = 10_000;

    /** The connectors waiting, in order, with when each was first asked for (System.nanoTime). */
    private final LinkedHashMap<String, Long> queued = new LinkedHashMap<>();
    private final Consumer<String> read;
    private final BooleanSupplier workerBusy;
    /** A read waits at most this long after its request for the worker to stop being busy. */
    static final long WAIT_FOR_QUIET_MS = 30_000;
    private final long waitForQuietNanos;
    private final Thread thread;
    private boolean started;
    private volatile boolean closed;

    /**
     * @param read       reads and reports one connector's details
     * @param workerBusy whether the worker is busy with changes just made: reads wait for a quiet
     *                   moment (at most {@link #WAIT_FOR_QUIET_MS}), since they queue behind those changes
     */
    DetailsReader(String cluster, Consumer<String> read, BooleanSupplier workerBusy) {
        this(cluster, read, workerBusy, WAIT_FOR_QUIET_MS);
    }

    DetailsReader(String cluster, Consumer<String> read, BooleanSupplier workerBusy, long waitForQuietMs) {
        this.waitForQuietNanos = waitForQuietMs * 1_000_000;
        this.read = read;
        this.workerBusy = workerBusy;
        this.thread = new Thread(this::run, "switchboard-details-" + cluster);
        this.thread.setDaemon(true);
    }

    synchronized void request(String name) {
        if (closed || queued.size() >= MAX_QUEUED) {
            return;
        }
        if (!started) {
            thread.start();
            started = true;
        }
        if (queued.putIfAbsent(name, System.nanoTime()) == null) {
            notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            String name;
            long requestedAt;
            synchronized (this) {
                while (queued.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                requestedAt = queued.values().iterator().next();
            }
            // The first in the queue was asked for before all the others: once its wait is over, theirs may be too.
            while (workerBusy.getAsBoolean() && System.nanoTime() - requestedAt < waitForQuietNanos) {
                try {
                    Thread.sleep(Math.min(100, Math.max(1, (waitForQuietNanos - (System.nanoTime() - requestedAt)) / 1_000_000)));
                } catch (InterruptedException e) {
                    return;
                }
            }
            synchronized (this) {
                Iterator<Map.Entry<String, Long>> first = queued.entrySet().iterator();
                name = first.next().getKey();
                first.remove();
            }
            try {
                read.accept(name);
            } catch (RuntimeException e) {
                // The periodic pass reads them again.
                log.debug("Reading the details of connector {} failed: {}", name, e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
