package io.switchboard.processor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * How far this replica's processor has decided each partition of the command topic: the offset
 * after the last command it processed there. Its active copy of the stores holds the effect of
 * every command below it (written before the command's transaction commits). Written by the
 * stream thread, read by request threads.
 */
public final class CommandProgress {
    private final ConcurrentMap<Integer, Long> next = new ConcurrentHashMap<>();

    /** A command at {@code offset} of {@code partition} was processed. */
    public void processed(int partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
    }

    /** The offset after the last command processed in the partition; 0 if none was. */
    public long next(int partition) {
        return next.getOrDefault(partition, 0L);
    }
}
