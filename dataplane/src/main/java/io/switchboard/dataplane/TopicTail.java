package io.switchboard.dataplane;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A data-plane feed's reading of a compacted topic (the changelog of the processor's connectors
 * store; a Kafka Connect cluster's own topics are read by its {@link WorkerTopics}): a
 * {@link TopicReader} from the topic's start that stops at its first failure. Each batch of records
 * goes to the feed's reader, which answers the connectors the batch changed; once the reader has
 * caught up, the feed's listener is told of each change after that. A topic that does not exist yet
 * is waited for (never created here). When reading stops on an error, the tail is no longer caught
 * up, and the feed answers nothing from then on: what it stands for ({@code instead}) is read instead.
 */
final class TopicTail implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);

    private final TopicReader<String, byte[]> reader;
    private volatile Consumer<Set<String>> onChange = names -> { };

    /**
     * @param what      a short name, for the thread and the client id
     * @param described what the topic is, for the log
     * @param instead   what is read while the tail answers nothing, for the log
     */
    TopicTail(String what, String described, String instead, String bootstrapServers, Map<String, String> kafkaSettings,
              String topic, String isolation, Function<Iterable<TopicRecord<String, byte[]>>, Set<String>> reader) {
        String name = "switchboard-" + what + "-feed-" + topic;
        this.reader = TopicReader.of(new KafkaClients(bootstrapServers, kafkaSettings), topic, new StringDeserializer(),
                        new ByteArrayDeserializer())
                .settings(Map.of(
                        "auto.offset.reset", "earliest",
                        "isolation.level", isolation,
                        "allow.auto.create.topics", false,
                        "client.id", name))
                .threadName(name)
                .onRecords(records -> changed(reader.apply(records)))
                .onCaughtUp(() -> log.info("Reading {} as it is written", described))
                .onMissingTopic(() -> log.info("{} does not exist yet; {} is read until it does", described, instead))
                .onFailure(TopicReader.OnFailure.STOP, Duration.ZERO, e ->
                        log.warn("Stopped reading {}; {} is read instead: {}", described, instead, WorkerMessages.oneLine(e.toString())))
                .build();
    }

    private void changed(Set<String> changed) {
        if (!changed.isEmpty() && reader.caughtUp()) {
            onChange.accept(changed);
        }
    }

    void start() {
        reader.start();
    }

    /** Called on the tail's thread, once it has caught up, after each batch that changed something. */
    void onChange(Consumer<Set<String>> listener) {
        this.onChange = listener;
    }

    boolean caughtUp() {
        return reader.caughtUp();
    }

    /**
     * Waits until the tail has read as far as the topic goes now (see {@link TopicReader#readToEnd}).
     * Answers false at once while the tail has not caught up, and when {@code wait} passes first or
     * reading stops.
     */
    boolean readToEnd(Duration wait) throws InterruptedException {
        return reader.caughtUp() && reader.readToEnd(wait);
    }

    @Override
    public void close() {
        reader.close();
    }

}
