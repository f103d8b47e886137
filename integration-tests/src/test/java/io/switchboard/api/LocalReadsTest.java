package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.api.SwitchboardFixture.Answer;
import io.switchboard.testing.Await;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads with {@code consistency=local} (docs/reads.md): answered from the replica's copy as it is,
 * without waiting for the commands ahead of them, so they may show what an acknowledged change has
 * already replaced; reads without it still wait. Bad values, and {@code local} on a write, are 400s
 * in the dialect's error format.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalReadsTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.plain();
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    /**
     * With the processor held, a config update is in the command topic, undecided: a default read
     * waits for it, a local read answers at once with the config it replaces (and the list and the
     * status answer too); once the processor goes on, the default read answers the new config.
     */
    @Test
    void aLocalReadAnswersTheCopyAsItIsWhileADefaultReadWaits() throws Exception {
        assertEquals(201, fx.call("POST", "/connectors", ConnectApiTest.createBody("local-read")).status());
        // Decided and in the copy: a default read has seen it.
        assertEquals("/tmp/switchboard-test-files/local-read.txt", fx.call("GET", "/connectors/local-read/config", null).json().path("file").asText());
        Map<String, Object> replaced = new LinkedHashMap<>(ConnectApiTest.config("local-read"));
        replaced.put("file", "/tmp/switchboard-test-files/local-read-replaced.txt");
        long commandsBefore = commandsEnd();
        fx.app.streams().pause();
        CompletableFuture<Answer> update;
        CompletableFuture<Answer> linearizable;
        try {
            update = CompletableFuture.supplyAsync(() -> fx.call("PUT", "/connectors/local-read/config", SwitchboardFixture.json(replaced)));
            // The default read is sent once the update is in the command topic, ahead of it.
            Await.atMost(Duration.ofSeconds(30)).until("the update in the command topic (its end offsets' sum)", this::commandsEnd,
                    end -> end > commandsBefore);
            linearizable = CompletableFuture.supplyAsync(() -> fx.call("GET", "/connectors/local-read/config", null));
            Answer local = fx.call("GET", "/connectors/local-read/config?consistency=local", null);
            assertEquals(200, local.status(), local.body());
            assertEquals("/tmp/switchboard-test-files/local-read.txt", local.json().path("file").asText(), local.body());
            Answer list = fx.call("GET", "/connectors?consistency=local", null);
            assertEquals(200, list.status(), list.body());
            assertTrue(list.body().contains("\"local-read\""), list.body());
            Answer status = fx.call("GET", "/connectors/local-read/status?consistency=local", null);
            assertEquals(200, status.status(), status.body());
            Await.holds("the default read unanswered while the update ahead of it is undecided", Duration.ofMillis(500),
                    () -> !linearizable.isDone());
        } finally {
            fx.app.streams().resume();
        }
        assertEquals(200, update.get(60, TimeUnit.SECONDS).status());
        Answer after = linearizable.get(60, TimeUnit.SECONDS);
        assertEquals(200, after.status(), after.body());
        assertEquals("/tmp/switchboard-test-files/local-read-replaced.txt", after.json().path("file").asText(), after.body());
    }

    /** The sum of the command topic's end offsets: it grows with each command written. */
    private long commandsEnd() throws Exception {
        String topic = fx.topics().commands();
        try (Admin admin = Admin.create(fx.kafka.client(KafkaIdentities.CONTROL_PLANE))) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(partition -> ends.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            return admin.listOffsets(ends).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    @Test
    void anUnknownConsistencyOrALocalWriteIsA400InTheDialectsFormat() {
        Answer unknown = fx.call("GET", "/connectors?consistency=eventual", null);
        assertEquals(400, unknown.status(), unknown.body());
        assertEquals(400, unknown.json().path("error_code").asInt(), unknown.body());
        assertTrue(unknown.json().path("message").asText().contains("consistency"), unknown.body());
        Answer write = fx.call("PUT", "/connectors/nobody/pause?consistency=local", null);
        assertEquals(400, write.status(), write.body());
        assertEquals(400, write.json().path("error_code").asInt(), write.body());
        Answer linearizable = fx.call("GET", "/connectors?consistency=linearizable", null);
        assertEquals(200, linearizable.status(), linearizable.body());
    }
}
