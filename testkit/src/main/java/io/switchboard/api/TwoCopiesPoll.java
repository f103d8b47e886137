package io.switchboard.api;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the moves' tests promise: a connector polled on two Connect workers every 100 ms, from start
 * until closed, is never seen RUNNING on both. {@link #assertNeverTwo} after {@link #close}.
 */
final class TwoCopiesPoll implements AutoCloseable {
    private final AtomicBoolean polling = new AtomicBoolean(true);
    private final AtomicInteger bothRunning = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();
    private final Thread poller;

    private TwoCopiesPoll(String oneWorker, String otherWorker, String name) {
        poller = new Thread(() -> {
            while (polling.get()) {
                if ("RUNNING".equals(stateOn(oneWorker, name)) && "RUNNING".equals(stateOn(otherWorker, name))) {
                    bothRunning.incrementAndGet();
                }
                polls.incrementAndGet();
                try {
                    Thread.sleep(100); // the poll's period the tests promise
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "two-copies-poller");
    }

    static TwoCopiesPoll start(String oneWorker, String otherWorker, String name) {
        TwoCopiesPoll poll = new TwoCopiesPoll(oneWorker, otherWorker, name);
        poll.poller.start();
        return poll;
    }

    /** The connector's state as the worker at {@code workerUrl} answers it, or ABSENT. */
    static String stateOn(String workerUrl, String name) {
        SwitchboardFixture.Answer status = SwitchboardFixture.call(workerUrl, "GET", "/connectors/" + name + "/status", null);
        return status.status() == 200 ? status.json().path("connector").path("state").asText() : "ABSENT";
    }

    /** Never two running copies, in more than ten polls. */
    void assertNeverTwo() {
        assertEquals(0, bothRunning.get(), "two running copies seen in " + polls.get() + " polls");
        assertTrue(polls.get() > 10, "the poll ran: " + polls.get());
    }

    @Override
    public void close() throws InterruptedException {
        polling.set(false);
        poller.join();
    }
}
