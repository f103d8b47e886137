package io.switchboard.core;

/** Where an operation applies: one Connect cluster Switchboard manages, by its name. */
public record Scope(String cluster) {
    public Scope {
        java.util.Objects.requireNonNull(cluster, "cluster");
    }
}
