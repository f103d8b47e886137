package io.switchboard.testing;

import io.switchboard.SwitchboardOptions;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.kafka.KafkaAcls;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.Topics;
import org.apache.kafka.clients.CommonClientConfigs;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A broker as the README's first command starts it: KRaft, SASL/PLAIN on every listener, Kafka's
 * StandardAuthorizer, the product's principals ({@link KafkaIdentities}) and their ACLs
 * ({@link KafkaAcls}), made by the same code. Every client of a test connects as one of those
 * principals: replicas with the settings files a user's replicas are given ({@code --kafka-config},
 * {@code --worker-kafka-config}), Connect workers as the worker, test data as the user, readers of
 * the lifecycle topic as the event consumers.
 */
public final class SecuredKafka implements AutoCloseable {
    private final Path dir;
    private final KafkaIdentities identities;
    private final EmbeddedKafka broker;

    private SecuredKafka(Path dir, KafkaIdentities identities, EmbeddedKafka broker) {
        this.dir = dir;
        this.identities = identities;
        this.broker = broker;
    }

    /** A secured broker on any free port, its data and principals in {@code dir}, with the ACLs of the default prefix. */
    public static SecuredKafka start(Path dir) {
        return start(dir, 0, Topics.DEFAULT);
    }

    /** The same on {@code port} (0: any free one), with the ACLs of {@code topics}' prefix. */
    public static SecuredKafka start(Path dir, int port, Topics topics) {
        KafkaIdentities identities = KafkaIdentities.loadOrCreate(dir);
        EmbeddedKafka broker = new EmbeddedKafka(dir, port).secured(identities, KafkaAcls.all(topics)).start();
        identities.writeUserFile(broker.bootstrapServers());
        identities.writeEventsFile(broker.bootstrapServers());
        return new SecuredKafka(dir, identities, broker);
    }

    /** Adds the ACLs of another deployment's topic prefix, as the product makes them for its own. */
    public SecuredKafka grant(Topics topics) {
        try {
            broker.grant(KafkaAcls.all(topics));
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the ACLs of " + topics.prefix() + ": " + e.getMessage(), e);
        }
        return this;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public EmbeddedKafka broker() {
        return broker;
    }

    /** Where the principals' settings files are kept. */
    public Path dir() {
        return dir;
    }

    /** A principal's client settings, bootstrap servers included ({@link KafkaIdentities#CONTROL_PLANE}, ...). */
    public Map<String, Object> client(String principal) {
        Map<String, Object> settings = new LinkedHashMap<>(identities.clientSettings(principal));
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return settings;
    }

    /** The same settings with more of a client's own over them. */
    public Map<String, Object> client(String principal, Map<String, ?> more) {
        Map<String, Object> settings = client(principal);
        settings.putAll(more);
        return settings;
    }

    /** The product's client factory as a principal. */
    public KafkaClients clients(String principal) {
        return new KafkaClients(bootstrapServers(), identities.clientSettings(principal));
    }

    /** Switchboard's own clients' settings file, as a user gives it with {@code --kafka-config}. */
    public Path controlPlaneFile() {
        return dir.resolve(KafkaIdentities.CONTROL_PLANE_FILE);
    }

    /** The Connect worker's settings file, as a user gives it with {@code --worker-kafka-config}. */
    public Path workerFile() {
        return dir.resolve(KafkaIdentities.WORKER_FILE);
    }

    /** The event consumers' settings file (with the bootstrap servers). */
    public Path eventsFile() {
        return dir.resolve(KafkaIdentities.EVENTS_FILE);
    }

    /**
     * A replica's options on this broker: its bootstrap servers, and the control plane's and the
     * worker's settings given with {@code --kafka-config} and {@code --worker-kafka-config} and
     * their files, unless the options hold settings of their own. Security options given already
     * (users, TLS) are kept.
     */
    public SwitchboardOptions replica(SwitchboardOptions options) {
        OptionsBuilder replica = OptionsBuilder.from(options).bootstrapServers(bootstrapServers());
        if (options.security().kafkaProperties() == null) {
            replica.flags("--kafka-config", controlPlaneFile().toString());
        }
        if (options.security().workerKafkaProperties() == null) {
            replica.flags("--worker-kafka-config", workerFile().toString());
        }
        return replica.build();
    }

    /** The command-line flags a replica process is started with on this broker. */
    public List<String> replicaFlags() {
        return List.of("--bootstrap-servers", bootstrapServers(), "--kafka-config", controlPlaneFile().toString(),
                "--worker-kafka-config", workerFile().toString());
    }

    /**
     * A Connect worker's properties as a user's worker is given them: its own clients as the worker's
     * principal, its connectors' as theirs ({@link KafkaIdentities#workerSettings}).
     */
    public Map<String, String> workerProperties(Map<String, String> own) {
        return new KafkaClients(bootstrapServers(), identities.workerSettings()).forWorker(own);
    }

    @Override
    public void close() {
        broker.close();
    }
}
