package io.switchboard.rules;

import io.switchboard.secrets.ConfigReferences;

import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in policy {@value #POLICY}: what one connector config may ask of the shared worker and
 * of every replica's memory. A value holds at most {@value #MAX_VALUE_BYTES} bytes, a config at
 * most {@value #MAX_KEYS} keys and {@value #MAX_CONFIG_BYTES} bytes (keys and values, UTF-8);
 * {@code tasks.max} is a whole number no greater than the operator's {@link #maxTasksPerConnector}
 * (a reference there is refused: the worker would resolve it after every check), and the
 * {@code tasks.max} of a cluster's connectors add up to at most {@link #maxTasksPerCluster}
 * ({@link #clusterRefusal}). A value on which Kafka's own config-reference pattern, which the worker
 * runs on every value, would backtrack for long (a {@code ${} with no {@code }} after it and
 * hundreds of {@code :} after that) is refused. A {@code tasks.max} that is no whole number at all is left to the
 * worker's validation, which refuses it; it counts as one task here.
 *
 * @param maxTasksPerConnector the largest {@code tasks.max} of one connector ({@code --max-tasks-per-connector})
 * @param maxTasksPerCluster   the largest sum of {@code tasks.max} over a cluster's connectors ({@code --max-tasks-per-cluster})
 */
public record ResourceBounds(int maxTasksPerConnector, int maxTasksPerCluster) {
    public static final String POLICY = "resource-bounds";
    public static final String TASKS_MAX = "tasks.max";
    public static final int MAX_VALUE_BYTES = 64 * 1024;
    public static final int MAX_KEYS = 1000;
    public static final int MAX_CONFIG_BYTES = 512 * 1024;
    public static final int DEFAULT_MAX_TASKS_PER_CONNECTOR = 64;
    public static final int DEFAULT_MAX_TASKS_PER_CLUSTER = 1000;
    /** The defaults of the operator settings. */
    public static final ResourceBounds DEFAULT = new ResourceBounds(DEFAULT_MAX_TASKS_PER_CONNECTOR, DEFAULT_MAX_TASKS_PER_CLUSTER);

    public ResourceBounds {
        if (maxTasksPerConnector < 1 || maxTasksPerCluster < maxTasksPerConnector) {
            throw new IllegalArgumentException("--max-tasks-per-connector must be at least 1 and --max-tasks-per-cluster at least as large ("
                    + maxTasksPerConnector + ", " + maxTasksPerCluster + ")");
        }
    }

    /** Why the config is beyond the bounds of one connector, or null. Linear in the config's size. */
    public ConnectorPolicies.Refusal refusal(Map<String, String> config) {
        if (config.size() > MAX_KEYS) {
            return refused(null, "the config has " + config.size() + " keys; a connector config has at most " + MAX_KEYS);
        }
        long total = 0;
        for (Map.Entry<String, String> entry : new TreeMap<>(config).entrySet()) {
            long value = utf8Length(entry.getValue());
            if (value > MAX_VALUE_BYTES) {
                return refused(entry.getKey(), entry.getKey() + " is " + value + " bytes long; a value has at most " + MAX_VALUE_BYTES + " bytes");
            }
            total += utf8Length(entry.getKey()) + value;
            if (backtracking(entry.getValue()) > MAX_BACKTRACKING) {
                return refused(entry.getKey(), entry.getKey() + " holds '${' with no '}' after it and many ':' after that: no reference, but "
                        + "a Kafka Connect worker reads such a value with Kafka's config-reference pattern in time that grows with the "
                        + "cube of those ':' (close the '${' or write it otherwise)");
            }
        }
        if (total > MAX_CONFIG_BYTES) {
            return refused(null, "the config is " + total + " bytes long; a connector config has at most " + MAX_CONFIG_BYTES + " bytes");
        }
        String tasks = config.get(TASKS_MAX);
        if (ConfigReferences.holdsReference(tasks)) {
            return refused(TASKS_MAX, TASKS_MAX + " holds a config provider reference, which the worker resolves after every check: "
                    + "give the number itself");
        }
        if (tasks(config) > maxTasksPerConnector) {
            return refused(TASKS_MAX, TASKS_MAX + " is " + tasks(config) + "; a connector runs at most " + maxTasksPerConnector
                    + " tasks here (--max-tasks-per-connector)");
        }
        return null;
    }

    /**
     * Why the connector's {@code tasks.max} would take its cluster past {@link #maxTasksPerCluster},
     * or null: the tasks of the cluster's other connectors ({@code others}, by name; the connector's
     * own entry, if any, is left out) and the config's own.
     */
    /**
     * Whether a write of this config is held to the cluster's bound: when it asks for more than one
     * task. A connector of one task counts in the sum, but its own write reads no other connector
     * (every create would read the whole cluster); the bound is for the connectors that ask for many.
     */
    public static boolean countsTheCluster(Map<String, String> config) {
        return tasks(config) > 1;
    }

    public ConnectorPolicies.Refusal clusterRefusal(String cluster, String name, Map<String, String> config,
                                                    Map<String, Map<String, String>> others) {
        long total = tasks(config);
        for (Map.Entry<String, Map<String, String>> other : others.entrySet()) {
            if (!other.getKey().equals(name)) {
                total += tasks(other.getValue());
            }
        }
        if (total <= maxTasksPerCluster) {
            return null;
        }
        return refused(TASKS_MAX, "the connectors of cluster " + cluster + " would run " + total + " tasks (tasks.max added up); a cluster runs at most "
                + maxTasksPerCluster + " (--max-tasks-per-cluster)");
    }

    /** The config's {@code tasks.max} as the worker takes it (trimmed); 1 when absent or no whole number of at least 1. */
    public static int tasks(Map<String, String> config) {
        String tasks = config == null ? null : config.get(TASKS_MAX);
        if (tasks == null) {
            return 1;
        }
        try {
            return Math.max(1, Integer.parseInt(tasks.trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * The steps Kafka's config-reference pattern ({@code ConfigTransformer.DEFAULT_PATTERN}), which
     * the worker runs on every value, backtracks through on the value, roughly: a {@code ${} with no
     * {@code }} after it fails only after trying every pair of the {@code :} that follow it, about
     * c³/6 steps for c of them; a {@code ${} closed later matches in linear time. Linear in the value.
     */
    static long backtracking(String value) {
        if (value == null) {
            return 0;
        }
        long steps = 0;
        long colons = 0;
        // Only what follows the last '}' holds a '${' with no '}' after it.
        for (int i = value.length() - 1; i >= 0 && value.charAt(i) != '}'; i--) {
            char c = value.charAt(i);
            if (c == ':') {
                colons++;
            } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '{') {
                steps = Math.min(Long.MAX_VALUE / 2, steps + colons * colons * colons / 6);
            }
        }
        return steps;
    }

    /** The most backtracking ({@link #backtracking}) a value may cost a worker: milliseconds. */
    static final long MAX_BACKTRACKING = 10_000_000L;

    private static ConnectorPolicies.Refusal refused(String key, String reason) {
        return new ConnectorPolicies.Refusal(POLICY, key, reason);
    }

    private static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
