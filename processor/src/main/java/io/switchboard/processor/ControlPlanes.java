package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.ControlPlane;

/** The control plane as the connector policies see it, from the topics and groups it owns. */
public final class ControlPlanes {
    private ControlPlanes() {
    }

    /**
     * Every topic and group of {@code topics} ({@link ControlPlane}): no connector may name one.
     * Topics created later under the prefix are covered by its pattern.
     */
    public static ControlPlane of(Topics topics) {
        return new ControlPlane(topics.prefix(), topics.owned(), topics.groups(), topics.pipelineNotifications());
    }
}
