package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.kafka.KafkaAcls;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafka.KafkaPrincipals;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.KafkaRefusals;
import io.switchboard.kafkaio.TopicSetup;
import io.switchboard.kafkaio.Topics;
import org.apache.kafka.clients.admin.Admin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Kafka as a replica uses it: the embedded broker when it runs one (every client authenticated and
 * authorized by its principal; a user's and an event consumer's settings written to the data
 * directory), the settings of the control plane's Kafka clients and of the embedded worker's, the
 * admin client, and the topics, created at start. Owns the broker, which stops last, and the admin
 * client, which stops with the command processor.
 */
final class KafkaAssembly {
    private final SwitchboardOptions options;
    private final Path dataDir;
    private final Topics topics;
    private final StartupSteps steps;
    private final ShutdownOrder.Part owned;
    private String bootstrapServers;
    private KafkaClients clients;
    private KafkaClients workerClients;
    private Admin admin;
    private String clusterId;
    /** Where a user's Kafka client, and an event consumer, find their settings for the embedded broker; null on an external Kafka. */
    private Path userKafkaFile, eventsKafkaFile;
    private volatile boolean workerMayWriteCommands;

    KafkaAssembly(SwitchboardOptions options, Path dataDir, Topics topics, StartupSteps steps, ShutdownOrder.Part owned) {
        this.options = options;
        this.dataDir = dataDir;
        this.topics = topics;
        this.steps = steps;
        this.owned = owned;
        this.bootstrapServers = options.bootstrapServers();
    }

    /** Starts the embedded broker when there is one, and creates the topics that are missing. */
    KafkaAssembly start() {
        // The embedded broker authenticates every client and authorizes it by its principal.
        KafkaIdentities identities = options.embeddedKafka() ? KafkaIdentities.loadOrCreate(dataDir) : null;
        if (options.embeddedKafka()) {
            EmbeddedKafka broker = steps.time("embedded broker", () -> owned.add(Stage.BROKER, new EmbeddedKafka(dataDir, options.kafkaPort())
                    .secured(identities, KafkaAcls.all(topics)).start()));
            bootstrapServers = broker.bootstrapServers();
            userKafkaFile = identities.writeUserFile(bootstrapServers);
            eventsKafkaFile = identities.writeEventsFile(bootstrapServers);
        }
        // What every Kafka client Switchboard makes gets besides its own settings (SASL, SSL: --kafka-property);
        // the embedded worker and its connectors' clients are another principal, with settings of their own.
        Map<String, String> controlPlane = KafkaPrincipals.controlPlane(identities, options.security().kafkaSettings());
        clients = new KafkaClients(bootstrapServers, controlPlane);
        workerClients = new KafkaClients(bootstrapServers, KafkaPrincipals.worker(identities, options.security().workerKafkaSettings(),
                controlPlane, DataPlaneAssembly.embedsWorker(options))).named(KafkaRefusals.WORKER_SETTINGS);
        Admin admin = clients.admin(Map.of());
        this.admin = admin;
        // Closed without waiting out its calls still pending (a start that stops because Kafka refused it has some, up to a minute each).
        owned.add(Stage.PROCESSOR, () -> admin.close(Duration.ofSeconds(5)));
        clusterId = steps.time("topics", () -> TopicSetup.ensure(clients, admin, topics, options.commandPartitions(),
                options.embeddedSchemaRegistry()));
        if (DataPlaneAssembly.embedsWorker(options) || !workerClients.common().isEmpty()) {
            // Asked as the worker, while the rest starts: a worker that may write the commands is warned of.
            steps.async("worker principal check", () -> workerMayWriteCommands = KafkaPrincipals.workerMayWrite(workerClients, topics.commands()));
        }
        return this;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** How the control plane's Kafka clients are made. */
    KafkaClients clients() {
        return clients;
    }

    /** How the embedded worker's and its connectors' Kafka clients are made: another principal than {@link #clients}'. */
    KafkaClients workerClients() {
        return workerClients;
    }

    Admin admin() {
        return admin;
    }

    /** The Kafka cluster's id. */
    String clusterId() {
        return clusterId;
    }

    /** Whether the Connect worker's Kafka principal may write the command topic (checked at start; it should not). */
    boolean workerMayWriteCommands() {
        return workerMayWriteCommands;
    }

    /** Where the embedded broker's users find their settings, as the start's last line tells it; empty on an external Kafka. */
    String settingsFiles() {
        return userKafkaFile == null ? "" : ", a Kafka client's settings in " + userKafkaFile
                + ", a lifecycle events consumer's in " + eventsKafkaFile;
    }
}
