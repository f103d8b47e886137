package io.switchboard.events;

import io.switchboard.schemas.LifecycleEvent;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The lifecycle topic as {@code GET /events} reads it, the server's port to it: one reader per
 * client, over every partition, from a {@link StreamPosition}. The app reads the topic in Kafka;
 * the server's own tests keep the events in memory.
 */
public interface LifecycleLog {
    /**
     * A reader of every partition, placed at {@code start} (a partition the position does not name
     * is read from its beginning).
     */
    Reader open(StreamPosition start);

    /** One client's reader: used by one thread, but for {@link #wakeup}. */
    interface Reader extends AutoCloseable {
        /** The position of the next event to read, by partition. */
        Map<Integer, Long> positions();

        /** The events read within {@code timeout}, in order within each partition; none once woken up. */
        List<Entry> poll(Duration timeout);

        /** From another thread: makes the current or next {@link #poll} return at once. */
        void wakeup();

        @Override
        void close();
    }

    /** One record of the topic; {@code event} is null if it cannot be read (and is then skipped). */
    record Entry(int partition, long offset, LifecycleEvent event) {
    }
}
