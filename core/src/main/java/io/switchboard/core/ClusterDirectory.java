package io.switchboard.core;



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

    /**
     * Whether what the cluster's workers are sent may hold Switchboard's secrets: sealed values and
     * named secrets' references, which its workers open themselves with Switchboard's config
     * providers (the embedded worker), or which go nowhere (a cluster without a worker). An external
     * cluster's workers cannot open them, and Switchboard never sends them a secret in the clear.
     */
    default boolean opensSecrets(String cluster) {
        return true;
    }

    /** A kept client of the cluster's worker; null when it has none; Unavailable while it starts. */
    WorkerClient client(String cluster);
}
