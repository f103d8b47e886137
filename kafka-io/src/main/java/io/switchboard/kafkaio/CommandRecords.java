package io.switchboard.kafkaio;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * How a record of the command topic is written by whoever writes one (a replica's API, the processor's
 * own commands, a test's writer): in the partition its key names ({@link #partition}, the partition
 * Kafka's producer picks for a key, chosen here whatever partitioner a client is given), stamped with
 * the time it is issued ({@value #ISSUED_HEADER}, epoch milliseconds) and then signed, so that the
 * signature covers the stamp ({@link RecordSignatures} signs every header). The processor refuses a
 * command in another partition, issued too long before or after Kafka appended it, or already decided.
 */
public final class CommandRecords {
    /** The header of a command's issue time, epoch milliseconds in decimal, covered by its signature. */
    public static final String ISSUED_HEADER = "switchboard.issued";

    private CommandRecords() {
    }

    /** The partition of the command topic, of {@code partitions}, that a command keyed {@code key} belongs in. */
    public static int partition(byte[] key, int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("A topic has at least one partition");
        }
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Stamps the record with its issue time (replacing any stamp), then signs it whole. */
    public static void stampAndSign(RecordSignatures signatures, String topic, byte[] key, byte[] value, Headers headers,
                                    long issuedAtMs) {
        headers.remove(ISSUED_HEADER);
        headers.add(ISSUED_HEADER, Long.toString(issuedAtMs).getBytes(StandardCharsets.US_ASCII));
        signatures.sign(topic, key, value, headers);
    }

    /** The record's issue time, when it carries one that reads as a number. */
    public static OptionalLong issuedAt(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(ISSUED_HEADER);
        if (header == null || header.value() == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(new String(header.value(), StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
