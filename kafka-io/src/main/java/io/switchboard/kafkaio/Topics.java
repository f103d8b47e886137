package io.switchboard.kafkaio;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The topics Switchboard owns: every name, and every setting of those it creates
 * ({@link #toCreate}, made in one request by {@link TopicSetup}). Every name derives from one prefix
 * so that several Switchboard deployments can share a Kafka cluster; the public lifecycle topic may
 * be named outright. Names and settings are those data directories were made with: changing one
 * strands a deployment's data (and the ACLs, which grant by these names).
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
     * start, each table begun and finished with its rows, the end), read by every replica. The
     * connectors write it as the worker's principal, so it is named outside the control plane's
     * {@code <prefix>.} namespace, beside the worker's own topics.
     */
    public String pipelineNotifications() {
        return prefix + "-pipeline-notifications";
    }

    /**
     * The consumer groups other teams' readers of the lifecycle topic may use (the events principal
     * of the embedded broker): any group whose name starts with this.
     */
    public String eventConsumerGroups() {
        return prefix + "-events-";
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

    /** Every topic named above, with the embedded worker's three; a connector may name none of them. */
    public Set<String> owned() {
        String worker = embeddedWorkerGroup();
        return Set.of(commands(), decisions(), lifecycle(), observations(), reconcilerLeases(), replicaKeys(),
                pipelineNotifications(), deadLetters(), policies(), policyVersions(), secrets(), schemas(), worker + "-configs",
                worker + "-offsets", worker + "-status", connectorsChangelog());
    }

    /** The consumer groups named above (Kafka Streams' and the embedded worker's); a connector may join neither. */
    public Set<String> groups() {
        return Set.of(applicationId(), embeddedWorkerGroup());
    }

    /**
     * The topics a replica creates at start when they are missing, with their settings: the command
     * topic's partitions for the four partitioned topics and the connectors store's changelog
     * (compacted, as Kafka Streams would make it), one partition for the others.
     *
     * @param commandPartitions the partitions of the command, decision, lifecycle and observation topics
     * @param replication       the replication factor (the brokers, up to three)
     * @param withSchemas       whether the embedded schema registry's topic is among them
     */
    public List<NewTopic> toCreate(int commandPartitions, short replication, boolean withSchemas) {
        Map<String, String> durable = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync(replication));
        Map<String, String> durableLog = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync(replication));
        List<NewTopic> wanted = new ArrayList<>(List.of(
                new NewTopic(commands(), commandPartitions, replication).configs(commandTopic(replication)),
                new NewTopic(decisions(), commandPartitions, replication)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(TimeUnit.HOURS.toMillis(1)))),
                new NewTopic(lifecycle(), commandPartitions, replication).configs(durable),
                new NewTopic(observations(), commandPartitions, replication).configs(durable),
                new NewTopic(connectorsChangelog(), commandPartitions, replication).configs(durableLog),
                new NewTopic(deadLetters(), 1, replication),
                new NewTopic(pipelineNotifications(), 1, replication)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(TimeUnit.DAYS.toMillis(7)))),
                new NewTopic(reconcilerLeases(), 1, replication),
                new NewTopic(policies(), 1, replication).configs(durableLog),
                new NewTopic(policyVersions(), 1, replication).configs(durableLog),
                new NewTopic(replicaKeys(), 1, replication).configs(durableLog),
                new NewTopic(secrets(), 1, replication).configs(durableLog)));
        if (withSchemas) {
            wanted.add(schemaLog(schemas(), replication));
        }
        return wanted;
    }

    /**
     * The command topic's settings: durable, and each record's timestamp the time the broker appended it
     * ({@link #COMMAND_TIMESTAMPS}), which no writer chooses: the processor compares it with the
     * command's signed issue time ({@link CommandRecords}).
     */
    static Map<String, String> commandTopic(short replication) {
        return Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInSync(replication),
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, COMMAND_TIMESTAMPS);
    }

    /** The command topic's timestamps: the broker's append time. */
    public static final String COMMAND_TIMESTAMPS = "LogAppendTime";

    /** A schema registry's log: one partition (its order decides between writers), compacted. */
    public static NewTopic schemaLog(String name, short replication) {
        return new NewTopic(name, 1, replication).configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /** The replication factor of a topic made on a cluster of {@code brokers}: all of them, up to three. */
    public static short replication(int brokers) {
        return (short) Math.min(3, Math.max(1, brokers));
    }

    /** Writes to a durable topic wait for two copies where there are two. */
    private static String minInSync(short replication) {
        return String.valueOf(Math.min(2, replication));
    }

    /** The changelog topic Kafka Streams keeps for one of the topology's stores. */
    public String changelog(String store) {
        return applicationId() + "-" + store + "-changelog";
    }

    /** The connectors store's name: its changelog is made here, before Kafka Streams would make it ({@link #toCreate}). */
    public static final String CONNECTORS_STORE = "connectors";

    /**
     * The connectors store's changelog: every accepted change to a connector, whose record announces
     * it to the replicas (the decision listener reads it from its end before any command is sent,
     * so it is made with the topics here rather than by Kafka Streams at its first assignment).
     */
    public String connectorsChangelog() {
        return changelog(CONNECTORS_STORE);
    }
}
