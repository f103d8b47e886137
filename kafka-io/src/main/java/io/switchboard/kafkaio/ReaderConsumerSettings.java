package io.switchboard.kafkaio;

import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * The consumer settings a {@link TopicReader} reads with: the handler's own, under what every reader
 * is (no group, nothing committed, no topic made by asking for it) and how long an idle fetch may be
 * held at the broker.
 */
public final class ReaderConsumerSettings {
    /**
     * How long the broker holds an idle read_uncommitted reader's fetch: Kafka's own 500 ms. Records
     * end a held fetch at once, but nothing else on the consumer's connection does: the broker answers
     * a connection's requests one at a time, so the end offsets a read to the end asks for wait out a
     * held fetch (held 5 s, a lookup of a schema the registry does not hold takes up to 10 s to answer
     * 404, and an idle reader's read to the end nearly 5 s). Only for consumers whose partitions
     * stay as first assigned, as a reader's do.
     */
    public static final int IDLE_FETCH_WAIT_MS = 500;

    private ReaderConsumerSettings() {
    }

    /** The settings a reader's consumer gets, from the handler's own. */
    static Map<String, Object> of(Map<String, ?> own) {
        Map<String, Object> given = new HashMap<>(own);
        given.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A topic is made with its settings (Topics), never by the broker's defaults because a reader asked for it.
        given.putIfAbsent(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // A read_uncommitted fetch is answered as soon as records arrive; the wait bounds only how
        // often an idle reader asks again. A read_committed one keeps Kafka's 500 ms: held longer, it
        // can wait out its whole time after the transaction it waits for has committed (60 pauses
        // take nearly twice as long to show, bench/pause-writes.sh).
        if (!"read_committed".equals(String.valueOf(given.get(ConsumerConfig.ISOLATION_LEVEL_CONFIG)))) {
            given.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IDLE_FETCH_WAIT_MS);
        }
        given.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return Map.copyOf(given);
    }
}
