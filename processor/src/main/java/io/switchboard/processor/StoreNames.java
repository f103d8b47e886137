package io.switchboard.processor;

import io.switchboard.rules.ConnectorKey;
/** Names of the topology's state stores, which are also the names interactive queries use. */
public final class StoreNames {
    /** Desired state of every connector, keyed by {@link ConnectorKey}. */
    public static final String CONNECTORS = io.switchboard.kafkaio.Topics.CONNECTORS_STORE;
    /** The last status the data plane reported for every connector, keyed by {@link ConnectorKey}. */
    public static final String STATUSES = "statuses";
    /** The first decision for each connector and Idempotency-Key, for a day. */
    public static final String IDEMPOTENCY = "idempotency";
    /**
     * Every version of every connector's config and target state, kept after deletes: a record per
     * entry and a head per connector, as {@link HistoryLayout} lays them out and reads them.
     */
    public static final String HISTORY = "history";
    /** Each connector's recent incidents, a {@link Timeline} per connector, kept with its history. */
    public static final String TIMELINE = "timeline";

    /** Connector sets (connectors as code), keyed {@code <cluster>/{set}<name>}, in the connectors' task. */
    public static final String SETS = "sets";
    /** A cluster's plugin version rollouts, keyed {@code <cluster>/{rollouts}}, in the connectors' task. */
    public static final String ROLLOUTS = "rollouts";
    /** Each policy's version in force, keyed by its command key {@code <cluster>/{policy}<name>}: what the policy decider decides against. */
    public static final String POLICY_HEADS = "policy-heads";
    /** Global: every cluster's policies in force, keyed {@code <cluster>/<name>}, read from the policies topic on every replica. */
    public static final String POLICIES = "policies";
    /** Global: every version of every policy, keyed {@code <cluster>/<name>/<version, 19 digits>}. */
    public static final String POLICY_VERSIONS = "policy-versions";
    /**
     * Each task's own copy of the policies in force, keyed {@code <cluster>/<name>}: what the decider
     * of a connector's command reads, written from the {@code PolicyInForce} records of the task's
     * partition, so that it changes in order with the commands it decides.
     */
    public static final String POLICIES_IN_FORCE = "policies-in-force";
    /**
     * The ids of the commands each partition admitted within the last minutes, by issue time
     * ({@link DecidedCommands}): a copy of one is refused, never decided again. In memory, without a
     * changelog: rebuilt from the command topic when a task starts ({@link CommandLog}).
     */
    public static final String DECIDED_COMMANDS = "decided-commands";

    /**
     * Every store above with a changelog ({@link Topics#changelog}), which only the control plane may
     * touch; the global stores have none (they read the policies topics, under the prefix).
     */
    public static final java.util.List<String> ALL = java.util.List.of(CONNECTORS, STATUSES, IDEMPOTENCY, HISTORY, TIMELINE, SETS, POLICY_HEADS,
            POLICIES_IN_FORCE, ROLLOUTS);

    private StoreNames() {
    }
}
