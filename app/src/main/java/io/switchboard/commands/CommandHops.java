package io.switchboard.commands;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A trace of each command through its hops, for the benchmark that shows where a decided answer
 * spends its time ({@code bench/pause-hops.sh}); off unless {@link #enable} was called before the
 * replica started in this JVM, and then bounded: at most {@code capacity} commands under way and
 * {@code capacity} finished traces are kept, more are not traced. The times are
 * {@link System#nanoTime} readings: sent to the gateway, acknowledged by the broker, returned by
 * the processor's poll, decided on the stream thread, and the decision seen by the waiting request.
 */
public final class CommandHops {
    /** One command's hops, in {@link System#nanoTime}; 0 where a hop was not seen (a decision made on another replica has no poll or decided time here). */
    public record Trace(String commandId, String connector, long submitted, long acked, long polled, long decided, long seen) {
    }

    private static volatile CommandHops recorder;

    private final int capacity;
    private final Map<String, long[]> underWay = new ConcurrentHashMap<>();
    private final Map<String, String> connectors = new ConcurrentHashMap<>();
    /** The command id of each acknowledged record, by "topic/partition/offset", until its poll is seen. */
    private final Map<String, String> byOffset = new ConcurrentHashMap<>();
    /** Polls of command records not (yet) matched to an acknowledgement, by "topic/partition/offset". */
    private final Map<String, Long> polls = new ConcurrentHashMap<>();
    private final BlockingQueue<Trace> finished;
    private volatile String commandTopic;

    private CommandHops(int capacity) {
        this.capacity = capacity;
        this.finished = new ArrayBlockingQueue<>(capacity);
    }

    /** Traces commands from now on in this JVM, keeping at most {@code capacity} of each kind. */
    public static void enable(int capacity) {
        recorder = new CommandHops(capacity);
    }

    /** The finished traces since the last call, oldest first. */
    public static List<Trace> drain() {
        CommandHops r = recorder;
        List<Trace> out = new ArrayList<>();
        if (r != null) {
            r.finished.drainTo(out);
        }
        return out;
    }

    /** The processor's settings, with the interceptor that stamps polls when tracing is on. */
    public static Properties tracePolls(Properties streamsSettings, String commandTopic) {
        CommandHops r = recorder;
        if (r != null) {
            r.commandTopic = commandTopic;
            String interceptors = StreamsConfig.mainConsumerPrefix(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG);
            Object others = streamsSettings.get(interceptors);
            streamsSettings.put(interceptors, others == null ? Polls.class.getName() : others + "," + Polls.class.getName());
        }
        return streamsSettings;
    }

    static void submitted(String commandId, String connector) {
        CommandHops r = recorder;
        if (r != null && r.underWay.size() < r.capacity) {
            long[] hops = new long[5];
            hops[0] = System.nanoTime();
            r.connectors.put(commandId, connector);
            r.underWay.put(commandId, hops);
        }
    }

    static void acked(String commandId, String topic, int partition, long offset) {
        CommandHops r = recorder;
        long[] hops = r == null ? null : r.underWay.get(commandId);
        if (hops != null) {
            hops[1] = System.nanoTime();
            String at = topic + "/" + partition + "/" + offset;
            Long polled = r.polls.remove(at);
            if (polled != null) {
                hops[2] = polled;
            } else if (r.byOffset.size() < r.capacity) {
                r.byOffset.put(at, commandId);
            }
        }
    }

    static void decided(String commandId) {
        stamp(commandId, 3);
    }

    static void seen(String commandId) {
        CommandHops r = recorder;
        long[] hops = r == null ? null : r.underWay.remove(commandId);
        if (hops != null) {
            hops[4] = System.nanoTime();
            r.finished.offer(new Trace(commandId, r.connectors.remove(commandId), hops[0], hops[1], hops[2], hops[3], hops[4]));
        }
    }

    private static void stamp(String commandId, int hop) {
        CommandHops r = recorder;
        long[] hops = r == null ? null : r.underWay.get(commandId);
        if (hops != null) {
            hops[hop] = System.nanoTime();
        }
    }

    /**
     * Stamps the poll that returned a command to the processor, matched to its command by offset.
     * The processor may poll a command before the broker's acknowledgement reaches the gateway (both
     * follow the same append): such a poll waits (bounded) for the acknowledgement to match it.
     */
    public static final class Polls implements ConsumerInterceptor<byte[], byte[]> {
        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            CommandHops r = recorder;
            if (r == null) {
                return records;
            }
            long now = System.nanoTime();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (!record.topic().equals(r.commandTopic)) {
                    continue;
                }
                String at = record.topic() + "/" + record.partition() + "/" + record.offset();
                String commandId = r.byOffset.remove(at);
                long[] hops = commandId == null ? null : r.underWay.get(commandId);
                if (hops != null) {
                    hops[2] = now;
                } else if (commandId == null) {
                    if (r.polls.size() >= r.capacity) {
                        r.polls.clear();
                    }
                    r.polls.put(at, now);
                }
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }
}
