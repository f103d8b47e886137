package io.switchboard.testing;

import io.switchboard.commands.CommandSignatures;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.secrets.Keyring;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Map;

/**
 * A producer of records that replicas act on only signed (observations, say), signed as a replica
 * signs them with its keyring ({@link CommandSignatures#records}): the producer serializes each
 * record's key, then its value with its headers, which the value's serializer signs with the key it
 * was just given on the same thread.
 */
public final class SignedRecordsProducer {
    private SignedRecordsProducer() {
    }

    public static <V> KafkaProducer<String, V> of(Map<String, Object> settings, Serializer<V> values, Keyring keyring) {
        RecordSignatures signatures = CommandSignatures.records(keyring);
        StringSerializer strings = new StringSerializer();
        ThreadLocal<byte[]> lastKey = new ThreadLocal<>();
        Serializer<String> keys = (topic, key) -> {
            byte[] bytes = strings.serialize(topic, key);
            lastKey.set(bytes);
            return bytes;
        };
        Serializer<V> signed = new Serializer<>() {
            @Override
            public byte[] serialize(String topic, V value) {
                throw new UnsupportedOperationException("Signed with the record's headers only");
            }

            @Override
            public byte[] serialize(String topic, Headers headers, V value) {
                byte[] bytes = value == null ? null : values.serialize(topic, headers, value);
                signatures.sign(topic, lastKey.get(), bytes, headers);
                return bytes;
            }
        };
        return new KafkaProducer<>(settings, keys, signed);
    }
}
