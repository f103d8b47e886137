package io.switchboard.dataplane;

import java.util.HashSet;
import java.util.Set;

/**
 * Which connectors are being reconciled right now, so that a pass and a single-connector
 * reconcile never call the worker for the same connector at once.
 */
final class ConnectorClaims {
    private final Set<String> held = new HashSet<>();

    /** Claims a connector if nobody holds it. */
    synchronized boolean tryClaim(String name) {
        return held.add(name);
    }

    /** Claims a connector, waiting for whoever holds it. */
    synchronized void claim(String name) throws InterruptedException {
        while (!held.add(name)) {
            wait();
        }
    }

    synchronized void release(String name) {
        held.remove(name);
        notifyAll();
    }
}
