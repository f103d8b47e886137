package io.switchboard.processor;

import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.ConnectorCommand;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The command topic of a topology test, written as a replica writes it: each command serialized, then
 * stamped with its issue time (the record's timestamp, as though Kafka appended it as it was issued) and
 * signed.
 */
final class CommandInput {
    private final TestInputTopic<byte[], byte[]> topic;
    private final String name;
    private final Serializer<ConnectorCommand> serializer;
    private final RecordSignatures signatures;

    CommandInput(TestInputTopic<byte[], byte[]> topic, String name, Serializer<ConnectorCommand> serializer, RecordSignatures signatures) {
        this.topic = topic;
        this.name = name;
        this.serializer = serializer;
        this.signatures = signatures;
    }

    /** The command, signed with the replicas' key. */
    void pipeInput(String key, ConnectorCommand command) {
        pipeInput(key, command, signatures);
    }

    /** The command, signed with the replicas' key, with this record timestamp. */
    void pipeInput(String key, ConnectorCommand command, long timestampMs) {
        pipe(key, serializer.serialize(name, new RecordHeaders(), command), signatures, Instant.ofEpochMilli(timestampMs));
    }

    /** The command signed with these signatures (another key, say), or unsigned when null. */
    void pipeInput(String key, ConnectorCommand command, RecordSignatures by) {
        pipeBytes(key, serializer.serialize(name, new RecordHeaders(), command), by);
    }

    /** These bytes as the record's value, signed with these signatures, or unsigned when null. */
    void pipeBytes(String key, byte[] value, RecordSignatures by) {
        pipe(key, value, by, null);
    }

    /** The command issued at {@code issuedAtMs}, signed with the replicas' key, appended by Kafka at {@code appendedAtMs}. */
    void pipeIssued(String key, ConnectorCommand command, long issuedAtMs, long appendedAtMs) {
        pipeRecord(signed(key, serializer.serialize(name, new RecordHeaders(), command), issuedAtMs), appendedAtMs);
    }

    /** The command as a replica writes it, issued at {@code issuedAtMs}: its key, value and headers, to pipe again as they are. */
    TestRecord<byte[], byte[]> signed(String key, ConnectorCommand command, long issuedAtMs) {
        return signed(key, serializer.serialize(name, new RecordHeaders(), command), issuedAtMs);
    }

    private TestRecord<byte[], byte[]> signed(String key, byte[] value, long issuedAtMs) {
        Headers headers = new RecordHeaders();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        CommandRecords.stampAndSign(signatures, name, keyBytes, value, headers, issuedAtMs);
        return new TestRecord<>(keyBytes, value, headers, Instant.ofEpochMilli(issuedAtMs));
    }

    /** A record's key, value and headers exactly as they were, appended by Kafka at {@code appendedAtMs}. */
    void pipeRecord(TestRecord<byte[], byte[]> record, long appendedAtMs) {
        topic.pipeInput(new TestRecord<>(record.key(), record.value(), new RecordHeaders(record.headers().toArray()),
                Instant.ofEpochMilli(appendedAtMs)));
    }

    private void pipe(String key, byte[] value, RecordSignatures by, Instant timestamp) {
        Headers headers = new RecordHeaders();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        // Appended as it is issued, unless a test says when.
        Instant at = timestamp != null ? timestamp : Instant.now();
        if (by != null) {
            CommandRecords.stampAndSign(by, name, keyBytes, value, headers, at.toEpochMilli());
        }
        topic.pipeInput(new TestRecord<>(keyBytes, value, headers, at));
    }
}
