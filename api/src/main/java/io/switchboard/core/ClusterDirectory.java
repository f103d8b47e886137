package io.switchboard.core;

import io.switchboard.dataplane.ConnectClusterClient;

import java.util.List;

/** The Connect clusters Switchboard manages, and how to reach each one's worker. */
public interface ClusterDirectory {

    /** The cluster the root of the Kafka Connect API works on. */
    String DEFAULT_CLUSTER = "default";

    /** Every cluster a scope may name: the managed ones, and always {@link #DEFAULT_CLUSTER}. */
    List<String> names();

    default boolean manages(String cluster) {
        return names().contains(cluster);
    }

    /** The URL of the cluster's worker; null when it has none; {@link ServiceException.Unavailable} while it starts. */
    String workerUrl(String cluster);

    /** A kept client of the cluster's worker; null when it has none; Unavailable while it starts. */
    ConnectClusterClient client(String cluster);
}
