package io.switchboard.processor;

import io.switchboard.schemas.CommandDecision;

/**
 * Told of each decision in the same process, the moment it is made (before its transaction
 * commits, like a read_uncommitted reader of the decisions topic). It lets the API replica that
 * owns a connector's partition answer without the round trip through the decisions topic. It must
 * return at once: it runs on the stream thread.
 */
@FunctionalInterface
public interface DecisionObserver {
    DecisionObserver NONE = decision -> { };

    void decided(CommandDecision decision);

    /** The record at {@code offset} of the command topic's {@code partition} has been processed (decided, replayed, or refused unsigned). */
    default void processed(int partition, long offset) {
    }

    /**
     * The task deciding {@code partition} closed here (revoked, or closed dirty when its thread
     * died or its transaction was aborted): what it processed and did not commit may be undone.
     */
    default void released(int partition) {
    }
}
