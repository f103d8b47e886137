package io.switchboard.commands;

import io.switchboard.processor.ControlPlanes;
import io.switchboard.kafkaio.Topics;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.api.SharedKafka;
import io.switchboard.core.DecisionTimeoutException;
import io.switchboard.core.RequestContext;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroDeserializer;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandGatewayTest {
    private static final Keyring KEYRING = Keyring.parse(Keyring.newKeyLine());
    private static final RecordSignatures SIGNATURES = CommandSignatures.of(KEYRING);
    /** This test's topics on the JVM's broker: nothing here stops, fills or scans it. */
    private final String prefix = SharedKafka.newPrefix();
    private final String commands = prefix + ".commands";
    private final String bootstrap = SharedKafka.broker().bootstrapServers();
    private static final Map<String, String> SETTINGS = SharedKafka.broker().clients(KafkaIdentities.CONTROL_PLANE).common();

    @AfterEach
    void deleteTopics() {
        SharedKafka.deleteTopics(prefix);
    }

    /** Every command it writes is signed, over its bytes on the topic, with the keyring's first key. */
    @Test
    void everyCommandItWritesIsSignedWithTheKeyring() throws Exception {
        try (CommandGateway gateway = new CommandGateway(bootstrap, SETTINGS, commands, ControlPlanes.of(Topics.DEFAULT),
                new AvroSerializer<>(new InMemorySchemaRegistryClient(), ConnectorCommand.class, false),
                SIGNATURES, 1, null, Duration.ofSeconds(10), Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                gateway.submitDurably(gateway.command(new ConnectorKey("default", "c" + i),
                        new ChangeTargetState(TargetState.PAUSED), new RequestContext("req-" + i, "alice")).build()).get(30, TimeUnit.SECONDS);
            }
        }
        // A replica with the same keyring, read from its text as every replica reads it, verifies them.
        RecordSignatures peer = CommandSignatures.of(Keyring.parse(KEYRING.all().stream().map(k -> k.id() + "="
                + Base64.getEncoder().encodeToString(k.key().getEncoded())).reduce("", (a, b) -> a + b + "\n")));
        List<ConsumerRecord<byte[], byte[]>> written = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE, Map.of(                "auto.offset.reset", "earliest", "group.id", prefix + "-signed-check")), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(commands));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (written.size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(written::add);
            }
        }
        assertEquals(3, written.size());
        for (ConsumerRecord<byte[], byte[]> record : written) {
            assertEquals(RecordSignatures.Verdict.SIGNED, peer.verify(commands, record.key(), record.value(), record.headers()));
            assertTrue(new String(record.headers().lastHeader(RecordSignatures.HEADER).value(), StandardCharsets.US_ASCII)
                    .startsWith(KEYRING.current().id() + ":"), "named by the keyring's first key");
        }
    }

    /**
     * A replica whose clock is minutes off Kafka's issues commands the processor refuses as stale:
     * once Kafka says when it appended one (the command topic keeps the broker's append time), the
     * replica answers at once that nothing was applied, and why, rather than waiting for a decision.
     */
    @Test
    void aReplicaWhoseClockIsOffSaysSoOnceKafkaAppendedItsCommand() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                new java.util.HashMap<String, Object>(SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE, Map.of())))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(commands, 1, (short) 1).configs(
                    Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
        }
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5));
        try (CommandGateway gateway = new CommandGateway(bootstrap, SETTINGS, commands, ControlPlanes.of(Topics.DEFAULT),
                new AvroSerializer<>(new InMemorySchemaRegistryClient(), ConnectorCommand.class, false),
                SIGNATURES, 1, null, Duration.ofSeconds(10), ahead)) {
            ConnectorCommand command = gateway.command(new ConnectorKey("default", "skewed"),
                    new ChangeTargetState(TargetState.PAUSED), new RequestContext("req-skewed", "alice")).build();
            java.util.concurrent.ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.ExecutionException.class, () -> gateway.submitDurably(command).get(30, TimeUnit.SECONDS));
            assertTrue(refused.getCause() instanceof io.switchboard.core.ServiceException.Unavailable, refused.toString());
            assertTrue(refused.getCause().getMessage().contains("clock is about 300 s ahead of Kafka's")
                    || refused.getCause().getMessage().contains("clock is about 299 s ahead of Kafka's"), refused.getCause().getMessage());
        }
        try (CommandGateway gateway = new CommandGateway(bootstrap, SETTINGS, commands, ControlPlanes.of(Topics.DEFAULT),
                new AvroSerializer<>(new InMemorySchemaRegistryClient(), ConnectorCommand.class, false),
                SIGNATURES, 1, null, Duration.ofSeconds(10), Clock.systemUTC())) {
            gateway.submitDurably(gateway.command(new ConnectorKey("default", "on-time"), new ChangeTargetState(TargetState.PAUSED),
                    new RequestContext("req-on-time", "alice")).build()).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * What a request does once its command is durable (the rest of its handling, its response) runs
     * on the gateway's own threads, never on the producer's I/O thread, which every other command
     * waits on.
     */
    @Test
    void aDurableCommandIsAnsweredOffTheProducersThread() throws Exception {
        try (CommandGateway gateway = new CommandGateway(bootstrap, SETTINGS, commands, ControlPlanes.of(Topics.DEFAULT),
                new AvroSerializer<>(new InMemorySchemaRegistryClient(), ConnectorCommand.class, false),
                SIGNATURES, 1, null, Duration.ofSeconds(10), Clock.systemUTC())) {
            for (int i = 0; i < 20; i++) {
                ConnectorCommand command = gateway.command(new ConnectorKey("default", "c" + i),
                        new ChangeTargetState(TargetState.PAUSED), new RequestContext("req-" + i, "alice")).build();
                CompletableFuture<String> answeredOn = gateway.submitDurably(command).thenApply(done -> Thread.currentThread().getName());
                String thread = answeredOn.get(30, TimeUnit.SECONDS);
                assertFalse(thread.startsWith("kafka-producer-network-thread"), "answered on " + thread);
            }
        }
    }

    /**
     * A decision that does not come in time is a {@link DecisionTimeoutException}, and its latency is
     * in the metrics before the caller hears of it: a client that reads the metrics right after its
     * answer finds it there.
     */
    @Test
    void aMissingDecisionIsATimeoutMeasuredBeforeTheCallerHearsOfIt() throws Exception {
        try (Admin admin = Admin.create(SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE))) {
            admin.createTopics(List.of(new NewTopic(prefix + ".decisions", 1, (short) 1))).all().get();
        }
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        try (DecisionListener decisions = new DecisionListener(bootstrap, SETTINGS, prefix + ".decisions",
                new AvroDeserializer<>(registry, CommandDecision.class), null, null, new DecisionChecks(prefix + ".decisions",
                        CommandSignatures.records(KEYRING), CommandSignatures.states(KEYRING, prefix + "-connectors-changelog"),
                        new io.switchboard.kafkaio.RecordRefusals()));
             CommandGateway gateway = new CommandGateway(bootstrap, SETTINGS, commands, ControlPlanes.of(Topics.DEFAULT),
                     new AvroSerializer<>(registry, ConnectorCommand.class, false), SIGNATURES, 1, decisions, Duration.ofMillis(300), Clock.systemUTC())) {
            for (int i = 0; i < 5; i++) {
                AtomicReference<String> measured = new AtomicReference<>("nothing");
                gateway.onDecided((nanos, outcome) -> measured.set(outcome));
                ConnectorCommand command = gateway.command(new ConnectorKey("default", "c" + i),
                        new ChangeTargetState(TargetState.PAUSED), new RequestContext("req-" + i, "alice")).build();
                String heard = gateway.submit(command).handle((decision, error) -> measured.get() + " then "
                        + (error instanceof CompletionException ? error.getCause() : error).getClass().getSimpleName())
                        .get(30, TimeUnit.SECONDS);
                assertEquals("failed then DecisionTimeoutException", heard);
            }
        }
    }
}
