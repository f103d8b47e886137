package io.switchboard.rules;

import java.util.Objects;

/**
 * The key of everything about one connector: {@code <cluster>/<name>}. Cluster names cannot contain a
 * slash, so the first slash splits the two even when the connector name has slashes of its own.
 */
public record ConnectorKey(String cluster, String name) {
    public static final String SEPARATOR = "/";

    public ConnectorKey {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(name, "name");
        if (cluster.isEmpty() || cluster.contains(SEPARATOR)) {
            throw new IllegalArgumentException("Invalid cluster name '" + cluster + "'");
        }
    }

    public static ConnectorKey parse(String key) {
        int slash = key == null ? -1 : key.indexOf(SEPARATOR);
        if (slash <= 0) {
            throw new IllegalArgumentException("Invalid connector key '" + key + "'");
        }
        return new ConnectorKey(key.substring(0, slash), key.substring(slash + 1));
    }

    /** The prefix shared by the keys of every connector of a cluster, for prefix scans. */
    public static String clusterPrefix(String cluster) {
        return cluster + SEPARATOR;
    }

    @Override
    public String toString() {
        return cluster + SEPARATOR + name;
    }
}
