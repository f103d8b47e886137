package io.switchboard.processor;

/**
 * The names of the topics Switchboard owns. Every name derives from one prefix so that several
 * Switchboard deployments can share a Kafka cluster; the public lifecycle topic may be named
 * outright.
 *
 * @param lifecycleTopic the lifecycle topic's name, or null for {@code <prefix>.lifecycle}
 */
public record Topics(String prefix, String lifecycleTopic) {
    public static final Topics DEFAULT = new Topics("switchboard");

    public Topics(String prefix) {
        this(prefix, null);
    }

    /** Commands, keyed by connector: the only input of the topology. */
    public String commands() {
        return prefix + ".commands";
    }

    /** One decision per command, read by every API replica to answer its waiting clients. */
    public String decisions() {
        return prefix + ".decisions";
    }

    /** Facts about connectors, for other teams to consume. */
    public String lifecycle() {
        return lifecycleTopic != null && !lifecycleTopic.isBlank() ? lifecycleTopic : prefix + ".lifecycle";
    }

    /** What reconcilers observe on the Connect clusters, keyed by connector. */
    public String observations() {
        return prefix + ".observations";
    }

    /** A one-partition topic whose consumer group elects each Connect cluster's reconciler. */
    public String reconcilerLeases() {
        return prefix + ".reconciler-leases";
    }

    /** A compacted one-partition topic: the replicas' session key and their keyring's fingerprint. */
    public String replicaKeys() {
        return prefix + ".replica-keys";
    }

    /**
     * Debezium's notifications from the pipelines' source connectors (their initial snapshot's
     * start, each table begun and finished with its rows, the end), read by every replica.
     */
    public String pipelineNotifications() {
        return prefix + ".pipeline-notifications";
    }

    /** Records of the command topic that are not valid commands. */
    public String deadLetters() {
        return prefix + ".commands.dlq";
    }

    /** The Kafka Streams application id, which also prefixes the state store changelogs. */
    public String applicationId() {
        return prefix;
    }

    /** The changelog topic Kafka Streams keeps for one of the topology's stores ({@link StoreNames}). */
    public String changelog(String store) {
        return applicationId() + "-" + store + "-changelog";
    }
}
