package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;

import java.util.Objects;

/**
 * Where an operation applies, and for whom: one Connect cluster Switchboard manages, by its name,
 * how much of its configs the caller sees, and how current its reads must be ({@link ReadConsistency},
 * given to every store read made for it). Switchboard's own parts (the data plane, pipelines
 * acting for their owner) see everything and read linearizably; a request's scope is built with the
 * caller's visibility and the consistency the request asked for.
 */
public record Scope(String cluster, Visibility visibility, ReadConsistency consistency) {
    public Scope {
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(visibility, "visibility");
        Objects.requireNonNull(consistency, "consistency");
        // A name no cluster can have (see ConnectorKey), such as one a path smuggled a slash into: no such cluster.
        if (cluster.isEmpty() || cluster.contains(ConnectorKey.SEPARATOR)) {
            throw ServiceException.NotFound.cluster(cluster);
        }
    }

    /** A scope whose reads are {@link ReadConsistency#LINEARIZABLE}. */
    public Scope(String cluster, Visibility visibility) {
        this(cluster, visibility, ReadConsistency.LINEARIZABLE);
    }

    /** A scope that sees every value but secrets, and reads {@link ReadConsistency#LINEARIZABLE}. */
    public Scope(String cluster) {
        this(cluster, Visibility.FULL);
    }

    /** The same cluster and consistency, seen with {@code other}. */
    public Scope seeing(Visibility other) {
        return new Scope(cluster, other, consistency);
    }
}
