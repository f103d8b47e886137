package io.switchboard.query;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether this JVM may answer from its own copies of the stores, judged by whether it has been
 * running. A process that was stopped (SIGSTOP, a VM frozen, a very long GC pause) for longer than
 * its group session less a heartbeat interval may have been dropped from the group meanwhile, and
 * its partitions given to another replica that has decided commands since; until its consumer learns
 * that (its first heartbeat after the pause), Kafka Streams still calls its copies active, and a
 * read answered from them is stale (a config read right after such a pause can answer with a
 * version deleted long before). So the copies are not trusted while the ticker here
 * has not run for {@link SessionTimers#pauseMs}, and for {@link SessionTimers#fenceMs} after it finds
 * it had not; reads then wait or are answered 503, and early answers wait for their decision.
 * Shorter pauses, the member is still in its group and its copies still the only writers' own,
 * change nothing.
 *
 * <p>One ticker thread per JVM (a pause stops every thread of it alike) ticks every fence made by
 * {@link #ticked} every {@link #TICK_MILLIS}, holding them weakly; {@link #trusted} reads two
 * volatile fields and takes no lock.
 */
final class PauseFence {
    static final long TICK_MILLIS = 200;

    /** The fences the JVM's ticker ticks; one a replica, dropped with it. */
    private static final Set<PauseFence> TICKED = Collections.newSetFromMap(new WeakHashMap<>());
    private static Thread ticker;

    private final LongSupplier nanoTime;
    private final long pause;
    private final long fence;
    private volatile long lastTick;
    private volatile long fencedUntil;

    /** A fence on a clock its caller ticks. */
    PauseFence(LongSupplier nanoTime, SessionTimers timers) {
        this.nanoTime = nanoTime;
        this.pause = TimeUnit.MILLISECONDS.toNanos(timers.pauseMs());
        this.fence = TimeUnit.MILLISECONDS.toNanos(timers.fenceMs());
        this.lastTick = nanoTime.getAsLong();
        this.fencedUntil = lastTick;
    }

    /** A fence under these timers, ticked by this JVM's ticker. */
    static PauseFence ticked(SessionTimers timers) {
        PauseFence made = new PauseFence(System::nanoTime, timers);
        synchronized (TICKED) {
            TICKED.add(made);
            if (ticker == null) {
                ticker = new Thread(PauseFence::tickAll, "switchboard-pause-fence");
                ticker.setDaemon(true);
                ticker.start();
            }
        }
        return made;
    }

    private static void tickAll() {
        while (true) {
            synchronized (TICKED) {
                TICKED.forEach(PauseFence::tick);
            }
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One tick: a gap since the last one longer than the pause threshold fences the copies. */
    void tick() {
        long now = nanoTime.getAsLong();
        if (now - lastTick > pause) {
            fencedUntil = now + fence;
        }
        lastTick = now;
    }

    /** Whether this JVM's copies may answer now. */
    boolean trusted() {
        long now = nanoTime.getAsLong();
        return now - lastTick <= pause && now - fencedUntil >= 0;
    }
}
