package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.metrics.HealthOptions;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sink connector's lag against the real embedded worker: a FileStreamSink that has read its topic
 * shows 0 records and 0 seconds; stopped while records arrive (stamped ten minutes ago), its lag in
 * records grows with them and its lag in seconds (the age of the oldest record it has not consumed)
 * is over ten minutes and grows with the clock, in the series and on its console sparkline; resumed,
 * both fall back to 0. Stopped, not paused: a paused sink's task was seen taking all 50 records sent
 * after the worker reported it PAUSED (1 run in 10 on a loaded machine; its file held them all and
 * the lag rightly read 0), which Kafka Connect's pause does not rule out; a stopped connector has no
 * task left to consume once its group has no member (the worker reports it stopped before its task
 * has closed), so what the reader must see is certain. "All read" is read only once the sink has
 * committed what it read: before its first commit it lags by every record its topic holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkLagTest {
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(90));
    private SwitchboardFixture fx;
    private KafkaProducer<String, String> producer;
    private final String topic = "sink-lag-" + UUID.randomUUID().toString().substring(0, 8);
    private Path file;

    @BeforeAll
    void start() throws IOException {
        fx = new SwitchboardFixture(options -> options.embeddedWorker(true).health(HealthOptions.of(10_000, 3600, 3, 1)));
        producer = new KafkaProducer<>(fx.kafka.client(KafkaIdentities.USER),
                new StringSerializer(), new StringSerializer());
        file = Files.createTempFile(io.switchboard.testing.TestReplicas.FILES, "switchboard-sink", ".txt");
    }

    @AfterAll
    void stop() throws IOException {
        if (producer != null) {
            producer.close();
        }
        if (fx != null) {
            fx.close();
        }
        Files.deleteIfExists(file);
    }

    private void send(int records) {
        send(records, null);
    }

    /** Records stamped {@code timestamp} (epoch milliseconds; null: the producer's clock). */
    private void send(int records, Long timestamp) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, null, timestamp, null, "{\"n\":" + i + "}")));
        }
        producer.flush();
        // A record the broker refused would leave the lag where it was: each is known written.
        for (Future<RecordMetadata> record : sent) {
            try {
                record.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("a record was not written: " + e, e);
            }
        }
    }

    /**
     * The sink's consumer group has no member left: the worker reports a stopped connector with no
     * task as soon as its task configs are gone, while the task it ran may still be closing, and
     * may still read (and commit) what is sent meanwhile on a slow machine.
     */
    private void awaitNoConsumer() {
        try (Admin admin = Admin.create(fx.kafka.client(KafkaIdentities.CONTROL_PLANE))) {
            // Without members for two seconds on end: a rebalance after the stop may have no member
            // for a moment before a task that was still being assigned joins.
            long[] emptySince = {0};
            WAIT.until("the sink's consumer group without members for 2 s", () -> {
                int members = members(admin);
                long now = System.nanoTime();
                if (members != 0) {
                    emptySince[0] = 0;
                } else if (emptySince[0] == 0) {
                    emptySince[0] = now;
                }
                return emptySince[0] != 0 && now - emptySince[0] >= 2_000_000_000L;
            }, empty -> empty);
        }
    }

    private static int members(Admin admin) {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("connect-lagging")).all()
                    .get(10, TimeUnit.SECONDS).get("connect-lagging");
            return group.members().size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** What the connector, its group and its history say now: for a failure's message. */
    private String whatTheSinkShows() {
        StringBuilder shown = new StringBuilder();
        shown.append("status: ").append(Http.get(fx.app.url(), "/connectors/lagging/status").body());
        try (Admin admin = Admin.create(fx.kafka.client(KafkaIdentities.CONTROL_PLANE))) {
            shown.append("; group members: ").append(members(admin));
            shown.append("; committed: ").append(admin.listConsumerGroupOffsets("connect-lagging").partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS));
        } catch (Exception e) {
            shown.append("; group: ").append(e);
        }
        shown.append("; history: ").append(Http.get(fx.app.url(), "/connectors/lagging/history").body());
        return shown.toString();
    }

    private double lagUntil(String what, DoublePredicate condition) {
        return lagUntil("lagging", what, condition);
    }

    private double lagUntil(String connector, String what, DoublePredicate condition) {
        return seriesUntil("switchboard_connector_sink_lag_records{cluster=\"default\",connector=\"" + connector + "\"}", what, condition);
    }

    private double secondsUntil(String what, DoublePredicate condition) {
        return seriesUntil("switchboard_connector_sink_lag_seconds{cluster=\"default\",connector=\"lagging\"}", what, condition);
    }

    private double seriesUntil(String series, String what, DoublePredicate condition) {
        Double lag = WAIT.until(what + " (" + series + ")", () -> ConnectorHealthTest.value(Http.get(fx.app.url(), "/metrics/connectors").body(),
                series), value -> value != null && condition.test(value));
        System.out.println("[sink lag] " + what + ": " + lag);
        return lag;
    }

    private void awaitState(String state) {
        WAIT.until("the connector and its task " + state, () -> Http.JSON.readTree(Http.get(fx.app.url(), "/connectors/lagging/status").body()),
                status -> {
                    // A stopped connector has no tasks; any other state is asked of every task too.
                    boolean tasks = "STOPPED".equals(state) ? status.path("tasks").isEmpty() : status.path("tasks").size() > 0;
                    for (JsonNode task : status.path("tasks")) {
                        tasks &= state.equals(task.path("state").asText());
                    }
                    return tasks && state.equals(status.path("connector").path("state").asText());
                });
    }

    @Test
    void aStoppedSinkFallsBehindAndCatchesUpOnResume() throws IOException {
        send(10);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector");
        config.put("topics", topic);
        config.put("file", file.toString());
        Http.Response created = Http.call(fx.app.url(), "POST", "/connectors", Http.json(Map.of("name", "lagging", "config", config)));
        assertEquals(201, created.status(), created.body());
        lagUntil("all read", lag -> lag == 0);
        secondsUntil("no record left unconsumed, in seconds", seconds -> seconds == 0);

        assertEquals(204, Http.call(fx.app.url(), "PUT", "/connectors/lagging/stop", null).status());
        awaitState("STOPPED");
        awaitNoConsumer();
        send(50, System.currentTimeMillis() - 600_000);
        double first;
        try {
            first = lagUntil("50 records behind", lag -> lag >= 50);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + whatTheSinkShows(), e);
        }
        double old = secondsUntil("the oldest unconsumed record over ten minutes old", seconds -> seconds >= 600 && seconds < 3600);
        secondsUntil("older with the clock than " + old, seconds -> seconds >= old + 2);
        send(50);
        lagUntil("growing past " + first, lag -> lag >= first + 50);
        String fragment = Http.get(fx.app.url(), "/console/clusters/default/connectors/lagging/lag").body();
        assertTrue(fragment.contains("the oldest not consumed <strong class=\"lag-age\">1") && fragment.contains(" min old</strong>"), fragment);

        assertEquals(202, Http.call(fx.app.url(), "PUT", "/connectors/lagging/resume", null).status());
        lagUntil("caught up again", lag -> lag == 0);
        secondsUntil("caught up again, in seconds", seconds -> seconds == 0);
    }

    /** A sink stuck before its first commit (here: created stopped) lags by every record its topic holds, not by none. */
    @Test
    void aSinkThatNeverCommittedLagsByAllItsTopicHolds() throws IOException {
        String neverRead = topic + "-never";
        for (int i = 0; i < 7; i++) {
            try {
                producer.send(new ProducerRecord<>(neverRead, null, "{\"n\":" + i + "}")).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("a record was not written: " + e, e);
            }
        }
        Path out = Files.createTempFile(io.switchboard.testing.TestReplicas.FILES, "switchboard-sink-never", ".txt");
        try {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector");
            config.put("topics", neverRead);
            config.put("file", out.toString());
            Http.Response created = Http.call(fx.app.url(), "POST", "/connectors",
                    Http.json(Map.of("name", "never-read", "config", config, "initial_state", "STOPPED")));
            assertEquals(201, created.status(), created.body());
            assertEquals(7.0, lagUntil("never-read", "every record of its topic behind", lag -> lag == 7));
        } finally {
            Http.call(fx.app.url(), "DELETE", "/connectors/never-read", null);
            Files.deleteIfExists(out);
        }
    }
}
