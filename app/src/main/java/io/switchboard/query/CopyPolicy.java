package io.switchboard.query;

import io.switchboard.core.StoreUnavailableException;
import io.switchboard.processor.CommandProgress;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which of this replica's copies may answer a read, and when:
 * <ul>
 *   <li>the active copy, once this replica has decided every command that was in the partition
 *       when the read arrived, and only while it reached Kafka lately ({@link CommandCoverage});</li>
 *   <li>a standby copy (asked for with {@code stale}) once it holds every such decision
 *       ({@link LocalCopies#currentEnough});</li>
 *   <li>with {@code consistency=local}, whatever copy is here, as it is ({@link #asIs}).</li>
 * </ul>
 * The same rules serve this replica's own reads and those other replicas send it.
 */
final class CopyPolicy {
    private final LocalCopies local;
    /** Null until {@link #checkCoverage} is called: then a copy's answer is checked against the command topic. */
    private volatile CommandCoverage coverage;

    /** A value of a copy here (null when absent), and whether that copy is the partition's active one. */
    record Held<V>(V value, boolean owner) {
    }

    CopyPolicy(LocalCopies local) {
        this.local = local;
    }

    void checkCoverage(CommandCoverage coverage) {
        this.coverage = coverage;
        local.checkCoverage(coverage);
    }

    CommandCoverage coverage() {
        return coverage;
    }

    /**
     * One key of this replica's copy of a partition: the active copy under {@link #ownersAnswer};
     * with {@code stale}, a standby copy if it is current enough, else {@link StoreUnavailableException}.
     */
    <V> Held<V> answer(String store, String key, int partition, boolean stale, long arrived) {
        boolean owner = !stale || local.isActiveHere(partition);
        if (!owner && !local.currentEnough(store, partition, arrived, LocalCopies.LAG_READING_WAIT_MS)) {
            throw new StoreUnavailableException("The copy of partition " + partition + " here is behind; retry shortly.", null);
        }
        Supplier<V> read = () -> local.get(store, key, partition, stale);
        return new Held<>(owner ? ownersAnswer(store, partition, arrived, read) : read.get(), owner);
    }

    /**
     * What this replica's copy of a partition (active or standby) holds of a key as it is, without
     * waiting for it to catch up: a read with {@code consistency=local}. {@link StoreUnavailableException}
     * when no copy is here.
     */
    <V> V asIs(String store, String key, int partition) {
        return local.get(store, key, partition, true);
    }

    /** Like {@link #asIs}, for the values (or keys) under a prefix; empty when no copy of the partition is here. */
    <V> Optional<List<V>> scanAsIs(String store, String prefix, boolean keys, int partition) {
        return local.scanAsIs(store, prefix, keys, partition);
    }

    /** Whether this replica's active copies may answer: it reached Kafka lately ({@link CommandCoverage#reachedKafkaLately}). */
    boolean ownerMayAnswer() {
        CommandCoverage check = coverage;
        return check == null || check.reachedKafkaLately(LocalCopies.LAG_READING_WAIT_MS);
    }

    /**
     * What the owner's copy says of a key, once the owner has decided every command sent before the
     * read arrived (for a store of decisions: {@link CommandCoverage#ownerCovers}); else
     * {@link StoreUnavailableException}, which the read waits out like any copy it cannot use. A copy
     * that has just become active holds only what its previous owner committed, and that owner may
     * have answered later decisions (a value from it would be stale, and an absence would deny a
     * create). The processor's progress is taken before the copy is read, so that the copy is judged
     * by what it held ({@link CommandProgress}).
     */
    <V> V ownersAnswer(String store, int partition, long arrived, Supplier<V> read) {
        CommandCoverage check = coverage;
        if (check != null && !check.reachedKafkaLately(LocalCopies.LAG_READING_WAIT_MS)) {
            throw new StoreUnavailableException("This replica has not reached Kafka lately, so another may own partition "
                    + partition + " by now; retry shortly.", null);
        }
        if (check == null || !LocalCopies.holdsDecisions(store)) {
            return read.get();
        }
        CommandProgress.Mark before = check.mark(partition);
        V value = read.get();
        if (!check.ownerCovers(partition, before, arrived, LocalCopies.LAG_READING_WAIT_MS)) {
            throw new StoreUnavailableException("Partition " + partition + " has commands its owner has not decided yet; retry shortly.", null);
        }
        return value;
    }

    /**
     * This replica's copy of one partition under a prefix; empty when it cannot serve it now: a
     * standby not current enough ({@link LocalCopies#currentEnough}), or an active copy of decisions
     * that has not decided every command sent before the list arrived ({@link #ownersAnswer}).
     */
    <V> Optional<List<V>> scan(String store, String prefix, boolean keys, int partition, boolean stale, long arrived) {
        CommandCoverage check = coverage;
        if (stale || check == null || !LocalCopies.holdsDecisions(store)) {
            return local.scan(store, prefix, keys, partition, stale, arrived);
        }
        CommandProgress.Mark before = check.mark(partition);
        Optional<List<V>> values = local.scan(store, prefix, keys, partition, false, arrived);
        return values.isPresent() && check.ownerCovers(partition, before, arrived, LocalCopies.LAG_READING_WAIT_MS)
                ? values : Optional.empty();
    }

    /** Whether this replica runs the partition actively right now. */
    boolean isActiveHere(int partition) {
        return local.isActiveHere(partition);
    }
}
