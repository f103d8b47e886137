package io.switchboard.kafkaio;

import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/** A {@link TopicReader}'s settings ({@link TopicReader#of}); none is required but the handler. */
public final class TopicReaderBuilder<K, V> {
    final KafkaClients clients;
    final String topic;
    final List<String> moreTopics = new ArrayList<>();
    final Deserializer<K> keys;
    final Deserializer<V> values;
    Map<String, ?> settings = Map.of();
    TopicReader.From from = TopicReader.From.START;
    Duration pollFor = Duration.ofMillis(500);
    TopicReader.OnFailure onFailure = TopicReader.OnFailure.RETRY;
    Duration pause = Duration.ofSeconds(1);
    Consumer<List<TopicRecord<K, V>>> handler;
    Runnable onCaughtUp = () -> { };
    Runnable onMissingTopic = () -> { };
    Consumer<RuntimeException> failed = e -> { };
    String threadName;

    TopicReaderBuilder(KafkaClients clients, String topic, Deserializer<K> keys, Deserializer<V> values) {
        this.clients = Objects.requireNonNull(clients);
        this.topic = Objects.requireNonNull(topic);
        this.keys = keys;
        this.values = values;
    }

    /** The consumer's own settings (client id, isolation, fetch sizes, max.poll.records); never a group. */
    public TopicReaderBuilder<K, V> settings(Map<String, ?> consumerSettings) {
        this.settings = Map.copyOf(consumerSettings);
        return this;
    }

    public TopicReaderBuilder<K, V> from(TopicReader.From where) {
        this.from = where;
        return this;
    }

    /** How long one poll waits for records at most. */
    public TopicReaderBuilder<K, V> pollFor(Duration wait) {
        this.pollFor = wait;
        return this;
    }

    /** Each batch of records read (empty when a poll found none), on the reader's thread. */
    public TopicReaderBuilder<K, V> onRecords(Consumer<List<TopicRecord<K, V>>> batches) {
        this.handler = batches;
        return this;
    }

    /** Told once, on the reader's thread, when it has caught up (again, after a restart). */
    public TopicReaderBuilder<K, V> onCaughtUp(Runnable listener) {
        this.onCaughtUp = listener;
        return this;
    }

    /** Told once when the topic does not exist yet (it is waited for). */
    public TopicReaderBuilder<K, V> onMissingTopic(Runnable listener) {
        this.onMissingTopic = listener;
        return this;
    }

    /** After a failure: told the failure, then does as {@code policy} says, after {@code pause} unless it stops. */
    public TopicReaderBuilder<K, V> onFailure(TopicReader.OnFailure policy, Duration pauseAfter, Consumer<RuntimeException> listener) {
        this.onFailure = policy;
        this.pause = pauseAfter;
        this.failed = listener;
        return this;
    }

    /**
     * Reads {@code other} too, with the same consumer, deserializers and handler (each record names
     * its topic): one fetch per broker for both. Every topic must exist for the reader to start.
     */
    public TopicReaderBuilder<K, V> alsoTopic(String other) {
        if (!other.equals(topic) && !moreTopics.contains(other)) {
            moreTopics.add(Objects.requireNonNull(other));
        }
        return this;
    }

    public TopicReaderBuilder<K, V> threadName(String name) {
        this.threadName = name;
        return this;
    }

    public TopicReader<K, V> build() {
        return new TopicReader<>(this);
    }
}
