package io.switchboard.api;

import io.switchboard.SwitchboardApp;
import io.switchboard.examples.LifecycleConsumer;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded default (what {@code java -jar switchboard.jar} runs) on its own broker, which
 * authenticates every client and authorizes it by its principal: a client without credentials
 * cannot write the command topic; the Connect worker's principal (as the app keeps its settings
 * beside the data) may use ordinary topics and runs connectors, but cannot touch Switchboard's;
 * the user's client settings file serves test data only. A replica whose worker principal may write
 * the command topic says so at start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaIdentitiesTest {
    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private Path dir;
    private SwitchboardApp app;
    private AbstractAppender capture;

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("switchboard-identities");
        capture = new AbstractAppender("identities-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logLines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage()
                        + (event.getThrown() == null ? "" : " " + event.getThrown()));
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        context.updateLoggers();
        // The clients' and the broker's configs, as Kafka logs them at start, are captured too.
        Configurator.setLevel("io.switchboard", Level.INFO);
        Configurator.setLevel("org.apache.kafka", Level.INFO);
        Configurator.setLevel("kafka", Level.INFO);
        app = SwitchboardApp.start(TestReplicas.defaults().port(0).kafkaPort(0).schemaRegistryPort(0)
                .dataDir(dir).embeddedWorker(true).commandTimeout(Duration.ofSeconds(60)).build());
    }

    @AfterAll
    void stop() {
        Configurator.setLevel("io.switchboard", Level.WARN);
        Configurator.setLevel("org.apache.kafka", Level.WARN);
        Configurator.setLevel("kafka", Level.WARN);
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender("identities-capture");
        context.updateLoggers();
        if (app != null) {
            app.close();
        }
        SwitchboardFixture.deleteQuietly(dir);
    }

    @Test
    void aClientWithoutCredentialsCannotWriteTheCommandTopic() {
        Map<String, Object> plain = Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, app.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(plain, new StringSerializer(), new StringSerializer())) {
            assertThrows(Exception.class,
                    () -> producer.send(new ProducerRecord<>("switchboard.commands", "default/x", "forged")).get(10, TimeUnit.SECONDS),
                    "a client without credentials wrote the command topic");
        }
    }

    @Test
    void theWorkersPrincipalCannotTouchSwitchboardsTopicsButUsesOrdinaryOnes() throws Exception {
        Map<String, Object> worker = kept(KafkaIdentities.WORKER_FILE);
        try (KafkaProducer<String, String> producer = producer(worker)) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("switchboard.commands", "default/x", "forged")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), refused.toString());
            producer.send(new ProducerRecord<>("worker-ordinary", "k", "v")).get(60, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = consumer(worker)) {
            consumer.assign(List.of(new TopicPartition("switchboard.replica-keys", 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThrows(TopicAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)),
                    "the worker's principal read the replicas' keys");
        }
        try (KafkaConsumer<String, String> consumer = consumer(worker)) {
            consumer.assign(List.of(new TopicPartition("switchboard-connectors-changelog", 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThrows(TopicAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)),
                    "the worker's principal read a store's changelog");
        }
        assertFalse(app.workerMayWriteCommands(), "the start check found the worker may write the command topic");
    }

    /**
     * The worker's connectors are a principal of their own (the settings Connect gives their clients,
     * {@code producer.}, {@code consumer.}, {@code admin.}, in the worker's settings file): they may
     * write ordinary topics but not the worker's config, offset or status topics, which would let one
     * stop, reconfigure or rewind another team's connectors.
     */
    @Test
    void theWorkersConnectorsAreKeptOffTheWorkersOwnTopics() throws Exception {
        Map<String, Object> file = kept(KafkaIdentities.WORKER_FILE);
        Map<String, Object> connectors = new HashMap<>();
        file.forEach((key, value) -> {
            if (key.startsWith("producer.")) {
                connectors.put(key.substring("producer.".length()), value);
            }
        });
        assertTrue(String.valueOf(connectors.get("sasl.jaas.config")).contains("username=\"" + KafkaIdentities.CONNECTORS + "\""),
                "a connector's producer logs in as the connectors' principal");
        assertTrue(String.valueOf(file.get("sasl.jaas.config")).contains("username=\"" + KafkaIdentities.WORKER + "\""),
                "the worker's own clients as the worker");
        connectors.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, app.bootstrapServers());
        try (KafkaProducer<String, String> producer = producer(connectors)) {
            producer.send(new ProducerRecord<>("connectors-ordinary", "k", "v")).get(60, TimeUnit.SECONDS);
            for (String workers : List.of("switchboard-connect-configs", "switchboard-connect-offsets", "switchboard-connect-status")) {
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>(workers, "target-state-victim", "{}")).get(30, TimeUnit.SECONDS), workers);
                assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), refused.toString());
            }
        }
    }

    @Test
    void theEmbeddedWorkerRunsAFileStreamConnectorUnderItsOwnPrincipal() throws Exception {
        Path input = io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-in.txt");
        Files.writeString(input, "first line\nsecond line\n");
        SwitchboardFixture.Answer created = SwitchboardFixture.call(app.url(), "POST", "/connectors",
                "{\"name\":\"lines\",\"config\":{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\","
                        + "\"file\":\"" + input + "\",\"topic\":\"identities-lines\",\"tasks.max\":\"1\"}}");
        assertEquals(201, created.status(), created.body());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(kept(KafkaIdentities.USER_FILE))) {
            Await.atMost(Duration.ofSeconds(120)).until("the file's lines in the connector's topic", () -> {
                if (consumer.assignment().isEmpty()) {
                    if (consumer.partitionsFor("identities-lines", Duration.ofSeconds(5)).isEmpty()) {
                        return false;
                    }
                    consumer.assign(List.of(new TopicPartition("identities-lines", 0)));
                    consumer.seekToBeginning(consumer.assignment());
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
                return values.size() >= 2;
            });
        }
        assertEquals(List.of("\"first line\"", "\"second line\""), values);

        // A connector's own clients are the worker's principal: one that names the command topic gets no
        // record into it (refused when created, or its task fails on the topic's authorization).
        SwitchboardFixture.Answer forged = SwitchboardFixture.call(app.url(), "POST", "/connectors",
                "{\"name\":\"forger\",\"config\":{\"connector.class\":\"org.apache.kafka.connect.file.FileStreamSourceConnector\","
                        + "\"file\":\"" + input + "\",\"topic\":\"switchboard.commands\",\"tasks.max\":\"1\"}}");
        if (forged.status() == 201) {
            Await.atMost(Duration.ofSeconds(120)).until("the forger's task failing on the command topic", () -> {
                SwitchboardFixture.Answer status = SwitchboardFixture.call(app.url(), "GET", "/connectors/forger/status", null);
                return status.status() == 200 && "FAILED".equals(status.json().path("tasks").path(0).path("state").asText())
                        && status.json().path("tasks").path(0).path("trace").asText().contains("TopicAuthorizationException");
            });
        } else {
            assertEquals(400, forged.status() / 100 * 100, forged.body());
        }
    }

    @Test
    void theUsersClientFileServesTestDataButNotSwitchboardsTopics() throws Exception {
        Path file = dir.resolve(KafkaIdentities.USER_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(KafkaIdentities.FILE))));
        Map<String, Object> user = kept(KafkaIdentities.USER_FILE);
        assertEquals(app.bootstrapServers(), user.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        try (KafkaProducer<String, String> producer = producer(user)) {
            producer.send(new ProducerRecord<>("test-data", "k", "hello")).get(60, TimeUnit.SECONDS);
            for (String owned : List.of("switchboard.commands", "switchboard-connect-offsets")) {
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>(owned, "k", "forged")).get(30, TimeUnit.SECONDS), owned);
                assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), refused.toString());
            }
        }
        try (KafkaConsumer<String, String> consumer = consumer(user)) {
            consumer.assign(List.of(new TopicPartition("test-data", 0)));
            consumer.seekToBeginning(consumer.assignment());
            List<String> read = new ArrayList<>();
            Await.atMost(Duration.ofSeconds(30)).until("the test record read back", () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> read.add(record.value()));
                return read.contains("hello");
            });
        }
    }

    /**
     * Another team's consumer of lifecycle events, as docs/events.md runs it: the settings file the
     * replica writes beside its data reads the lifecycle topic (read_committed, no group, or a group
     * of the events prefix), and nothing else of the control plane's.
     */
    @Test
    void anEventConsumerReadsTheLifecycleTopicWithItsSettingsFileAndNothingElse() throws Exception {
        Path file = dir.resolve(KafkaIdentities.EVENTS_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Path input = Files.writeString(io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-evented.txt"), "a line\n");
        SwitchboardFixture.Answer created = SwitchboardFixture.call(app.url(), "POST", "/connectors",
                "{\"name\":\"evented\",\"initial_state\":\"PAUSED\",\"config\":{\"connector.class\":"
                        + "\"org.apache.kafka.connect.file.FileStreamSourceConnector\",\"file\":\"" + input
                        + "\",\"topic\":\"evented-lines\",\"tasks.max\":\"1\"}}");
        assertEquals(201, created.status(), created.body());
        List<String> seen = new ArrayList<>();
        LifecycleConsumer.consume(LifecycleConsumer.clients(file, null), app.schemaRegistryUrl(), "switchboard.lifecycle",
                "events-principal-test", Duration.ofSeconds(30), event -> {
                    if (event.getConnector().equals("evented")) {
                        seen.add(LifecycleConsumer.describe(event));
                    }
                    return seen.isEmpty();
                });
        assertEquals(1, seen.size(), "the create's event, read with the events principal's file");
        assertTrue(seen.get(0).contains("ConnectorCreated"), seen.get(0));

        Map<String, Object> events = kept(KafkaIdentities.EVENTS_FILE);
        Map<String, Object> inGroup = new HashMap<>(events);
        inGroup.put(ConsumerConfig.GROUP_ID_CONFIG, "switchboard-events-audit");
        inGroup.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        inGroup.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(inGroup, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.subscribe(List.of("switchboard.lifecycle"));
            List<String> keys = new ArrayList<>();
            Await.atMost(Duration.ofSeconds(60)).until("the create's event read in a group of the events prefix", () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> keys.add(record.key()));
                return keys.contains("default/evented");
            });
            consumer.commitSync();
        }
        Map<String, Object> otherGroup = new HashMap<>(inGroup);
        otherGroup.put(ConsumerConfig.GROUP_ID_CONFIG, "not-the-events-prefix");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(otherGroup, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("switchboard.lifecycle"));
            assertThrows(org.apache.kafka.common.errors.GroupAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)),
                    "the events principal used a group outside its prefix");
        }
        Map<String, Object> noGroup = new HashMap<>(events);
        noGroup.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        for (String owned : List.of("switchboard.commands", "switchboard.decisions", "switchboard-connect-configs",
                "switchboard-connectors-changelog")) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(noGroup, new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(new TopicPartition(owned, 0)));
                consumer.seekToBeginning(consumer.assignment());
                assertThrows(TopicAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)),
                        "the events principal read " + owned);
            }
        }
        try (KafkaProducer<String, String> producer = producer(events)) {
            // Refused at the cluster (no idempotent writes) or at the topic: either way nothing is written.
            // The producer id's refusal may come before the send (thrown by send) or after it (by get).
            Exception refused = assertThrows(Exception.class, () -> producer.send(
                    new ProducerRecord<>("switchboard.lifecycle", "default/evented", "forged")).get(30, TimeUnit.SECONDS));
            Throwable cause = refused;
            while (cause != null && !(cause instanceof org.apache.kafka.common.errors.AuthorizationException)) {
                cause = cause.getCause();
            }
            assertNotNull(cause, "refused for want of authorization: " + refused);
        }
        // The user's test client is no reader of events.
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(withoutGroup(kept(KafkaIdentities.USER_FILE)),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("switchboard.lifecycle", 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThrows(TopicAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(10)), "the user read lifecycle events");
        }
    }

    private static Map<String, Object> withoutGroup(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return all;
    }

    @Test
    void aReplicaWhoseWorkerMayWriteTheCommandTopicWarnsAtStart() throws Exception {
        // The control plane's own settings given as the worker's: that principal may write everything.
        List<String> flags = new ArrayList<>();
        kept(KafkaIdentities.CONTROL_PLANE_FILE).forEach((key, value) -> {
            if (!key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
                flags.addAll(List.of("--kafka-property", key + "=" + value, "--worker-kafka-property", key + "=" + value));
            }
        });
        Path second = dir.resolve("second");
        try (SwitchboardApp careless = SwitchboardApp.start(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(second).bootstrapServers(app.bootstrapServers()).topicPrefix("careless")
                .embeddedWorker(false).flags(flags.toArray(String[]::new)).build())) {
            Await.atMost(Duration.ofSeconds(60)).until("the start check's answer", careless::workerMayWriteCommands);
            List<String> logged = List.copyOf(logLines); // the app logs on other threads meanwhile
            assertTrue(logged.stream().anyMatch(line -> line.startsWith("WARN ")
                            && line.contains("Connect worker's Kafka principal may write the command topic careless.commands")),
                    "no warning among " + logged.stream().filter(line -> line.startsWith("WARN")).toList());
        }
    }

    @Test
    void noPasswordIsLogged() throws IOException {
        Properties identities = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(KafkaIdentities.FILE))) {
            identities.load(in);
        }
        assertEquals(6, identities.size(), identities.keySet().toString());
        List<String> snapshot = List.copyOf(logLines);
        assertTrue(snapshot.size() > 50, "the start was logged: " + snapshot.size());
        for (String key : identities.stringPropertyNames()) {
            String password = identities.getProperty(key);
            assertTrue(snapshot.stream().noneMatch(line -> line.contains(password)), key + " is logged");
        }
    }

    /** The client settings the app keeps in {@code name} under its data directory. */
    private Map<String, Object> kept(String name) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(name))) {
            p.load(in);
        }
        Map<String, Object> settings = new HashMap<>();
        p.stringPropertyNames().forEach(key -> settings.put(key, p.getProperty(key)));
        settings.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, app.bootstrapServers());
        return settings;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(ProducerConfig.ACKS_CONFIG, "all");
        all.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        all.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        all.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        return new KafkaProducer<>(all, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(ConsumerConfig.GROUP_ID_CONFIG, "identities-test-" + UUID.randomUUID());
        all.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(all, new StringDeserializer(), new StringDeserializer());
    }
}
