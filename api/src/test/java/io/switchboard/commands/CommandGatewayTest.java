package io.switchboard.commands;

import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.InMemorySchemaRegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
                ConnectorCommand command = gateway.command(new io.switchboard.processor.ConnectorKey("default", "c" + i),
                        new ChangeTargetState(TargetState.PAUSED), new RequestContext("req-" + i, "alice")).build();
                CompletableFuture<String> answeredOn = gateway.submitDurably(command).thenApply(done -> Thread.currentThread().getName());
                String thread = answeredOn.get(30, TimeUnit.SECONDS);
                assertFalse(thread.startsWith("kafka-producer-network-thread"), "answered on " + thread);
            }
        }
    }
}
