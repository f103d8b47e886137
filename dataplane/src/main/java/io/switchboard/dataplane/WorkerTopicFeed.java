package io.switchboard.dataplane;

import io.switchboard.kafkaio.TopicRecord;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the feeds of a Kafka Connect cluster's own topics share (its statuses, configs and source
 * offsets, read as its workers write them): one {@link TopicTail} from the topic's start, caught up
 * once it has read as far as the topic went when it started, and giving up for good once the topic
 * holds more than the feed keeps, after which the feed answers nothing and the worker's REST API is
 * asked instead. A detached feed reads no topic (its records are given to it by hand) and counts as
 * caught up.
 */
abstract class WorkerTopicFeed implements AutoCloseable {
    /** Null for a detached feed. */
    private final TopicTail tail;
    private volatile boolean overflowed;

    /**
     * @param what          the topic's kind, for the tail's thread and the log ("status", "config", "offsets")
     * @param kafkaSettings settings every Kafka client gets (security, for one), under the feed's own
     */
    WorkerTopicFeed(String what, String bootstrapServers, Map<String, String> kafkaSettings, String topic, String isolation) {
        this.tail = new TopicTail(what, bootstrapServers, kafkaSettings, topic, isolation, this::read);
    }

    /** A detached feed. */
    WorkerTopicFeed() {
        this.tail = null;
    }

    /** Applies a batch of records, on the tail's thread; answers the connectors whose entries it changed. */
    abstract Set<String> read(Iterable<TopicRecord<String, byte[]>> records);

    /** Starts reading the topic. */
    final void startTail() {
        tail.start();
    }

    /** Called (on the feed's thread, once it has caught up) with the connectors each batch of records changed. */
    public void onChange(Consumer<Set<String>> listener) {
        if (tail != null) {
            tail.onChange(listener);
        }
    }

    /** Whether the feed has read the topic as far as it went when the feed started, and answers. */
    public boolean caughtUp() {
        return (tail == null || tail.caughtUp()) && !overflowed;
    }

    /** Whether the feed gave up ({@link #giveUp}). */
    final boolean overflowed() {
        return overflowed;
    }

    /** Gives up for good; answers whether this call did (the caller then drops what it holds and says so, once). */
    final boolean giveUp() {
        if (overflowed) {
            return false;
        }
        overflowed = true;
        return true;
    }

    @Override
    public void close() {
        if (tail != null) {
            tail.close();
        }
    }
}
