package io.switchboard.unit;

import io.switchboard.events.LifecycleLog;
import io.switchboard.events.StreamPosition;
import io.switchboard.schemas.AvroTrust;
import io.switchboard.schemas.LifecycleEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The lifecycle topic in memory: one partition, every event appended kept, readers woken as events arrive. */
public final class InMemoryLifecycleLog implements LifecycleLog {
    private final List<LifecycleEvent> events = new ArrayList<>();

    public InMemoryLifecycleLog() {
        // As the topic's Avro deserializer does: the views copy events, which Avro allows of trusted classes only.
        AvroTrust.install();
    }

    /** Appends an event, as the processor writes it. */
    public synchronized void append(LifecycleEvent event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public synchronized Reader open(StreamPosition start) {
        long from = switch (start.start()) {
            case EARLIEST -> 0;
            case LATEST -> events.size();
            case OFFSETS -> Math.min(start.offsets().getOrDefault(0, 0L), events.size());
        };
        return new Reader() {
            private long next = from;
            private volatile boolean woken;

            @Override
            public Map<Integer, Long> positions() {
                return Map.of(0, next);
            }

            @Override
            public List<Entry> poll(Duration timeout) {
                synchronized (InMemoryLifecycleLog.this) {
                    long deadline = System.nanoTime() + timeout.toNanos();
                    while (!woken && next >= events.size() && System.nanoTime() < deadline) {
                        try {
                            InMemoryLifecycleLog.this.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return List.of();
                        }
                    }
                    if (woken) {
                        return List.of();
                    }
                    List<Entry> read = new ArrayList<>();
                    for (; next < events.size() && read.size() < 100; next++) {
                        read.add(new Entry(0, next, events.get((int) next)));
                    }
                    return read;
                }
            }

            @Override
            public void wakeup() {
                woken = true;
                synchronized (InMemoryLifecycleLog.this) {
                    InMemoryLifecycleLog.this.notifyAll();
                }
            }

            @Override
            public void close() {
            }
        };
    }
}
