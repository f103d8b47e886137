package io.switchboard.kafkaio;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * How every Kafka client of a replica is made: the bootstrap servers, the settings every client
 * gets (SASL, SSL: {@code --kafka-property}) and, over them, the client's own. Every consumer,
 * producer, admin client and Kafka Streams instance of the product is made from one of these, so
 * none can miss the settings (on a Kafka that asks for credentials, one client without them keeps
 * the replica from starting).
 *
 * <p>Invariants: the common settings never name the bootstrap servers (they are given once, here);
 * a client's own settings win over the common ones, and the bootstrap servers over both. Immutable
 * and thread-safe.
 */
public final class KafkaClients {
    private final String bootstrapServers;
    private final Map<String, String> common;
    private final String settingsName;

    /**
     * @param bootstrapServers where the clients reach Kafka
     * @param common           settings every client gets under its own (security, for one)
     */
    public KafkaClients(String bootstrapServers, Map<String, String> common) {
        this(bootstrapServers, common, KafkaRefusals.CONTROL_PLANE_SETTINGS);
    }

    private KafkaClients(String bootstrapServers, Map<String, String> common, String settingsName) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("Kafka clients need the bootstrap servers");
        }
        if (common.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("give the bootstrap servers on their own, not among the common settings");
        }
        this.bootstrapServers = bootstrapServers;
        this.common = Map.copyOf(common);
        this.settingsName = settingsName;
    }

    /**
     * These clients, with the options that give them their settings named {@code settingsName}
     * (what a refusal by Kafka tells the operator to set); {@link KafkaRefusals#CONTROL_PLANE_SETTINGS} unless said.
     */
    public KafkaClients named(String settingsName) {
        return new KafkaClients(bootstrapServers, common, settingsName);
    }

    /** The options that give these clients their settings, as a refusal names them. */
    public String settingsName() {
        return settingsName;
    }

    /** Clients with no settings beyond their own (a broker that asks for none). */
    public static KafkaClients of(String bootstrapServers) {
        return new KafkaClients(bootstrapServers, Map.of());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The settings every client gets, as given. */
    public Map<String, String> common() {
        return common;
    }

    /** A client's whole settings: the common ones, its own over them, and the bootstrap servers. */
    public Map<String, Object> settings(Map<String, ?> own) {
        Map<String, Object> all = new HashMap<>(common);
        all.putAll(own);
        all.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return all;
    }

    /** {@link #settings} as properties (Kafka Streams takes these). */
    public Properties properties(Map<?, ?> own) {
        Properties all = new Properties();
        all.putAll(common);
        all.putAll(own);
        all.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return all;
    }

    public <K, V> KafkaConsumer<K, V> consumer(Map<String, ?> own, Deserializer<K> keys, Deserializer<V> values) {
        return new KafkaConsumer<>(settings(own), keys, values);
    }

    public <K, V> KafkaProducer<K, V> producer(Map<String, ?> own, Serializer<K> keys, Serializer<V> values) {
        return new KafkaProducer<>(settings(own), keys, values);
    }

    public Admin admin(Map<String, ?> own) {
        return Admin.create(settings(own));
    }

    /**
     * A Kafka Connect worker's settings: the common ones as they are for its own clients, and with
     * the {@code producer.}, {@code consumer.} and {@code admin.} prefixes for its connectors'
     * clients, unless the common ones give those prefixed settings themselves (the connectors as a
     * principal of their own); the worker's own settings over them, and the bootstrap servers.
     */
    public Map<String, String> forWorker(Map<String, String> own) {
        List<String> prefixes = List.of("producer.", "consumer.", "admin.");
        Map<String, String> all = new LinkedHashMap<>(common);
        common.forEach((key, value) -> {
            if (prefixes.stream().noneMatch(key::startsWith)) {
                prefixes.forEach(prefix -> all.putIfAbsent(prefix + key, value));
            }
        });
        all.putAll(own);
        all.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return all;
    }
}
