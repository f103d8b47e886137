package io.switchboard.rules;

import com.google.re2j.Pattern;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Kafka names the control plane of one deployment owns, which no connector may name: every
 * topic and consumer group under the deployment's topic prefix {@code P}, deployment configuration
 * (never a constant here). What it holds:
 * <ul>
 *   <li>topics: everything under {@code P.} (commands, decisions, lifecycle, observations, leases,
 *       replica keys, pipeline notifications, the dead letters, secrets, schemas, any added later);
 *       Kafka Streams' internal topics of its application id {@code P} ({@code P-*-changelog},
 *       {@code P-*-repartition}); and each name in {@link #topics()}: the embedded worker's
 *       internal topics, a lifecycle topic named outright;</li>
 *   <li>consumer groups: {@code P} (Kafka Streams), everything under {@code P.} and {@code P-}
 *       (the reconcilers' lease groups {@code P-reconciler-<cluster>}, the embedded worker's
 *       {@code P-connect}), and each name in {@link #groups()}.</li>
 * </ul>
 * A name merely beginning with the prefix ({@code switchboardx}, {@code switchboard-orders}) is
 * the users', unless a connector could build a control-plane name from it (see
 * {@link #couldBegin}).
 *
 * @param prefix the deployment's topic prefix, also Kafka Streams' application id
 * @param topics further topics the control plane owns outside the patterns above
 * @param groups further consumer groups it owns
 * @param pipelineNotifications the topic the typed pipelines' sources write their notifications to
 *                              (one of the control plane's): a pipeline's own connector names it
 */
public record ControlPlane(String prefix, Set<String> topics, Set<String> groups, String pipelineNotifications) {
    /** Names tried against a pattern for each part of the namespace no finite list covers. */
    private static final String PROBE = "x";

    public ControlPlane {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("A control plane needs its topic prefix");
        }
        topics = Set.copyOf(topics);
        groups = Set.copyOf(groups);
    }

    /** Whether the topic belongs to the control plane. */
    public boolean isTopic(String name) {
        return name.startsWith(prefix + ".") || topics.contains(name)
                || name.startsWith(prefix + "-") && (name.endsWith("-changelog") || name.endsWith("-repartition"));
    }

    /** Whether the consumer group belongs to the control plane. */
    public boolean isGroup(String name) {
        return name.equals(prefix) || name.startsWith(prefix + ".") || name.startsWith(prefix + "-") || groups.contains(name);
    }

    /**
     * Whether some control-plane topic begins with {@code start}, or everything that begins with it
     * is under the prefix: what a connector that names topics {@code <start><anything>} (Debezium's
     * {@code topic.prefix} with its delimiter, a heartbeat prefix) may reach, whatever follows.
     */
    public boolean couldBegin(String start) {
        for (String namespace : List.of(prefix + ".", prefix + "-")) {
            if (start.startsWith(namespace) || namespace.startsWith(start)) {
                return true;
            }
        }
        return topics.stream().anyMatch(t -> t.startsWith(start));
    }

    /**
     * A control-plane topic the pattern matches whole (as Kafka Connect matches {@code topics.regex}),
     * or null: each known topic, and a name from each part of the namespace, are tried, in time linear
     * in each name (RE2/J, see {@link LinearPatterns}).
     */
    public String matchedBy(Pattern pattern) {
        for (String name : examples()) {
            if (pattern.matcher(name).matches()) {
                return name;
            }
        }
        return null;
    }

    /** The known topics, then one name each for the patterns of the namespace, in a stable order. */
    private List<String> examples() {
        List<String> names = new ArrayList<>(new TreeSet<>(topics));
        names.add(prefix + "." + PROBE);
        names.add(prefix + "-" + PROBE + "-changelog");
        names.add(prefix + "-" + PROBE + "-repartition");
        return names;
    }
}
