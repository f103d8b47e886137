package io.switchboard.processor;

/**
 * Why a command was refused, as recorded in a decision's {@code reason}. Each API words these
 * itself; the arguments are the decision's cluster and connector.
 */
public final class DecisionReasons {
    /** A create for a name that is taken. */
    public static final String ALREADY_EXISTS = "ALREADY_EXISTS";
    /** A change to a connector that does not exist. */
    public static final String NOT_FOUND = "NOT_FOUND";
    /** An offsets change while the connector's target state is not STOPPED. */
    public static final String NOT_STOPPED = "NOT_STOPPED";
    /** An offsets change while an offsets request that stops the connector first is still under way. */
    public static final String OFFSETS_REQUEST_PENDING = "OFFSETS_REQUEST_PENDING";
    /** An Idempotency-Key used before for a different request. */
    public static final String IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";

    private DecisionReasons() {
    }
}
