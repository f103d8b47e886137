package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;

import java.util.Objects;

/**
 * Where an operation applies, and for whom: one Connect cluster Switchboard manages, by its name,
 * and how much of its configs the caller sees. Switchboard's own parts (the data plane, pipelines
 * acting for their owner) see everything; a request's scope is built with the caller's visibility.
 */
public record Scope(String cluster, Visibility visibility) {
    public Scope {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(visibility, "visibility");
        // A name no cluster can have (see ConnectorKey), such as one a path smuggled a slash into: no such cluster.
        if (cluster.isEmpty() || cluster.contains(ConnectorKey.SEPARATOR)) {
            throw ServiceException.NotFound.cluster(cluster);
        }
    }

    /** A scope that sees every value but secrets. */
    public Scope(String cluster) {
        this(cluster, Visibility.FULL);
    }
}
