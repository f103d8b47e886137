package io.switchboard.dataplane;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.OffsetsResult;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.TaskObservation;

import java.util.function.UnaryOperator;

/**
 * Hides, in what the data plane reports, the secrets a worker quotes back from a connector's config:
 * a plugin that fails to sign in often puts the credential in its exception, which the worker
 * reports as a trace. The data plane reports facts and decides nothing about secrets: what is
 * secret, and how it is hidden, is the core's secret policy, given here as a function.
 */
@FunctionalInterface
public interface QuotedSecrets {
    /** Nothing hidden: for data planes whose connectors hold no secret. */
    QuotedSecrets NONE = desired -> UnaryOperator.identity();

    /** What hides the secrets of this connector's config in a text. */
    UnaryOperator<String> hiderFor(ConnectorState desired);

    /** The observation with every text the worker wrote (traces, errors, messages) hidden by {@code hide}. */
    static ConnectorObservation hideIn(ConnectorObservation observation, UnaryOperator<String> hide) {
        observation.setTrace(hide.apply(observation.getTrace()));
        for (TaskObservation task : observation.getTasks()) {
            task.setTrace(hide.apply(task.getTrace()));
        }
        ReconcileFailure failure = observation.getReconcileFailure();
        if (failure != null) {
            failure.setError(hide.apply(failure.getError()));
        }
        OffsetsResult offsets = observation.getOffsetsApplied();
        if (offsets != null) {
            offsets.setMessage(hide.apply(offsets.getMessage()));
        }
        return observation;
    }
}
