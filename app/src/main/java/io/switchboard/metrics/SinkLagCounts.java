package io.switchboard.metrics;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How many records a sink is behind, from what Kafka says: over every partition of the topics it
 * subscribes to, from where its group would read next (its committed offset; on a partition it has
 * not committed on, or whose committed offset the topic no longer holds, where its consumer would
 * reset to: the partition's log start for {@code earliest}, Kafka Connect's default for sinks, its
 * end for {@code latest}) to the partition's end. So a sink that has not committed yet is behind by
 * every record its topics hold, and a sink stuck before its first commit shows its lag. Pure.
 */
final class SinkLagCounts {
    private SinkLagCounts() {
    }

    /** What a sink reads: the topics it names, or the pattern they match, and where it starts without a commit. */
    record Subscription(Set<String> topics, Pattern pattern, boolean fromLatest) {
        /** What a sink connector's config subscribes to ({@code topics}, {@code topics.regex}, the consumer's reset override). */
        static Subscription of(Map<String, String> config) {
            Set<String> topics = new TreeSet<>();
            String listed = config.getOrDefault("topics", "");
            Arrays.stream(listed.split(",")).map(String::trim).filter(t -> !t.isEmpty()).forEach(topics::add);
            Pattern pattern = null;
            String regex = config.get("topics.regex");
            if (regex != null && !regex.isBlank()) {
                try {
                    pattern = Pattern.compile(regex.trim());
                } catch (PatternSyntaxException e) {
                    // The worker refuses such a connector: it reads nothing.
                }
            }
            String reset = config.getOrDefault("consumer.override.auto.offset.reset", "earliest").trim().toLowerCase(Locale.ROOT);
            return new Subscription(Set.copyOf(topics), pattern, reset.equals("latest"));
        }

        boolean needsTopicList() {
            return pattern != null;
        }

        /** The topics it reads among {@code existing} (those named, and those the pattern matches). */
        Set<String> topicsAmong(Collection<String> existing) {
            Set<String> read = new TreeSet<>(topics);
            if (pattern != null) {
                existing.stream().filter(t -> pattern.matcher(t).matches()).forEach(read::add);
            }
            return read;
        }
    }

    /** A sink's lag: the sum, and each partition it lags on (from where it would read, and by how much). */
    record Lag(long records, List<SinkLagAges.Lagging> lagging) {
    }

    /**
     * A sink's lag over {@code partitions} (those of the topics it reads).
     *
     * @param committed its group's committed offsets (any partition; those not read are left out)
     * @param starts    each partition's log start offset
     * @param ends      each partition's end offset; a partition without one is left out
     */
    static Lag of(Collection<TopicPartition> partitions, boolean fromLatest, Map<TopicPartition, Long> committed,
                  Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {
        long sum = 0;
        List<SinkLagAges.Lagging> lagging = new ArrayList<>();
        List<TopicPartition> ordered = partitions.stream().distinct()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)).toList();
        for (TopicPartition partition : ordered) {
            Long end = ends.get(partition);
            if (end == null) {
                continue;
            }
            long start = starts.getOrDefault(partition, 0L);
            Long at = committed.get(partition);
            long from = at != null && at >= start && at <= end ? at : fromLatest ? end : start;
            long behind = Math.max(0, end - from);
            sum += behind;
            if (behind > 0) {
                lagging.add(new SinkLagAges.Lagging(partition, from, behind));
            }
        }
        return new Lag(sum, List.copyOf(lagging));
    }
}
