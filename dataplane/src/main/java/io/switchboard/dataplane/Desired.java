package io.switchboard.dataplane;

import io.switchboard.schemas.ConnectorState;

import java.util.Optional;

/**
 * What one connector is reconciled to: the desired state a decision just gave it, or whatever the
 * desired-state store holds for it when its turn comes (a decision that carried no state, a watched
 * connector looked at again).
 */
sealed interface Desired {
    /** The desired state the store holds when the connector's turn comes. */
    Desired STORED = new Stored();

    /** @param state the state just decided; empty: the connector was deleted */
    static Desired decided(Optional<ConnectorState> state) {
        return new Decided(state);
    }

    /** @param state the state just decided; empty: the connector was deleted */
    record Decided(Optional<ConnectorState> state) implements Desired {
    }

    /** Read from the store when the connector's turn comes. */
    record Stored() implements Desired {
    }
}
