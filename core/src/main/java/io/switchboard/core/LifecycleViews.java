package io.switchboard.core;

import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.secrets.Redactor;

import java.util.Map;

/**
 * Lifecycle events as a caller sees them, as the core shapes every other view: a config an event
 * carries hidden by the {@link Redactor} with the operator's key rule (the command processor hid
 * sealed values only, as it knows no operator's rule), and with {@link Visibility#KEYS_ONLY} keys
 * without values. Streams of events get their events from here, never rewriting them afterwards.
 */
public final class LifecycleViews {
    private final Redactor redactor;

    public LifecycleViews(Redactor redactor) {
        this.redactor = redactor;
    }

    public LifecycleEvent shape(LifecycleEvent event, Visibility visibility) {
        Object payload = event.getEvent();
        Object shown;
        if (payload instanceof ConnectorCreated created) {
            shown = ConnectorCreated.newBuilder(created).setConfig(shown(created.getConfig(), visibility)).build();
        } else if (payload instanceof ConnectorConfigChanged changed) {
            shown = ConnectorConfigChanged.newBuilder(changed).setConfig(shown(changed.getConfig(), visibility)).build();
        } else {
            return event;
        }
        return LifecycleEvent.newBuilder(event).setEvent(shown).build();
    }

    private Map<String, String> shown(Map<String, String> config, Visibility visibility) {
        return visibility.shape(redactor.hideAll(config));
    }
}
