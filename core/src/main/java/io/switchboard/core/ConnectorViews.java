package io.switchboard.core;

import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.StatusView;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsRequest;
import io.switchboard.schemas.OffsetsResult;

import java.time.Instant;
import java.util.Optional;

/**
 * How a stored connector and the data plane's last report become the views the dialects answer.
 * Its invariant: a decoration read (the data plane's report) never fails a decision already made;
 * when it cannot be served now the view goes without it.
 */
final class ConnectorViews {
    private final ConnectorStore queries;
    private final ConnectorPlugins plugins;
    private final ConnectorSecrets secrets;

    ConnectorViews(ConnectorStore queries, ConnectorPlugins plugins, ConnectorSecrets secrets) {
        this.queries = queries;
        this.plugins = plugins;
        this.secrets = secrets;
    }

    /** A connector just created: no worker has reported on it, so there is nothing to look up. */
    ConnectorView newView(ConnectorState state) {
        return view(state, 0, plugins.typeOf(state.getConfig().get(ConnectorConfigValidator.CONNECTOR_CLASS)));
    }

    /** The view with what the data plane last reported, read with {@code consistency}, if it can be read now. */
    ConnectorView view(ConnectorState state, ReadConsistency consistency) {
        return view(state, observed(state, consistency));
    }

    ConnectorView view(ConnectorState state, Optional<ConnectorObservation> observation) {
        int tasks = observation.map(observed -> observed.getTaskConfigs().size()).orElse(0);
        return view(state, tasks, typeOf(state, observation));
    }

    private ConnectorView view(ConnectorState state, int tasks, String type) {
        return new ConnectorView(state.getCluster(), state.getName(), secrets.hidden(state.getConfig()), tasks, type,
                state.getTargetState(), state.getVersion(), Instant.ofEpochMilli(state.getCreatedAt()),
                Instant.ofEpochMilli(state.getUpdatedAt()));
    }

    /** See {@link StatusViews}: for a caller who sees keys only, the worker's texts have the config's values hidden. */
    StatusView status(ConnectorState state, Optional<ConnectorObservation> observation, Visibility visibility) {
        return StatusViews.of(state, observation, typeOf(state, observation), visibility);
    }

    /** The status with what the data plane last reported, read with {@code consistency}, if it can be read now. */
    StatusView status(ConnectorState state, Visibility visibility, ReadConsistency consistency) {
        return status(state, observed(state, consistency), visibility);
    }

    /** The type the data plane reported, else what the plugins Switchboard knows say. */
    private String typeOf(ConnectorState state, Optional<ConnectorObservation> observation) {
        return observation
                .map(ConnectorObservation::getType)
                .filter(type -> !type.isEmpty())
                .orElseGet(() -> plugins.typeOf(state.getConfig().get(ConnectorConfigValidator.CONNECTOR_CLASS)));
    }

    /**
     * What the data plane last reported, for decorating an answer. A decision already made must not
     * turn into an error because this extra read cannot be served right now (a rebalance moving the
     * statuses store): then the answer goes without it.
     */
    Optional<ConnectorObservation> observed(ConnectorState state, ReadConsistency consistency) {
        try {
            return queries.status(new ConnectorKey(state.getCluster(), state.getName()), consistency);
        } catch (StoreUnavailableException e) {
            return Optional.empty();
        }
    }

    static Views.OffsetsRequestView offsetsRequest(OffsetsRequest request, Optional<ConnectorObservation> observed) {
        OffsetsResult result = observed.map(ConnectorObservation::getOffsetsApplied)
                .filter(r -> r.getId().equals(request.getId())).orElse(null);
        Instant requestedAt = request.getRequestedAt() == null ? null : Instant.ofEpochMilli(request.getRequestedAt());
        if (result == null) {
            return new Views.OffsetsRequestView(request.getId(), request.getOffsets(), requestedAt,
                    Views.OffsetsRequestView.Phase.PENDING, null, null, null);
        }
        boolean applied = result.getCode() < 300;
        return new Views.OffsetsRequestView(request.getId(), request.getOffsets(), requestedAt,
                applied ? Views.OffsetsRequestView.Phase.APPLIED : Views.OffsetsRequestView.Phase.FAILED, result.getMessage(),
                result.getPreviousOffsets(), applied && result.getAppliedAt() != null ? Instant.ofEpochMilli(result.getAppliedAt()) : null);
    }
}
