package io.switchboard.testing;

import io.switchboard.commands.CommandSignatures;
import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.wire.AvroSerializer;
import io.switchboard.schemas.wire.HttpSchemaRegistryClient;
import io.switchboard.secrets.Keyring;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Writes commands straight to a command topic as a replica writes them: in the Confluent wire format,
 * keyed {@code <cluster>/<connector>}, signed with the replicas' keyring ({@link CommandSignatures}).
 * For tests and benchmarks that put on the topic what the API would refuse or take too long to send.
 */
public final class CommandWriter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerializer<ConnectorCommand> serializer;
    private final RecordSignatures signatures;

    /**
     * @param keyring  the keyring the replicas read ({@code --secrets-key-file}, by default
     *                 {@code <data-dir>/secrets.key})
     * @param settings producer settings over the defaults (batching, say)
     */
    public CommandWriter(String bootstrapServers, String schemaRegistryUrl, Keyring keyring, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.producer = new KafkaProducer<>(all, new ByteArraySerializer(), new ByteArraySerializer());
        this.serializer = new AvroSerializer<>(HttpSchemaRegistryClient.authenticated(schemaRegistryUrl,
                io.switchboard.RegistryCredentials.userInfo(keyring)), ConnectorCommand.class, false);
        this.signatures = CommandSignatures.of(keyring);
    }

    /**
     * @param client      a client's settings, bootstrap servers and credentials ({@link SecuredKafka#client})
     * @param keyringFile the keyring file the replicas read
     */
    public CommandWriter(Map<String, Object> client, String schemaRegistryUrl, Path keyringFile) {
        this((String) client.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), schemaRegistryUrl, Keyring.loadOrCreate(keyringFile), client);
    }

    /** Sends the command, signed, without waiting. */
    public Future<RecordMetadata> sendAsync(String topic, ConnectorCommand command) {
        RecordHeaders headers = new RecordHeaders();
        byte[] key = (command.getCluster() + ConnectorKey.SEPARATOR + command.getConnector()).getBytes(StandardCharsets.UTF_8);
        byte[] value = serializer.serialize(topic, headers, command);
        // Stamped now: a command the processor takes is one issued within minutes of reaching the topic.
        CommandRecords.stampAndSign(signatures, topic, key, value, headers, System.currentTimeMillis());
        return producer.send(new ProducerRecord<>(topic, null, key, value, headers));
    }

    /** Sends the command, signed, and waits until Kafka has it. */
    public void send(String topic, ConnectorCommand command) {
        try {
            sendAsync(topic, command).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The command was not written", e.getCause());
        }
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
