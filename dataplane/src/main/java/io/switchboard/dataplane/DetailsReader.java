package io.switchboard.dataplane;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a connector's active topics and offsets after its status changed, on a thread of its own,
 * so that reading them (an offset store opened on the worker each time) never holds up the report
 * of the status itself. Requests for one connector are coalesced; at most {@link #MAX_QUEUED}
 * connectors wait, and past that the periodic pass reads what is due.
 */
final class DetailsReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetailsReader.class);
    static final int MAX_QUEUED = 10_000;

    private final LinkedHashSet<String> queued = new LinkedHashSet<>();
    private final Consumer<String> read;
    private final BooleanSupplier workerBusy;
    /** A read waits at most this long for the worker to stop being busy. */
    static final long WAIT_FOR_QUIET_MS = 30_000;
    private final Thread thread;
    private boolean started;
    private volatile boolean closed;

    /**
     * @param read       reads and reports one connector's details
     * @param workerBusy whether the worker is busy with changes just made: reads wait for a quiet
     *                   moment (at most {@link #WAIT_FOR_QUIET_MS}), since they queue behind those changes
     */
    DetailsReader(String cluster, Consumer<String> read, BooleanSupplier workerBusy) {
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
        if (queued.add(name)) {
            notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            String name;
            synchronized (this) {
                while (queued.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            long waitUntil = System.currentTimeMillis() + WAIT_FOR_QUIET_MS;
            while (workerBusy.getAsBoolean() && System.currentTimeMillis() < waitUntil) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            synchronized (this) {
                Iterator<String> first = queued.iterator();
                name = first.next();
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
