package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.ControlPlane;
import io.switchboard.rules.ControlPlane.FileConnectors;

import java.util.Set;
import java.util.TreeSet;

/** The control plane as the connector policies see it, from the topics and groups it owns. */
public final class ControlPlanes {
    private ControlPlanes() {
    }

    /**
     * Every topic and group of {@code topics} ({@link ControlPlane}): no connector may name one.
     * Topics created later under the prefix are covered by its pattern; the changelog of every
     * store of the topology is named outright, so that a pattern is tried against each.
     */
    public static ControlPlane of(Topics topics) {
        Set<String> owned = new TreeSet<>(topics.owned());
        StoreNames.ALL.forEach(store -> owned.add(topics.changelog(store)));
        return new ControlPlane(topics.prefix(), owned, topics.groups(), topics.pipelineNotifications());
    }

    /** As {@link #of(Topics)}, with the embedded worker's file connectors confined as {@code files} says. */
    public static ControlPlane of(Topics topics, FileConnectors files) {
        return of(topics).withFiles(files);
    }
}
