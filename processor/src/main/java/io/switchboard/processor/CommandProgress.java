package io.switchboard.processor;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far this replica's processor has decided each partition of the command topic: the offset
 * after the last command it processed there. Its active copy of the stores holds the effect of
 * every command below it (written before the command's transaction commits) for as long as the
 * task that processed them stays open.
 *
 * <p>A task closed without committing (its stream thread died, its transaction was aborted, it was
 * fenced) loses what it processed since its last commit: its copy is wiped and restored from the
 * changelog, and its commands are decided again. So the task's close {@linkplain #released releases}
 * the partition's mark, and a reader takes a {@link Mark} <em>before</em> it reads the copy and
 * counts it only if the partition was not released since ({@link #stillHeld}); otherwise it could
 * deny a create that the copy it read never held (a read seeing the copy before a command and the
 * mark after it, or a mark that outlived the copy).
 *
 * <p>A transaction's commit marker takes an offset of its own after the last record of the
 * transaction in each partition (a set's change leaves one in every connector's partition it wrote
 * a command to), and so does a record of an aborted transaction, which is never decided. Neither is
 * a command: the processor's consumer skips them. So once the last command the consumer returned
 * of a partition is processed, the mark moves to the offset the consumer reads next
 * ({@link #polled}, told by {@link CommandPolls}), past what it skipped, rather than waiting for the
 * group to commit past it.
 *
 * <p>Written by stream threads, read by request threads.
 */
public final class CommandProgress {
    /** A partition's progress as seen at one moment: {@code next} offset, under the task opening {@code epoch}. */
    public record Mark(long next, long epoch) {
        static final Mark NONE = new Mark(0, 0);
    }

    /** The last command the consumer returned of a partition, and the offset it reads next. */
    private record Polled(long lastCommand, long next) {
    }

    /** What {@link #polled} is told of a poll that returned no command of the partition. */
    public static final long NONE_RETURNED = -1;

    private final ConcurrentMap<Integer, Mark> marks = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Polled> polls = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();

    /** A command at {@code offset} of {@code partition} was processed. */
    public void processed(int partition, long offset) {
        marks.compute(partition, (p, mark) -> past(p, mark == null
                ? new Mark(offset + 1, epochs.incrementAndGet())
                : new Mark(Math.max(mark.next(), offset + 1), mark.epoch())));
    }

    /**
     * A poll of the processor's consumer returned the commands of {@code partition} up to
     * {@code lastCommand} ({@link #NONE_RETURNED} when it returned none of it), and the consumer reads
     * {@code next} next: whatever lies between is no command. On the stream thread that polls, before
     * it processes what the poll returned.
     */
    public void polled(int partition, long lastCommand, long next) {
        polls.compute(partition, (p, before) -> lastCommand != NONE_RETURNED ? new Polled(lastCommand, next)
                : new Polled(before == null ? NONE_RETURNED : before.lastCommand(), next));
        marks.computeIfPresent(partition, this::past);
    }

    /**
     * The mark, moved to the consumer's next offset once the last command the consumer returned is
     * processed: every offset between is one the consumer skipped. The last command returned is
     * always one the mark's own task was given: a task opened again (after its consumer was moved to
     * the group's committed offset) has a mark only once it has processed a command its consumer
     * returned since, and that poll told the last command returned anew.
     */
    private Mark past(int partition, Mark mark) {
        Polled polled = polls.get(partition);
        return polled != null && polled.lastCommand() != NONE_RETURNED && mark.next() > polled.lastCommand()
                && polled.next() > mark.next() ? new Mark(polled.next(), mark.epoch()) : mark;
    }

    /** The task of the partition closed here: what it processed and did not commit may be undone. */
    public void released(int partition) {
        marks.remove(partition);
    }

    /** The partition's progress now; take it before reading the copy it speaks for. */
    public Mark mark(int partition) {
        return marks.getOrDefault(partition, Mark.NONE);
    }

    /** The offset {@code taken} says was processed, if the partition's task has not closed since; else 0. */
    public long stillHeld(int partition, Mark taken) {
        Mark now = marks.get(partition);
        return now != null && now.epoch() == taken.epoch() ? taken.next() : 0;
    }

    /** The offset after the last command processed in the partition by its open task; 0 if none. */
    public long next(int partition) {
        return mark(partition).next();
    }
}
