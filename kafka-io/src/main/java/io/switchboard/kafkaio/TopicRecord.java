package io.switchboard.kafkaio;

import org.apache.kafka.common.header.Headers;

/**
 * One record a {@link TopicReader} read: where it sits in its topic, when it was written, its
 * headers, key and value (a null value is a tombstone). The readers' users see this, not the
 * Kafka client's own record type, so that only this module speaks to Kafka's consumer.
 */
public record TopicRecord<K, V>(String topic, int partition, long offset, long timestamp, Headers headers, K key, V value) {
}
