package io.switchboard.rules;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The settings a connector may give a Kafka client, as allowlists (part of the built-in policy
 * {@value ConnectorPolicies#CLIENT_OVERRIDES}). A Kafka client reads files (key and trust stores,
 * a JAAS login module's key tab), loads classes (serializers, interceptors, metric reporters, login
 * and callback handlers) and connects where and as whom it is told: a list of what is refused
 * would miss the next such setting, so what is allowed is named here, and everything else is
 * refused.
 * <ul>
 *   <li>{@link #TUNABLES}: how much, how often, how long, and the client's name and group. Kafka
 *       Connect's overrides ({@code producer.override.}, {@code consumer.override.},
 *       {@code admin.override.}) may give these only: the connector's clients connect where and as
 *       whom the worker does.</li>
 *   <li>{@link #CONNECTION}: where and as whom, without a file or a class: the bootstrap servers, a
 *       security protocol, a SASL mechanism with {@link #LOGIN_MODULES} (a user name and a
 *       password), and trust given inline as PEM. Allowed, beside the tunables, to the clients a
 *       connector makes of its own to a cluster it names: Debezium's signal consumer and schema
 *       history ({@link #OWN_CLIENT_PREFIXES}), MirrorMaker's source and target clusters
 *       ({@link #MIRROR_PREFIXES}, in a MirrorMaker connector's config).</li>
 * </ul>
 * A pure function.
 */
public final class KafkaClientKeys {
    /**
     * The embedded worker's own allowlist of overrides (Kafka Connect's {@code Allowlist} policy): the
     * tunables below but the client's and group's names, which are identities there (quotas are kept
     * by client id; a group is a principal's to use).
     */
    public static final List<String> OVERRIDABLE = List.of(
            "acks", "batch.size", "buffer.memory", "compression.type", "compression.gzip.level", "compression.lz4.level",
            "compression.zstd.level", "delivery.timeout.ms", "enable.idempotence", "linger.ms", "max.block.ms",
            "max.in.flight.requests.per.connection", "max.request.size", "request.timeout.ms", "retries", "retry.backoff.ms",
            "retry.backoff.max.ms", "auto.offset.reset", "fetch.max.bytes", "fetch.max.wait.ms", "fetch.min.bytes",
            "heartbeat.interval.ms", "isolation.level", "max.partition.fetch.bytes", "max.poll.interval.ms", "max.poll.records",
            "session.timeout.ms", "metadata.max.age.ms", "receive.buffer.bytes", "send.buffer.bytes");
    /** Client settings that say nothing of where, as whom, or what code: allowed under every client prefix. */
    public static final Set<String> TUNABLES = Set.of(
            // any client
            "client.id", "request.timeout.ms", "retry.backoff.ms", "retry.backoff.max.ms", "reconnect.backoff.ms",
            "reconnect.backoff.max.ms", "connections.max.idle.ms", "metadata.max.age.ms", "receive.buffer.bytes",
            "send.buffer.bytes", "socket.connection.setup.timeout.ms", "socket.connection.setup.timeout.max.ms",
            "metrics.num.samples", "metrics.sample.window.ms", "metrics.recording.level", "default.api.timeout.ms", "retries",
            // consumers
            "group.id", "group.instance.id", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.records",
            "max.poll.interval.ms", "fetch.min.bytes", "fetch.max.bytes", "fetch.max.wait.ms", "max.partition.fetch.bytes",
            "auto.offset.reset", "enable.auto.commit", "auto.commit.interval.ms", "isolation.level", "allow.auto.create.topics",
            "check.crcs", "exclude.internal.topics", "client.rack",
            // producers
            "acks", "linger.ms", "batch.size", "compression.type", "compression.gzip.level", "compression.lz4.level",
            "compression.zstd.level", "max.request.size", "delivery.timeout.ms", "max.block.ms", "buffer.memory",
            "enable.idempotence", "max.in.flight.requests.per.connection", "partitioner.ignore.keys",
            "partitioner.adaptive.partitioning.enable", "partitioner.availability.timeout.ms");
    /** Where and as whom, with no file and no class: allowed to the clients a connector makes of its own. */
    public static final Set<String> CONNECTION = Set.of("bootstrap.servers", "client.dns.lookup", "security.protocol",
            "sasl.mechanism", "sasl.jaas.config", "ssl.endpoint.identification.algorithm", "ssl.protocol",
            "ssl.enabled.protocols", "ssl.truststore.type", "ssl.truststore.certificates");
    /** The JAAS login modules {@code sasl.jaas.config} may name: a user name and a password, nothing read from a file. */
    public static final Set<String> LOGIN_MODULES = Set.of("org.apache.kafka.common.security.plain.PlainLoginModule",
            "org.apache.kafka.common.security.scram.ScramLoginModule");
    /** The SASL mechanisms those modules serve. */
    static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    /** Prefixes of the Kafka clients Debezium makes of its own, judged in any config. */
    public static final List<String> OWN_CLIENT_PREFIXES = List.of("signal.consumer.", "schema.history.internal.consumer.",
            "schema.history.internal.producer.");
    /** Prefixes of MirrorMaker's clients, in a MirrorMaker connector's config; a client's own prefix may follow. */
    public static final List<String> MIRROR_PREFIXES = List.of("source.cluster.", "target.cluster.", "source.consumer.",
            "source.producer.", "source.admin.", "target.consumer.", "target.producer.", "target.admin.", "consumer.", "producer.",
            "admin.");
    private static final List<String> CLIENTS = List.of("consumer.", "producer.", "admin.");
    private static final String MIRROR = "org.apache.kafka.connect.mirror.";

    private KafkaClientKeys() {
    }

    /**
     * What is wrong with a key of a client a connector makes of its own (Debezium's, MirrorMaker's),
     * or null when the key is none of theirs or within the allowlists.
     */
    static String ownClientProblem(String key, String value, String connectorClass) {
        String setting = null;
        for (String prefix : OWN_CLIENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                setting = key.substring(prefix.length());
            }
        }
        if (setting == null && ConnectorClasses.canonical(connectorClass).startsWith(MIRROR)
                && ConnectorPolicies.CLIENT_PREFIXES.stream().noneMatch(key::startsWith)) {
            for (String prefix : MIRROR_PREFIXES) {
                if (key.startsWith(prefix)) {
                    setting = key.substring(prefix.length());
                    for (String client : CLIENTS) {
                        if (!prefix.equals(client) && setting.startsWith(client)) {
                            setting = setting.substring(client.length());
                        }
                    }
                    break;
                }
            }
            if (setting != null && key.endsWith(".cluster.alias")) {
                return null;
            }
        }
        if (setting == null) {
            return null;
        }
        if (TUNABLES.contains(setting)) {
            return null;
        }
        if (!CONNECTION.contains(setting)) {
            return key + " is not among the Kafka client settings a connector may give (how much, how often, how long; "
                    + "where and as whom without a file or a class): a client's files, classes and logins are refused";
        }
        String given = value == null ? "" : value.trim();
        if (setting.equals("sasl.mechanism") && !given.isEmpty() && !MECHANISMS.contains(given.toUpperCase(Locale.ROOT))) {
            return key + " names the SASL mechanism " + given + ": only " + String.join(", ", new java.util.TreeSet<>(MECHANISMS))
                    + " are allowed";
        }
        if (setting.equals("sasl.jaas.config") && !given.isEmpty()) {
            String module = given.split("\\s+", 2)[0];
            if (!LOGIN_MODULES.contains(module)) {
                return key + " names the login module " + module + ": only " + String.join(" and ", new java.util.TreeSet<>(LOGIN_MODULES))
                        + " (a user name and a password) are allowed";
            }
        }
        if (setting.equals("ssl.truststore.type") && !given.isEmpty() && !given.equalsIgnoreCase("PEM")) {
            return key + " is " + given + ": trust is given inline (ssl.truststore.type PEM, ssl.truststore.certificates), "
                    + "never as a file of the worker's";
        }
        return null;
    }

    /** What is wrong with a setting given under Kafka Connect's override prefixes, or null. */
    static boolean overrideAllowed(String setting) {
        return TUNABLES.contains(setting);
    }
}
