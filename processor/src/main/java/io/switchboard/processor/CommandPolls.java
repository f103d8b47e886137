package io.switchboard.processor;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Tells {@link CommandProgress} what the processor's own consumer returned of each command
 * partition at each poll, on the stream thread that polls: the offset of the last command it
 * returned and the offset it reads next. A read-committed consumer skips what is no command (a
 * transaction's commit marker, a record of an aborted transaction) without returning it, so what
 * lies between the two is nothing to decide; once the last command returned is processed, the
 * partition counts as processed up to the next offset ({@link CommandProgress#polled}).
 *
 * <p>Installed as an interceptor of the main consumer of Kafka Streams ({@link #follow}); the
 * progress it tells is handed to it in the consumer's configuration, so that each replica of a JVM
 * (tests run several) tells its own.
 */
public final class CommandPolls implements ConsumerInterceptor<Object, Object> {
    /** The consumer's configuration key holding the {@link CommandProgress} to tell. */
    static final String PROGRESS = "switchboard.command.progress";
    /** The consumer's configuration key naming the command topic. */
    static final String TOPIC = "switchboard.command.topic";

    private CommandProgress progress;
    private String topic;

    /** Streams settings whose main consumer tells {@code progress} what it returns of {@code commandTopic}. */
    public static Properties follow(Properties streams, CommandProgress progress, String commandTopic) {
        String interceptors = StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
        Object others = streams.get(interceptors);
        streams.put(interceptors, others == null ? CommandPolls.class.getName() : others + "," + CommandPolls.class.getName());
        streams.put(StreamsConfig.mainConsumerPrefix(PROGRESS), progress);
        streams.put(StreamsConfig.mainConsumerPrefix(TOPIC), commandTopic);
        return streams;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        progress = (CommandProgress) configs.get(PROGRESS);
        topic = (String) configs.get(TOPIC);
    }

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (progress == null) {
            return records;
        }
        for (Map.Entry<TopicPartition, OffsetAndMetadata> next : records.nextOffsets().entrySet()) {
            TopicPartition partition = next.getKey();
            if (!partition.topic().equals(topic) || next.getValue() == null) {
                continue;
            }
            List<ConsumerRecord<Object, Object>> returned = records.records(partition);
            long lastCommand = returned.isEmpty() ? CommandProgress.NONE_RETURNED : returned.get(returned.size() - 1).offset();
            progress.polled(partition.partition(), lastCommand, next.getValue().offset());
        }
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // Nothing: what is processed here counts before it is committed.
    }

    @Override
    public void close() {
        // Nothing held.
    }
}
