package io.switchboard.commands;

import io.switchboard.core.DecisionTimeoutException;
import io.switchboard.core.RequestContext;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroDeserializer;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class CommandGatewayTest {

    /**
     * What a request does once its command is durable (the rest of its handling, its response) runs
     * on the gateway's own threads, never on the producer's I/O thread, which every other command
     * waits on.
     */
    @Test
    void aDurableCommandIsAnsweredOffTheProducersThread(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0).start();
             CommandGateway gateway = new CommandGateway(kafka.bootstrapServers(), "commands",
                     new AvroSerializer<>(new InMemorySchemaRegistryClient(), ConnectorCommand.class, false),
                     null, Duration.ofSeconds(10), Clock.systemUTC())) {
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
    void aMissingDecisionIsATimeoutMeasuredBeforeTheCallerHearsOfIt(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0).start()) {
            try (Admin admin = Admin.create(
                    Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("decisions", 1, (short) 1))).all().get();
            }
            InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
            try (DecisionListener decisions = new DecisionListener(kafka.bootstrapServers(), "decisions",
                    new AvroDeserializer<>(registry, CommandDecision.class));
                 CommandGateway gateway = new CommandGateway(kafka.bootstrapServers(), "commands",
                         new AvroSerializer<>(registry, ConnectorCommand.class, false), decisions, Duration.ofMillis(300), Clock.systemUTC())) {
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
}
