package io.switchboard.dataplane;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The daemon threads one owner starts and ends: each is forgotten as it ends, so what is held is
 * only what runs. Thread-safe; the owner bounds how many it starts.
 */
final class OwnedThreads {
    private final Set<Thread> alive = new HashSet<>();

    /** Starts a daemon thread running {@code body}. */
    synchronized void start(String name, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } finally {
                synchronized (this) {
                    alive.remove(Thread.currentThread());
                }
            }
        }, name);
        thread.setDaemon(true);
        alive.add(thread);
        thread.start();
    }

    /** How many are alive. */
    synchronized int count() {
        return alive.size();
    }

    /** Interrupts every one alive and waits up to {@code joinMs} for each to end. */
    void interruptAndJoin(long joinMs) {
        List<Thread> now;
        synchronized (this) {
            now = new ArrayList<>(alive);
        }
        now.forEach(Thread::interrupt);
        for (Thread thread : now) {
            try {
                thread.join(joinMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
