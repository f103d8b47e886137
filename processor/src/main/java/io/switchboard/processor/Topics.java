package io.switchboard.processor;

import io.switchboard.rules.ControlPlane;

import java.util.Set;

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

    /** The user policies in force (compacted), keyed {@code <cluster>/<name>}: written by the processor, read whole by every replica. */
    public String policies() {
        return prefix + ".policies";
    }

    /** Every version of every user policy (compacted, one key per version), keyed {@code <cluster>/<name>/<version>}. */
    public String policyVersions() {
        return prefix + ".policy-versions";
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

    /** The named secrets, sealed: a compacted topic the secret store writes and reads. */
    public String secrets() {
        return prefix + ".secrets";
    }

    /** The embedded schema registry's schemas. */
    public String schemas() {
        return prefix + "._schemas";
    }

    /** The embedded Kafka Connect worker's group; its internal topics are named after it. */
    public String embeddedWorkerGroup() {
        return prefix + "-connect";
    }

    /** The consumer group whose one member holds the lease to reconcile one Connect cluster. */
    public String reconcilerGroup(String cluster) {
        return prefix + "-reconciler-" + cluster;
    }

    /**
     * Every topic and group above, as the connector policies see them ({@link ControlPlane}): no
     * connector may name one. Topics created later under the prefix are covered by its pattern.
     */
    public ControlPlane controlPlane() {
        String worker = embeddedWorkerGroup();
        return new ControlPlane(prefix, Set.of(commands(), decisions(), lifecycle(), observations(), reconcilerLeases(), replicaKeys(),
                pipelineNotifications(), deadLetters(), policies(), policyVersions(), secrets(), schemas(), worker + "-configs", worker + "-offsets", worker + "-status"),
                Set.of(applicationId(), worker), pipelineNotifications());
    }

    /** The changelog topic Kafka Streams keeps for one of the topology's stores ({@link StoreNames}). */
    public String changelog(String store) {
        return applicationId() + "-" + store + "-changelog";
    }
}
