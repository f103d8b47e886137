package io.switchboard.kafka;

import io.switchboard.auth.InternalRequests;
import io.switchboard.auth.ReplicaKeys;
import io.switchboard.kafkaio.Hmacs;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.SecretBox;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The replicas' {@link ReplicaKeys} shared through Kafka, in the compacted one-partition topic
 * {@code <prefix>.replica-keys}, as Kafka Connect's workers share their session key (KIP-507):
 * <ul>
 *   <li><b>The session key</b> that signs replica-to-replica requests ({@link InternalRequests}):
 *   random, independent of the secrets keyring, sealed with the keyring in the topic (so the topic
 *   never holds it in plain text), and rotated every {@link #ROTATION}: the replica that first finds
 *   the newest key older than that writes a new one. Every replica signs with the newest key it has
 *   read and accepts the last {@value #ACCEPTED} keys, so a request signed just before a rotation
 *   still verifies just after it.</li>
 *   <li><b>The keyring's fingerprint</b>: one record per key id ({@code keyring/<id>}, an HMAC that
 *   names the key without revealing it). A replica whose keyring holds an id with another value, or
 *   none of the ids the topic has, would seal what the others cannot open and could not verify
 *   what they sign: it refuses to start, saying so. The first replica on an empty topic writes its
 *   ids; of two that race on an empty topic, the one written second withdraws its ids and refuses.</li>
 * </ul>
 * One {@link TopicReader} keeps the topic in memory; {@link #start} returns once this replica has
 * read the topic to its end and has a session key. Rotation is checked on the reader's thread,
 * once the start is done, at most once per poll.
 */
public final class KafkaReplicaKeys implements ReplicaKeys, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaReplicaKeys.class);
    static final Duration ROTATION = Duration.ofHours(1);
    static final int ACCEPTED = 3;
    private static final String SESSION = "session";
    private static final String KEYRING = "keyring/";
    private static final String SIGNED_OUT = "signed-out/";
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    private final String topic;
    private final Keyring keyring;
    /** What the session key is sealed for: it opens for this purpose only, so no connector's channel opens it. */
    static final String SESSION_KEY_PURPOSE = "switchboard replica session key";
    private final SecretBox box;
    private final Clock clock;
    private final TopicReader<String, String> reader;
    private final KafkaProducer<String, String> producer;
    private final SecureRandom random = new SecureRandom();
    /** Session keys read, oldest first, at most ACCEPTED. Written by the reader thread. */
    private volatile List<byte[]> sessionKeys = List.of();
    private volatile long newestCreatedAt;
    /** Keyring records read: id to fingerprint, in the order of their offsets. Guarded by itself. */
    private final Map<String, String> fingerprints = new LinkedHashMap<>();
    /**
     * When each user last signed out of the console (millis), as every replica has written it:
     * sessions issued before are ended. One entry per user who ever signed out (users of the users file only).
     */
    private final Map<String, Long> signedOut = new ConcurrentHashMap<>();
    /** Counted down once a session key is read. */
    private final CountDownLatch sessionKeyRead = new CountDownLatch(1);
    /** Set once {@link #start} is done: from then on, the reader's thread rotates the session key. */
    private volatile boolean rotating;
    private long jitter = random.nextInt(60_000);

    public KafkaReplicaKeys(String bootstrapServers, Map<String, String> kafkaSettings, String topic, Keyring keyring, Clock clock) {
        this.topic = topic;
        this.keyring = keyring;
        this.box = new SecretBox(keyring);
        this.clock = clock;
        KafkaClients clients = new KafkaClients(bootstrapServers, kafkaSettings);
        this.reader = TopicReader.of(clients, topic, new StringDeserializer(), new StringDeserializer())
                .pollFor(Duration.ofMillis(200))
                .threadName("switchboard-replica-keys")
                .onRecords(this::read)
                .onFailure(TopicReader.OnFailure.RETRY, Duration.ofSeconds(1),
                        e -> log.warn("Reading {} failed ({}); reading on", topic, e.toString()))
                .build();
        this.producer = clients.producer(Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000),
                new StringSerializer(), new StringSerializer());
    }

    /**
     * Reads the topic to its end, checks this replica's keyring against the one the replicas share
     * (throwing {@link KeyringMismatch} if it differs), and returns once a session key is known.
     */
    public KafkaReplicaKeys start() {
        reader.start();
        readToEnd();
        boolean bootstrap = shared().isEmpty();
        requireSameKeyring();
        Map<String, String> mine = ownFingerprints();
        List<String> written = new ArrayList<>();
        mine.forEach((id, fingerprint) -> {
            if (!shared().containsKey(id)) {
                send(KEYRING + id, fingerprint);
                written.add(id);
            }
        });
        if (sessionKeys.isEmpty()) {
            writeSessionKey();
        }
        readToEnd();
        if (bootstrap && !mine.containsKey(shared().keySet().iterator().next())) {
            // Another replica with another keyring wrote first on an empty topic: take ours back.
            written.forEach(id -> send(KEYRING + id, null));
            throw new KeyringMismatch(mismatch("none of its key ids", shared()));
        }
        requireSameKeyring();
        if (!await(sessionKeyRead)) {
            throw new IllegalStateException("No session key for replica requests could be read from " + topic);
        }
        rotating = true;
        return this;
    }

    /** The key this replica signs with: the newest it has read. */
    @Override
    public byte[] signingKey() {
        List<byte[]> keys = sessionKeys;
        return keys.get(keys.size() - 1);
    }

    /** The keys a request may be signed with, newest first. */
    @Override
    public List<byte[]> acceptedKeys() {
        List<byte[]> keys = new ArrayList<>(sessionKeys);
        Collections.reverse(keys);
        return keys;
    }

    /** A replica's keyring differs from the one its peers on this Kafka seal with. */
    public static final class KeyringMismatch extends IllegalStateException {
        KeyringMismatch(String message) {
            super(message);
        }
    }

    /** The keyring records read so far, as a copy. */
    private Map<String, String> shared() {
        synchronized (fingerprints) {
            return new LinkedHashMap<>(fingerprints);
        }
    }

    private void requireSameKeyring() {
        Map<String, String> fingerprints = shared();
        Map<String, String> mine = ownFingerprints();
        for (Map.Entry<String, String> own : mine.entrySet()) {
            String shared = fingerprints.get(own.getKey());
            if (shared != null && !shared.equals(own.getValue())) {
                throw new KeyringMismatch(mismatch("key " + own.getKey() + " with another value", fingerprints));
            }
        }
        if (!fingerprints.isEmpty() && mine.keySet().stream().noneMatch(fingerprints::containsKey)) {
            throw new KeyringMismatch(mismatch("none of its key ids", fingerprints));
        }
    }

    private String mismatch(String what, Map<String, String> fingerprints) {
        return "This replica's secrets keyring is not the one the other replicas on this Kafka seal with: it holds "
                + what + " (the replicas' keyring has " + String.join(", ", fingerprints.keySet()) + ", recorded in "
                + topic + "). Give every replica the same keyring (--secrets-key-file or --secrets-key); a replica "
                + "with its own would seal what the others cannot open.";
    }

    private Map<String, String> ownFingerprints() {
        Map<String, String> own = new LinkedHashMap<>();
        for (Keyring.Key key : keyring.all()) {
            own.put(key.id(), Base64.getUrlEncoder().withoutPadding().encodeToString(
                    Hmacs.of(key.key().getEncoded(), "switchboard keyring fingerprint v1")));
        }
        return own;
    }

    /**
     * Ends every console session of this user issued until now, on every replica: recorded in the
     * topic (each replica applies it as it reads it, within a fraction of a second) and here at once.
     */
    @Override
    public void signOut(String user) {
        long at = clock.millis();
        signedOut.merge(user, at, Math::max);
        send(SIGNED_OUT + user, String.valueOf(at));
    }

    /** When this user last signed out (millis), or {@link Long#MIN_VALUE} if never. */
    @Override
    public long signedOutAt(String user) {
        return signedOut.getOrDefault(user, Long.MIN_VALUE);
    }

    private void writeSessionKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        String sealed = box.sealFor(SESSION_KEY_PURPOSE, Base64.getEncoder().encodeToString(key));
        send(SESSION, clock.millis() + " " + sealed);
    }

    private void send(String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, key, value)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot write to " + topic + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the reader has read the topic as far as it goes now. */
    private void readToEnd() {
        try {
            if (!reader.readToEnd(READY_WITHIN)) {
                throw new IllegalStateException("Cannot read " + topic + " to its end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading " + topic, e);
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(READY_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Each batch the reader read, on its thread; once started, the session key is rotated when due. */
    private void read(List<TopicRecord<String, String>> records) {
        records.forEach(this::apply);
        if (rotating && clock.millis() - newestCreatedAt > ROTATION.toMillis() + jitter) {
            writeSessionKey();
            jitter = random.nextInt(60_000);
            // Not again until this one is read back.
            newestCreatedAt = clock.millis();
        }
    }

    private void apply(TopicRecord<String, String> record) {
        String key = record.key();
        if (key == null) {
            return;
        }
        if (key.startsWith(KEYRING)) {
            String id = key.substring(KEYRING.length());
            synchronized (fingerprints) {
                if (record.value() == null) {
                    fingerprints.remove(id);
                } else {
                    fingerprints.putIfAbsent(id, record.value());
                }
            }
        } else if (key.startsWith(SIGNED_OUT) && record.value() != null) {
            try {
                signedOut.merge(key.substring(SIGNED_OUT.length()), Long.parseLong(record.value()), Math::max);
            } catch (NumberFormatException e) {
                log.warn("Skipped a sign-out at offset {} of {} that does not read", record.offset(), topic);
            }
        } else if (key.equals(SESSION) && record.value() != null) {
            int space = record.value().indexOf(' ');
            try {
                long createdAt = Long.parseLong(record.value().substring(0, space));
                byte[] opened = Base64.getDecoder().decode(box.openFor(SESSION_KEY_PURPOSE, record.value().substring(space + 1)));
                List<byte[]> keys = new ArrayList<>(sessionKeys);
                keys.add(opened);
                sessionKeys = List.copyOf(keys.subList(Math.max(0, keys.size() - ACCEPTED), keys.size()));
                newestCreatedAt = Math.max(newestCreatedAt, createdAt);
                sessionKeyRead.countDown();
            } catch (RuntimeException e) {
                // Sealed with a keyring this replica does not have: its keyring check says so at start.
                log.warn("Skipped a session key at offset {} of {} that this replica cannot open", record.offset(), topic);
            }
        }
    }

    @Override
    public void close() {
        reader.close();
        producer.close(Duration.ofSeconds(5));
    }
}
