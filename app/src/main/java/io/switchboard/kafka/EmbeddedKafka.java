package io.switchboard.kafka;

import io.switchboard.kafkaio.KafkaClients;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft Kafka (broker and controller in one process) whose data lives in a directory.
 * The directory is formatted once, with a cluster id kept beside the log, so the broker comes back
 * with its topics after a restart or a kill -9. As constructed it is a plain broker (PLAINTEXT, no
 * authorizer), for tests and benchmarks that do not care who its clients are; {@link #secured}
 * makes it the one Switchboard embeds by default, which authenticates and authorizes every client.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    /** Listeners beyond PLAINTEXT, by name: the port each binds and the port its clients are told to use. */
    private final Map<String, int[]> networks = new LinkedHashMap<>();
    /** Listeners that take SASL/PLAIN, by name: the users and passwords each accepts. */
    private final Map<String, Map<String, String>> saslListeners = new LinkedHashMap<>();
    /** The principals of a broker that authenticates and authorizes every client ({@link #secured}); null: a plain broker. */
    private KafkaIdentities identities;
    private List<AclBinding> acls = List.of();
    private KafkaRaftServer server;

    public EmbeddedKafka(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port == 0 ? freePort() : port;
        // Each free port is closed when picked: the OS can hand the same one out twice in a row.
        int controller = freePort();
        while (controller == this.port) {
            controller = freePort();
        }
        this.controllerPort = controller;
    }

    /**
     * Another listener, for clients on a network of their own: it binds {@code port} and tells its
     * clients to reach the broker at {@code advertisedPort} (a proxy in front of it, as a broker
     * behind NAT is reached), so that every connection those clients make passes that way.
     */
    public EmbeddedKafka withListener(String name, int port, int advertisedPort) {
        networks.put(name, new int[]{port, advertisedPort});
        return this;
    }

    /**
     * A listener that takes only SASL/PLAIN (over plain TCP) from one user, as a managed Kafka
     * asks for credentials: for checking that every client a replica makes carries the settings
     * given with {@code --kafka-property}. Its clients are told to reach it at the port it binds.
     */
    public EmbeddedKafka withSaslListener(String name, int port, String user, String password) {
        return withSaslListener(name, port, Map.of(user, password));
    }

    /** A listener that takes only SASL/PLAIN from the users given (name to password). */
    public EmbeddedKafka withSaslListener(String name, int port, Map<String, String> users) {
        networks.put(name, new int[]{port, port});
        saslListeners.put(name, Map.copyOf(users));
        return this;
    }

    /**
     * Makes this the broker Switchboard embeds by default: every listener, the controller's and the
     * inter-broker one included, takes only SASL/PLAIN from the {@code identities}, and Kafka's own
     * authorizer (StandardAuthorizer) lets the broker and the control plane do anything (super
     * users) and everyone else only what {@code acls} grant; with no ACL, nothing. The ACLs are
     * added at each start (adding one that is there changes nothing).
     */
    public EmbeddedKafka secured(KafkaIdentities identities, List<AclBinding> acls) {
        if (!networks.isEmpty()) {
            throw new IllegalStateException("a secured broker has its one listener");
        }
        this.identities = identities;
        this.acls = List.copyOf(acls);
        return this;
    }

    public EmbeddedKafka start() {
        try {
            Path logDir = dataDir.resolve("kafka");
            Files.createDirectories(logDir);
            String clusterId = clusterId();
            Map<String, Object> props = brokerProperties(logDir);
            KafkaConfig config = new KafkaConfig(props, false);
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                new Formatter()
                        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                        .setClusterId(clusterId)
                        .setNodeId(1)
                        .setControllerListenerName("CONTROLLER")
                        .setMetadataLogDirectory(logDir.toString())
                        .setDirectories(List.of(logDir.toString()))
                        .setReleaseVersion(MetadataVersion.latestProduction())
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setIgnoreFormatted(true)
                        .run();
            }
            server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            if (identities != null) {
                grant(acls);
            }
            log.info("Embedded Kafka listening on {} ({}; data in {})", bootstrapServers(),
                    identities == null ? "PLAINTEXT, no authentication" : "SASL/PLAIN, ACLs", logDir);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private Map<String, Object> brokerProperties(Path logDir) {
        Map<String, Object> p = new HashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        commonProperties(p, logDir);
        if (identities != null) {
            securedListeners(p);
            return p;
        }
        StringBuilder listeners = new StringBuilder("PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        StringBuilder advertised = new StringBuilder("PLAINTEXT://127.0.0.1:" + port);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        networks.forEach((name, ports) -> {
            listeners.append(',').append(name).append("://127.0.0.1:").append(ports[0]);
            advertised.append(',').append(name).append("://127.0.0.1:").append(ports[1]);
            protocols.append(',').append(name).append(saslListeners.containsKey(name) ? ":SASL_PLAINTEXT" : ":PLAINTEXT");
        });
        if (!saslListeners.isEmpty()) {
            p.put("sasl.enabled.mechanisms", "PLAIN");
            saslListeners.forEach((name, users) -> {
                StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
                users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
                p.put("listener.name." + name.toLowerCase(java.util.Locale.ROOT) + ".plain.sasl.jaas.config", jaas.append(';').toString());
            });
        }
        p.put("listeners", listeners.toString());
        p.put("advertised.listeners", advertised.toString());
        p.put("listener.security.protocol.map", protocols.toString());
        p.put("inter.broker.listener.name", "PLAINTEXT");
        return p;
    }

    /**
     * Two listeners, both SASL/PLAIN over loopback TCP: the clients' (also the inter-broker one),
     * which takes every principal, and the controller's, which takes only the broker. No listener
     * takes a client without credentials, so none maps a local process to a super user.
     */
    private void securedListeners(Map<String, Object> p) {
        p.put("listeners", "CLIENTS://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "CLIENTS://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "CLIENTS:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT");
        p.put("inter.broker.listener.name", "CLIENTS");
        p.put("sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.clients.plain.sasl.jaas.config", identities.listenerJaas(KafkaIdentities.PRINCIPALS));
        p.put("listener.name.controller.plain.sasl.jaas.config", identities.listenerJaas(List.of(KafkaIdentities.BROKER)));
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + KafkaIdentities.BROKER + ";User:" + KafkaIdentities.CONTROL_PLANE);
        p.put("allow.everyone.if.no.acl.found", "false");
    }

    /**
     * Adds ACLs to a running secured broker, as the broker's own principal: those of another
     * deployment's topic prefix sharing it ({@link KafkaAcls#all}), for one.
     */
    public void grant(List<AclBinding> more) throws Exception {
        if (identities == null) {
            throw new IllegalStateException("a plain broker authorizes nobody");
        }
        try (Admin client = new KafkaClients(bootstrapServers(), identities.clientSettings(KafkaIdentities.BROKER)).admin(Map.of())) {
            client.createAcls(more).all().get(120, TimeUnit.SECONDS);
        }
    }

    private void commonProperties(Map<String, Object> p, Path logDir) {
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // As a stock broker does: connectors may write to topics nobody created beforehand.
        p.put("auto.create.topics.enable", "true");
        // Exactly-once producers add partitions to a transaction on every commit; the default 20 ms
        // back-off sits straight on the command latency.
        p.put("add.partitions.to.txn.retry.backoff.ms", "1");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    }

    /** The cluster id is chosen once per data directory and kept beside it. */
    private String clusterId() throws IOException {
        Path idFile = dataDir.resolve("cluster.id");
        if (Files.exists(idFile)) {
            return Files.readString(idFile, StandardCharsets.UTF_8).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(idFile, id, StandardCharsets.UTF_8);
        return id;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
