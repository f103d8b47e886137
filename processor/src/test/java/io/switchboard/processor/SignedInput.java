package io.switchboard.processor;

import io.switchboard.kafkaio.RecordSignatures;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * An input topic of a topology test whose records are signed as a replica signs them: the driver
 * serializes each record's key, then its value with its headers, which the value's serializer signs
 * with the key it was just given ({@link RecordSignatures}). One topic, one thread.
 */
final class SignedInput {
    private SignedInput() {
    }

    static <V> TestInputTopic<String, V> topic(TopologyTestDriver driver, String topic, Serializer<V> values, RecordSignatures by) {
        StringSerializer strings = new StringSerializer();
        byte[][] lastKey = new byte[1][];
        Serializer<String> keys = new Serializer<>() {
            @Override
            public byte[] serialize(String name, String key) {
                lastKey[0] = strings.serialize(name, key);
                return lastKey[0];
            }
        };
        Serializer<V> signed = new Serializer<>() {
            @Override
            public byte[] serialize(String name, V value) {
                throw new UnsupportedOperationException("Signed with the record's headers only");
            }

            @Override
            public byte[] serialize(String name, Headers headers, V value) {
                byte[] bytes = value == null ? null : values.serialize(name, headers, value);
                by.sign(name, lastKey[0], bytes, headers);
                return bytes;
            }
        };
        return driver.createInputTopic(topic, keys, signed);
    }
}
