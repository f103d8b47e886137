package io.switchboard.examples;

import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorMoved;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.TargetStateChanged;
import io.switchboard.schemas.wire.AvroDeserializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * An example consumer of Switchboard's lifecycle topic: it prints every event as one line.
 *
 * <pre>
 * java -cp app/target/switchboard.jar io.switchboard.examples.LifecycleConsumer \
 *     [kafka-config=data/kafka-events.properties] [bootstrap-servers=...] [schema-registry-url=http://127.0.0.1:8081]
 *     [topic=switchboard.lifecycle]
 * </pre>
 *
 * {@code kafka-config} is a Kafka client settings file (the embedded broker writes
 * {@code kafka-events.properties} beside its data for the event consumers' principal, with its
 * address); {@code bootstrap-servers} overrides the address the file gives.
 *
 * Read the topic with isolation.level=read_committed: the processor writes it in exactly-once
 * transactions, and a reader that sees uncommitted records may see an event of an aborted
 * transaction that is then written again.
 */
public final class LifecycleConsumer {
    private LifecycleConsumer() {
    }

    public static void main(String[] args) {
        Map<String, String> options = new HashMap<>(Map.of(
                "kafka-config", "data/kafka-events.properties",
                "schema-registry-url", "http://127.0.0.1:8081",
                "topic", "switchboard.lifecycle"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                options.put(arg.substring(0, eq).replaceFirst("^--", ""), arg.substring(eq + 1));
            }
        }
        Path file = Path.of(options.get("kafka-config"));
        if (!Files.exists(file) && java.util.Arrays.stream(args).anyMatch(arg -> arg.replaceFirst("^--", "").startsWith("kafka-config="))) {
            throw new IllegalArgumentException("kafka-config: no file " + file);
        }
        consume(clients(file, options.get("bootstrap-servers")), options.get("schema-registry-url"), options.get("topic"),
                "lifecycle-example-" + ProcessHandle.current().pid(), Duration.ofDays(365),
                event -> {
                    System.out.println(describe(event));
                    return true;
                });
    }

    /**
     * The Kafka clients of a settings file ({@code kafka-events.properties}; none when it does not
     * exist), at {@code bootstrapServers} when given, else at the file's {@code bootstrap.servers}
     * (else 127.0.0.1:9092).
     */
    public static KafkaClients clients(Path file, String bootstrapServers) {
        Map<String, String> settings = new HashMap<>();
        if (Files.exists(file)) {
            Properties read = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                read.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            read.stringPropertyNames().forEach(key -> settings.put(key, read.getProperty(key)));
        }
        String bootstrap = settings.remove("bootstrap.servers");
        return new KafkaClients(bootstrapServers != null ? bootstrapServers : bootstrap != null ? bootstrap : "127.0.0.1:9092", settings);
    }

    /**
     * Reads events from the beginning of the topic (every partition, no consumer group, nothing
     * committed) until the handler answers false or none came for {@code idle}. The handler runs on
     * the reader's thread; what it throws is thrown here.
     */
    public static void consume(KafkaClients kafka, String registryUrl, String topic, String clientId, Duration idle,
                               Predicate<LifecycleEvent> handler) {
        AvroDeserializer<LifecycleEvent> values = new AvroDeserializer<>(HttpSchemaRegistryClient.anonymous(registryUrl),
                LifecycleEvent.class);
        AtomicLong lastRecord = new AtomicLong(System.nanoTime());
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        TopicReader<String, byte[]> reader = TopicReader.of(kafka, topic, new StringDeserializer(),
                        new ByteArrayDeserializer())
                .settings(Map.of("client.id", clientId, "auto.offset.reset", "earliest", "isolation.level", "read_committed"))
                .threadName(clientId)
                .onRecords(records -> {
                    for (TopicRecord<String, byte[]> record : records) {
                        if (done.getCount() == 0) {
                            return;
                        }
                        lastRecord.set(System.nanoTime());
                        if (!handler.test(values.deserialize(topic, record.value()))) {
                            done.countDown();
                        }
                    }
                })
                .onFailure(TopicReader.OnFailure.STOP, Duration.ZERO, e -> {
                    failure.set(e);
                    done.countDown();
                })
                .build()
                .start();
        try {
            while (!done.await(100, TimeUnit.MILLISECONDS) && System.nanoTime() - lastRecord.get() < idle.toNanos()) {
                // reading
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reader.close();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** One line: when, which connector, which version, what happened (config keys, never values), who asked. */
    public static String describe(LifecycleEvent event) {
        Object payload = event.getEvent();
        String what = "";
        if (payload instanceof ConnectorCreated created) {
            what = "keys " + new TreeSet<>(created.getConfig().keySet()) + ", " + created.getTargetState();
        } else if (payload instanceof ConnectorConfigChanged changed) {
            what = "added " + changed.getAdded() + ", removed " + changed.getRemoved() + ", changed " + changed.getChanged();
        } else if (payload instanceof TargetStateChanged target) {
            what = target.getPrevious() + " -> " + target.getCurrent();
        } else if (payload instanceof ConnectorMoved moved) {
            what = "from " + moved.getFrom() + " to " + moved.getTo() + ", " + moved.getPrevious() + " -> " + moved.getCurrent()
                    + (moved.getOffsetsDigest() == null ? ", no offsets" : ", offsets sha-256 " + moved.getOffsetsDigest());
        } else if (payload instanceof ConnectorStatusChanged status) {
            what = status.getPrevious() + " -> " + status.getCurrent() + " tasks " + status.getTaskStates();
        }
        return Instant.ofEpochMilli(event.getOccurredAt()) + " " + event.getCluster() + "/" + event.getConnector()
                + " v" + event.getVersion() + " " + payload.getClass().getSimpleName() + " " + what
                + (event.getPrincipal() == null ? "" : " by " + event.getPrincipal())
                + (event.getRequestId() == null ? "" : " (request " + event.getRequestId() + ")");
    }
}
