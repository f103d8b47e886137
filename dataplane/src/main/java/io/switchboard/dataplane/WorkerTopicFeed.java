package io.switchboard.dataplane;

import io.switchboard.kafkaio.TopicRecord;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the feeds of a Kafka Connect cluster's own topics share (its statuses, configs and source
 * offsets, read as its workers write them): their topic read from its start by the cluster's
 * {@link WorkerTopics}, which reads all of them with one consumer and starts and stops them; caught up
 * once that reading has read as far as the topics went when it started, and giving up for good once
 * the topic holds more than the feed keeps, after which the feed answers nothing and the worker's
 * REST API is asked instead (the cluster's other feeds read on). A detached feed reads no topic (its
 * records are given to it by hand) and counts as caught up.
 */
abstract class WorkerTopicFeed {
    /** Null for a detached feed. */
    private final WorkerTopics topics;
    private volatile boolean overflowed;
    private volatile Consumer<Set<String>> onChange = names -> { };

    /** A feed of {@code topic} as {@code topics} reads it, beside the cluster's other topics; started and closed with them. */
    WorkerTopicFeed(String what, WorkerTopics topics, String topic, String isolation) {
        this.topics = topics;
        topics.add(what, topic, this, isolation);
    }

    /** A detached feed. */
    WorkerTopicFeed() {
        this.topics = null;
    }

    /** Applies a batch of records, on the reader's thread; answers the connectors whose entries it changed. */
    abstract Set<String> read(Iterable<TopicRecord<String, byte[]>> records);

    /** Called (on the reader's thread, once it has caught up) with the connectors each batch of records changed. */
    public void onChange(Consumer<Set<String>> listener) {
        this.onChange = listener;
    }

    /** Tells the listener of the connectors a batch changed, once caught up (on the reader's thread). */
    final void changed(Set<String> names) {
        onChange.accept(names);
    }

    /** Whether the feed has read the topic as far as it went when the feed started, and answers. */
    public boolean caughtUp() {
        return (topics == null || topics.caughtUp()) && !overflowed;
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
}
