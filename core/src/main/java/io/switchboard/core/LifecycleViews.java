package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorStatusChanged;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.OffsetsAltered;
import io.switchboard.schemas.OffsetsReset;
import io.switchboard.schemas.PipelinePhaseChanged;
import io.switchboard.schemas.ReconcileFailed;
import io.switchboard.secrets.Redactor;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Lifecycle events as a caller sees them, as the core shapes every other view: a config an event
 * carries hidden by the {@link Redactor} with the operator's key rule (the command processor hid
 * sealed values only, as it knows no operator's rule), and with {@link Visibility#KEYS_ONLY} keys
 * without values. For such a caller the texts a worker wrote (a status change's trace, a reconcile
 * failure's error, an offsets change's message) are shaped as the status routes shape them
 * ({@link Visibility#shapeText}, with the connector's current config); when that config cannot be
 * read (the connector is gone) such a text is hidden whole, and so is a pipeline's phase change's
 * cause, which may quote either of the pipeline's two connectors. Streams of events get their
 * events from here, never rewriting them afterwards.
 */
public final class LifecycleViews {
    private final Redactor redactor;
    private final Function<ConnectorKey, Optional<Map<String, String>>> configs;

    /** Without the connectors' configs: a caller who sees keys only gets no text a worker wrote. */
    public LifecycleViews(Redactor redactor) {
        this(redactor, key -> Optional.empty());
    }

    /** @param configs a connector's current (stored) config, empty when it has none or it cannot be read now */
    public LifecycleViews(Redactor redactor, Function<ConnectorKey, Optional<Map<String, String>>> configs) {
        this.redactor = redactor;
        this.configs = configs;
    }

    public LifecycleEvent shape(LifecycleEvent event, Visibility visibility) {
        Object payload = event.getEvent();
        Object shown;
        if (payload instanceof ConnectorCreated created) {
            shown = ConnectorCreated.newBuilder(created).setConfig(shown(created.getConfig(), visibility)).build();
        } else if (payload instanceof ConnectorConfigChanged changed) {
            shown = ConnectorConfigChanged.newBuilder(changed).setConfig(shown(changed.getConfig(), visibility)).build();
        } else if (visibility == Visibility.FULL) {
            return event;
        } else if (payload instanceof ConnectorStatusChanged status) {
            shown = ConnectorStatusChanged.newBuilder(status).setTrace(keysOnly(event, status.getTrace())).build();
        } else if (payload instanceof ReconcileFailed failed) {
            shown = ReconcileFailed.newBuilder(failed).setError(keysOnly(event, failed.getError())).build();
        } else if (payload instanceof OffsetsAltered altered) {
            shown = OffsetsAltered.newBuilder(altered).setMessage(keysOnly(event, altered.getMessage())).build();
        } else if (payload instanceof OffsetsReset reset) {
            shown = OffsetsReset.newBuilder(reset).setMessage(keysOnly(event, reset.getMessage())).build();
        } else if (payload instanceof PipelinePhaseChanged phase) {
            shown = PipelinePhaseChanged.newBuilder(phase).setCause(phase.getCause() == null ? null : Redactor.MASK).build();
        } else {
            return event;
        }
        return LifecycleEvent.newBuilder(event).setEvent(shown).build();
    }

    private Map<String, String> shown(Map<String, String> config, Visibility visibility) {
        return visibility.shape(redactor.hideAll(config));
    }

    /** A text a worker wrote about the event's connector, for a caller who sees keys only. */
    private String keysOnly(LifecycleEvent event, String text) {
        if (text == null) {
            return null;
        }
        Optional<Map<String, String>> config;
        try {
            config = configs.apply(new ConnectorKey(event.getCluster(), event.getConnector()));
        } catch (RuntimeException e) {
            config = Optional.empty();
        }
        return config.map(c -> Visibility.KEYS_ONLY.shapeText(text, c)).orElse(Redactor.MASK);
    }
}
