package io.switchboard.registry;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A single-node KRaft Kafka (broker and controller in one) for tests, in a temporary directory,
 * secured as Switchboard's embedded broker is: SASL/PLAIN on every listener and Kafka's
 * StandardAuthorizer, the registry's clients a super user ({@link #registrySettings}), a client
 * without credentials or ACLs refused. {@link #shared()} starts one per test JVM, shared by every
 * test class and stopped at exit; tests keep apart by using topics of their own.
 */
public final class TestKafka implements AutoCloseable {
    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String BROKER_PASSWORD = java.util.UUID.randomUUID().toString();
    private static final String REGISTRY_PASSWORD = java.util.UUID.randomUUID().toString();
    private static TestKafka shared;

    private final Path logDir;
    private final int port = freePort();
    private final int controllerPort = freePort();
    private KafkaRaftServer server;

    private TestKafka(Path logDir) {
        this.logDir = logDir;
    }

    /** The broker shared by all tests of this JVM, started on first use. */
    public static synchronized TestKafka shared() {
        if (shared == null) {
            try {
                TestKafka kafka = new TestKafka(Files.createTempDirectory("switchboard-schemas-kafka"));
                kafka.start();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "test-kafka-shutdown"));
                shared = kafka;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    private void start() {
        Map<String, Object> props = new HashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listeners", "CLIENTS://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "CLIENTS://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        props.put("inter.broker.listener.name", "CLIENTS");
        props.put("sasl.enabled.mechanisms", "PLAIN");
        props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        props.put("sasl.mechanism.controller.protocol", "PLAIN");
        String jaas = PLAIN + " required username=\"broker\" password=\"" + BROKER_PASSWORD + "\" user_broker=\""
                + BROKER_PASSWORD + "\" user_registry=\"" + REGISTRY_PASSWORD + "\";";
        props.put("listener.name.clients.plain.sasl.jaas.config", jaas);
        props.put("listener.name.controller.plain.sasl.jaas.config", jaas);
        props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        props.put("super.users", "User:broker;User:registry");
        props.put("allow.everyone.if.no.acl.found", "false");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setIgnoreFormatted(true)
                    .run();
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the test Kafka broker in " + logDir + ": " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The registry's Kafka client settings (SASL/PLAIN, a super user), as a replica gives them. */
    public Map<String, String> registrySettings() {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", PLAIN + " required username=\"registry\" password=\"" + REGISTRY_PASSWORD + "\";");
    }

    /** The same with the bootstrap servers, for a client of a test's own. */
    public Map<String, Object> client() {
        Map<String, Object> all = new HashMap<>(registrySettings());
        all.put("bootstrap.servers", bootstrapServers());
        return all;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            deleteQuietly(logDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory; the OS cleans it eventually
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
