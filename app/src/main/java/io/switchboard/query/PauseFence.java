package io.switchboard.query;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Whether this JVM may answer from its own copies of the stores, judged by whether it has been
 * running. A process that was stopped (SIGSTOP, a VM frozen, a very long GC pause) for longer than
 * about half the group's session timeout may have been dropped from the group meanwhile, and its
 * partitions given to another replica that has decided commands since; until its consumer learns
 * that (its first heartbeat after the pause), Kafka Streams still calls its copies active, and a
 * read answered from them is stale: the fault run saw a config read answered right after such a
 * pause with a version deleted 40 s earlier. So the copies are not trusted while the ticker here
 * has not run for {@link #PAUSE_NANOS}, and for {@link #FENCE_NANOS} after it finds it had not;
 * reads then wait or are answered 503, and early answers wait for their decision. Shorter pauses,
 * the member is still in its group and its copies still the only writers' own, change nothing.
 *
 * <p>One ticker thread per JVM (a pause stops every thread of it alike), ticking every
 * {@link #TICK_MILLIS}; {@link #trusted} reads two volatile fields and takes no lock.
 */
final class PauseFence {
    /** Half the Streams default session timeout (45 s): the group cannot have dropped a member paused for less. */
    static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** Long enough for a heartbeat to be answered and a lost membership to close the tasks. */
    static final long FENCE_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final long TICK_MILLIS = 200;

    static final PauseFence JVM = startTicking(new PauseFence(System::nanoTime));

    private final LongSupplier nanoTime;
    private volatile long lastTick;
    private volatile long fencedUntil;

    PauseFence(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastTick = nanoTime.getAsLong();
        this.fencedUntil = lastTick;
    }

    private static PauseFence startTicking(PauseFence fence) {
        Thread ticker = new Thread(() -> {
            while (true) {
                fence.tick();
                try {
                    Thread.sleep(TICK_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "switchboard-pause-fence");
        ticker.setDaemon(true);
        ticker.start();
        return fence;
    }

    /** One tick: a gap since the last one longer than {@link #PAUSE_NANOS} fences the copies. */
    void tick() {
        long now = nanoTime.getAsLong();
        if (now - lastTick > PAUSE_NANOS) {
            fencedUntil = now + FENCE_NANOS;
        }
        lastTick = now;
    }

    /** Whether this JVM's copies may answer now. */
    boolean trusted() {
        long now = nanoTime.getAsLong();
        return now - lastTick <= PAUSE_NANOS && now - fencedUntil >= 0;
    }
}
