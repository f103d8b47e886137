package io.switchboard.rules;

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
    /** An offsets change while another offsets request is still under way (the data plane has not answered it yet). */
    public static final String OFFSETS_REQUEST_PENDING = "OFFSETS_REQUEST_PENDING";
    /** The connector is moving between clusters: it takes no other change until the move ends. */
    public static final String MOVE_UNDER_WAY = "MOVE_UNDER_WAY";
    /** A move to the cluster the connector is in, or from one it is not in. */
    public static final String INVALID_MOVE = "INVALID_MOVE";
    /** A command for a connector a pipeline owns, from anywhere but that pipeline (see {@link PipelineOwnership}). */
    public static final String OWNED_BY_PIPELINE = "OWNED_BY_PIPELINE";
    /** A pipeline's command for a connector that exists and is not that pipeline's. */
    public static final String NOT_OWNED_BY_PIPELINE = "NOT_OWNED_BY_PIPELINE";
    /** A config naming a pipeline other than the one (or none) that issued the command. */
    public static final String PIPELINE_ID_RESERVED = "PIPELINE_ID_RESERVED";
    /** A create of a connector whose name breaks {@link ConnectorRules#nameProblem}. */
    public static final String INVALID_NAME = "INVALID_NAME";
    /** A config to store that names no plugin ({@link ConnectorRules#hasConnectorClass}). */
    public static final String NO_CONNECTOR_CLASS = "NO_CONNECTOR_CLASS";
    /**
     * A patch validated against a version of the connector that is no longer current: the API
     * validates the patch again against the state the decision carries and sends it again.
     */
    public static final String CHANGED_MEANWHILE = "CHANGED_MEANWHILE";
    /**
     * A pipeline phase change whose previous phase is not the one recorded last: another sender
     * recorded a change first, or this one was sent again. The sender reads the phase again.
     */
    public static final String PHASE_CHANGED_MEANWHILE = "PHASE_CHANGED_MEANWHILE";
    /** A pipeline phase change for a connector that no pipeline owns. */
    public static final String NOT_A_PIPELINE = "NOT_A_PIPELINE";
    /** A table left out of a pipeline when as many as the decider keeps are recorded already. */
    public static final String TABLES_LEFT_OUT_FULL = "TABLES_LEFT_OUT_FULL";
    /**
     * A config that breaks a built-in policy ({@link ConnectorPolicies}); the decision's message is
     * the policy's, naming it and the key at fault.
     */
    public static final String REFUSED_BY_POLICY = "REFUSED_BY_POLICY";
    /** An Idempotency-Key used before for a different request. */
    public static final String IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";

    private DecisionReasons() {
    }
    /** A set change planned on another version of the set than the one it now has. */
    public static final String SET_CHANGED_MEANWHILE = "SET_CHANGED_MEANWHILE";
    /** A set change with an item the decider would refuse, or a prune of a connector the set does not manage. */
    public static final String INVALID_SET_CHANGE = "INVALID_SET_CHANGE";
    /** A rollout's start the bounds refuse (no connector, too many, a canary, batch or watch out of range). */
    public static final String INVALID_ROLLOUT = "INVALID_ROLLOUT";
    /** A rollout of the same plugin class is under way on the cluster, or a connector is in another rollout under way. */
    public static final String ROLLOUT_UNDER_WAY = "ROLLOUT_UNDER_WAY";
}
