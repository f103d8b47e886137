package io.switchboard.api;

import io.switchboard.SwitchboardApp;
import io.switchboard.core.Views;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.metrics.SinkLagHistory;
import io.switchboard.metrics.SinkLags;
import io.switchboard.schemas.TargetState;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka refusing a replica at its door, on the embedded default's broker (SASL/PLAIN on every
 * listener, ACLs by principal, as {@code java -jar switchboard.jar} starts it): a second replica
 * given its {@code --bootstrap-servers} and no credentials stops within seconds, saying the broker
 * asks for SASL credentials and naming {@code --kafka-config}, where it used to wait five minutes
 * for a broker that "does not answer"; one with valid credentials of a principal the ACLs do not
 * let near Switchboard's topics stops saying which topics were refused, and the same setting; at
 * run time a reader that principal is refused says so once, in one ERROR line naming the setting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaRefusalsTest {
    private static final Duration WITHIN = Duration.ofSeconds(45);
    private final List<Path> dirs = new ArrayList<>();
    private SwitchboardApp first;
    private Path firstDir;

    @BeforeAll
    void start() throws IOException {
        firstDir = dir();
        first = SwitchboardApp.start(TestReplicas.defaults().port(0).kafkaPort(0).schemaRegistryPort(0)
                .dataDir(firstDir).embeddedWorker(false).commandTimeout(Duration.ofSeconds(60)).build());
    }

    @AfterAll
    void stop() {
        if (first != null) {
            first.close();
        }
        dirs.forEach(SwitchboardFixture::deleteQuietly);
    }

    private Path dir() throws IOException {
        Path dir = Files.createTempDirectory("switchboard-refusals");
        dirs.add(dir);
        return dir;
    }

    /** Every message of the failure and its causes, as the start's one line gives them. */
    private static String said(Throwable failure) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = failure; t != null && messages.size() < 20; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages.stream().collect(Collectors.joining(": "));
    }

    /** @param flags what the second replica is given besides its broker, registry and data directory */
    private String secondReplicaFails(String... flags) throws IOException {
        Path dir = dir();
        long began = System.nanoTime();
        RuntimeException failed = assertThrows(RuntimeException.class, () -> {
            SwitchboardApp second = SwitchboardApp.start(TestReplicas.defaults().port(0).dataDir(dir)
                    .bootstrapServers(first.bootstrapServers()).schemaRegistryUrl(first.schemaRegistryUrl())
                    .embeddedWorker(false).flags(flags).build());
            second.close();
        }, "a second replica started on a broker that refuses it");
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        String message = said(failed);
        System.out.println("[refusals] after " + took.toMillis() + " ms: " + message);
        assertTrue(took.compareTo(WITHIN) < 0, "said after " + took + ", not within " + WITHIN + ": " + message);
        return message;
    }

    @Test
    void aReplicaWithoutCredentialsIsToldTheBrokerAsksForThemWithinSeconds() throws IOException {
        String message = secondReplicaFails();
        assertTrue(message.contains("asks for SASL credentials") && message.contains("--kafka-config FILE"), message);
    }

    /** The user principal's own settings (valid credentials), without the bootstrap servers given on their own. */
    private Map<String, String> userSettings() throws IOException {
        Properties user = new Properties();
        try (Reader in = Files.newBufferedReader(firstDir.resolve(KafkaIdentities.USER_FILE))) {
            user.load(in);
        }
        Map<String, String> settings = new TreeMap<>();
        user.stringPropertyNames().stream().filter(key -> !key.equals("bootstrap.servers")).forEach(key -> settings.put(key, user.getProperty(key)));
        return settings;
    }

    @Test
    void aPrincipalTheAclsRefuseIsToldWhichTopicsAndTheSetting() throws IOException {
        String[] flags = userSettings().entrySet().stream().flatMap(e -> Stream.of("--kafka-property", e.getKey() + "=" + e.getValue()))
                .toArray(String[]::new);
        String message = secondReplicaFails(flags);
        assertTrue(message.contains("ACLs refuse this client's principal") && message.contains("switchboard.")
                && message.contains("--kafka-config FILE"), message);
    }

    /** Lines of io.switchboard's loggers at WARN and above while {@code body} runs (" +trace" when one had a stack trace). */
    private static List<String> logged(ThrowingRunnable body) throws Exception {
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        AbstractAppender capture = new AbstractAppender("refusals-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN) && event.getLoggerName().startsWith("io.switchboard")) {
                    lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage() + (event.getThrown() == null ? "" : " +trace"));
                }
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        context.updateLoggers();
        try {
            body.run();
        } finally {
            context.getConfiguration().getRootLogger().removeAppender("refusals-capture");
            context.updateLoggers();
        }
        return List.copyOf(lines);
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** At run time: a reader the ACLs refuse, retrying, says so in one ERROR line naming the setting, without a stack trace. */
    @Test
    void aReaderRefusedAtRunTimeSaysSoOnceNamingTheSetting() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        List<String> lines = logged(() -> {
            try (TopicReader<byte[], byte[]> reader = TopicReader.of(new KafkaClients(first.bootstrapServers(), userSettings()),
                            "switchboard.commands", new ByteArrayDeserializer(), new ByteArrayDeserializer())
                    .onRecords(records -> { })
                    .onFailure(TopicReader.OnFailure.RETRY, Duration.ofMillis(200), e -> failures.incrementAndGet())
                    .build().start()) {
                Await.atMost(Duration.ofSeconds(45)).until("the reader refused three times", failures::get, n -> n >= 3);
            }
        });
        List<String> refusals = lines.stream().filter(l -> l.contains("The reader of switchboard.commands")).toList();
        assertEquals(1, refusals.size(), lines.toString());
        assertTrue(refusals.get(0).startsWith("ERROR ") && refusals.get(0).contains("the topics [switchboard.commands]")
                && refusals.get(0).contains("--kafka-config FILE") && !refusals.get(0).contains("+trace"), refusals.get(0));
    }

    private static Views.ConnectorDetails sink(String name, String topic) {
        return new Views.ConnectorDetails(new Views.ConnectorView("default", name, Map.of("topics", topic), 1, "sink", TargetState.RUNNING,
                1, Instant.now(), Instant.now()),
                new Views.StatusView(name, "RUNNING", "w", null, null, List.of(), "sink", TargetState.RUNNING, null, null, Instant.now()));
    }

    /**
     * The sink-lag reader on a Kafka that lets it describe one sink's topic and not another's: the
     * first is read, the second has no figure, and which topic was refused is said once, naming the
     * setting; the pass is not lost for all.
     */
    @Test
    void theSinkLagReaderRefusedOneTopicReadsTheOthersAndSaysWhich() throws Exception {
        KafkaClients user = new KafkaClients(first.bootstrapServers(), userSettings());
        try (KafkaProducer<byte[], byte[]> producer = user.producer(Map.of(), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("refusals-orders", new byte[]{(byte) i})).get(30, TimeUnit.SECONDS);
            }
        }
        List<Views.ConnectorDetails> sinks = List.of(sink("ordinary", "refusals-orders"), sink("owned", "switchboard.commands"));
        AtomicReference<Map<String, Long>> read = new AtomicReference<>();
        List<String> lines = logged(() -> {
            try (Admin admin = user.admin(Map.of());
                 SinkLags lags = SinkLags.of(admin, () -> Map.of("default", sinks), Set.of("default"), new SinkLagHistory(Duration.ofSeconds(1)),
                         first.bootstrapServers(), userSettings(), 0).start(Duration.ofMillis(500))) {
                read.set(Await.atMost(Duration.ofSeconds(45)).until("the ordinary sink's lag",
                        () -> lags.lags().getOrDefault("default", Map.of()), l -> Long.valueOf(3).equals(l.get("ordinary"))));
            }
        });
        assertFalse(read.get().containsKey("owned"), read.get().toString());
        List<String> refusals = lines.stream().filter(l -> l.contains("The sink-lag reader")).toList();
        assertTrue(!refusals.isEmpty() && refusals.get(0).startsWith("ERROR ") && refusals.get(0).contains("the topics [switchboard.commands]")
                && refusals.get(0).contains("--kafka-config FILE") && !refusals.get(0).contains("+trace"), lines.toString());
    }
}
