package io.switchboard.schemas;

import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.kafkaio.RecordSignatures.Verdict;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The connectors store's states, signed by the processor that writes them, so that what reads the
 * store's changelog and acts on it (the data plane's desired state, the decisions it reconciles on)
 * acts only on states a replica's processor decided: a record written to the changelog by anyone
 * else carries no signature that verifies. The signature ({@link ConnectorState#getSignature}, as
 * {@code <key id>:<base64url MAC>}) is an HMAC-SHA256, under keys only replicas hold, over the
 * changelog partition's name ({@code <changelog>-<partition>}), the record's key and a canonical
 * encoding of every field of the state but the signature (each value typed and length-prefixed, maps
 * in key order), so it reads the same whatever order a map was read in. Among those fields is the
 * state's {@link ConnectorState#getSequence sequence}, the offset of the command that wrote it in its
 * partition of the command topic, which is the changelog's partition too: every state the processor
 * writes to a partition has a greater sequence than the ones it wrote there before, across deletes,
 * so a reader that keeps each partition's latest ({@link Order}) refuses a signed state copied back
 * after a later one, and one copied into another partition does not verify. A state read with another
 * version of the schema than the one that signed it does not verify (a rolling upgrade that adds a
 * field), and is treated as unsigned.
 */
public final class SignedStates {
    private static final String SIGNATURE_FIELD = "signature";

    static {
        // Resolving a union's branch may look up the generated classes, as reading does.
        AvroTrust.install();
    }

    private final RecordSignatures signatures;
    private final String changelog;

    /**
     * @param signatures keys derived for states only, the first signs
     * @param changelog  the connectors store's changelog, whose name the signature covers
     */
    public SignedStates(RecordSignatures signatures, String changelog) {
        this.signatures = signatures;
        this.changelog = changelog;
    }

    /**
     * A copy of the state with this sequence, signed as stored under {@code key} in {@code partition}
     * of the changelog.
     *
     * @param sequence the offset of the command that wrote it, in that partition of the command topic
     */
    public ConnectorState sign(String key, int partition, long sequence, ConnectorState state) {
        ConnectorState sequenced = ConnectorState.newBuilder(state).setSequence(sequence).setSignature(null).build();
        Headers headers = new RecordHeaders();
        signatures.sign(partitionName(partition), key.getBytes(StandardCharsets.UTF_8), canonical(sequenced), headers);
        String signature = new String(headers.lastHeader(RecordSignatures.HEADER).value(), StandardCharsets.US_ASCII);
        return ConnectorState.newBuilder(sequenced).setSignature(signature).build();
    }

    /**
     * What the state's signature says of it, as stored under {@code key} (the changelog record's key,
     * which it must be signed for) in {@code partition} of the changelog (the record's partition).
     */
    public Verdict verify(String key, int partition, ConnectorState state) {
        Headers headers = new RecordHeaders();
        if (state.getSignature() != null) {
            headers.add(RecordSignatures.HEADER, state.getSignature().getBytes(StandardCharsets.US_ASCII));
        }
        return signatures.verify(partitionName(partition), key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                canonical(state), headers);
    }

    private String partitionName(int partition) {
        return changelog + "-" + partition;
    }

    /**
     * The latest sequence taken from each partition of the changelog, as one reader reads it in
     * order: a state verified is taken only when it {@link #advances} past it. A long per partition;
     * not safe for several threads (each reader has its own).
     */
    public static final class Order {
        private final Map<Integer, Long> latest = new HashMap<>();

        /**
         * Whether the state comes after every state taken from its partition (its sequence is greater);
         * if so it is taken, and it is the latest of the partition from now on. A copy of an earlier
         * state, or of the latest one, does not.
         */
        public boolean advances(int partition, ConnectorState state) {
            Long before = latest.get(partition);
            if (before != null && state.getSequence() <= before) {
                return false;
            }
            latest.put(partition, state.getSequence());
            return true;
        }
    }

    /** Every field of the state but its signature, typed and length-prefixed, maps in key order. */
    static byte[] canonical(ConnectorState state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (Schema.Field field : state.getSchema().getFields()) {
                if (!field.name().equals(SIGNATURE_FIELD)) {
                    write(out, field.schema(), state.get(field.pos()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void write(DataOutputStream out, Schema schema, Object value) throws IOException {
        switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                for (Schema.Field field : schema.getFields()) {
                    write(out, field.schema(), record.get(field.pos()));
                }
            }
            case UNION -> {
                int branch = SpecificData.get().resolveUnion(schema, value);
                out.writeInt(branch);
                write(out, schema.getTypes().get(branch), value);
            }
            case MAP -> {
                Map<String, Object> sorted = new TreeMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> sorted.put(k.toString(), v));
                out.writeInt(sorted.size());
                for (Map.Entry<String, Object> entry : sorted.entrySet()) {
                    text(out, entry.getKey());
                    write(out, schema.getValueType(), entry.getValue());
                }
            }
            case ARRAY -> {
                List<?> items = new ArrayList<>((Collection<?>) value);
                out.writeInt(items.size());
                for (Object item : items) {
                    write(out, schema.getElementType(), item);
                }
            }
            case STRING -> text(out, value.toString());
            case ENUM -> text(out, value instanceof GenericEnumSymbol<?> symbol ? symbol.toString() : ((Enum<?>) value).name());
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] data = new byte[buffer.remaining()];
                buffer.get(data);
                out.writeInt(data.length);
                out.write(data);
            }
            case FIXED -> {
                byte[] data = ((GenericFixed) value).bytes();
                out.writeInt(data.length);
                out.write(data);
            }
            case INT -> out.writeInt((Integer) value);
            case LONG -> out.writeLong((Long) value);
            case FLOAT -> out.writeFloat((Float) value);
            case DOUBLE -> out.writeDouble((Double) value);
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case NULL -> {
            }
            default -> throw new IllegalArgumentException("No canonical form for " + schema.getType());
        }
    }

    private static void text(DataOutputStream out, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(data.length);
        out.write(data);
    }
}
