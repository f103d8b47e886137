package io.switchboard.dialects.connect;

import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.NotFound;
import io.switchboard.dialects.connect.Entities.ErrorMessage;
import io.switchboard.http.ErrorFormat;
import io.switchboard.http.Problem;

/** Kafka Connect's errors: its status codes, its words, and {"error_code": N, "message": "..."}. */
final class ConnectErrors implements ErrorFormat {

    @Override
    public Problem problem(ServiceException e) {
        if (e instanceof ServiceException.Unauthenticated) {
            return Problem.of(401, e.getMessage(), e);
        } else if (e instanceof ServiceException.Forbidden) {
            return Problem.of(403, e.getMessage(), e);
        }
        if (e instanceof NotFound missing) {
            return Problem.of(404, notFound(missing), e);
        } else if (e instanceof ServiceException.AlreadyExists exists) {
            return Problem.of(409, "Connector " + exists.name() + " already exists", e);
        } else if (e instanceof ServiceException.ConfigNameMismatch mismatch) {
            // Kafka Connect's words for its checkAndPutConnectorConfigName (the rule is core's).
            return Problem.of(400, "Connector name configuration (" + mismatch.configName()
                    + ") doesn't match connector name in the URL (" + mismatch.name() + ")", e);
        } else if (e instanceof ServiceException.InvalidConfig invalid) {
            return Problem.of(400, invalidConfig(invalid), e);
        } else if (e instanceof ServiceException.NotInState state) {
            // Kafka Connect's only such rule: offsets change while the connector is stopped.
            return Problem.of(400, "Connectors must be in the STOPPED state before their offsets can be modified. This can "
                    + "be done for the specified connector by issuing a 'PUT' request to the '/connectors/" + state.name()
                    + "/stop' endpoint", e);
        } else if (e instanceof ServiceException.InUse) {
            return Problem.of(409, e.getMessage(), e);
        } else if (e instanceof ServiceException.Busy || e instanceof ServiceException.NotTheOwner) {
            return Problem.of(409, e.getMessage(), e);
        } else if (e instanceof ServiceException.IdempotencyConflict) {
            return Problem.of(422, e.getMessage(), e);
        } else if (e instanceof ServiceException.Unavailable) {
            return Problem.of(503, e.getMessage(), e);
        } else if (e instanceof ServiceException.WorkerRefused refused) {
            return Problem.of(refused.status(), e.getMessage(), e);
        }
        return Problem.of(400, e.getMessage(), e);
    }

    /** Kafka Connect words a missing connector differently by endpoint; these are its words. */
    private static String notFound(NotFound missing) {
        String name = missing.name();
        return switch (missing.subject()) {
            case CLUSTER -> "Unknown Connect cluster: " + name;
            case OFFSETS_REQUEST -> "No offsets request was made for connector " + name;
            case SECRET -> "Secret " + name + " not found";
            case PIPELINE -> "Pipeline " + name + " not found";
            case POLICY -> "Policy " + name + " not found";
            case ROLLOUT -> "Rollout " + name + " not found";
            case TASK -> missing.operation() == ServiceException.Operation.READ_TASK_STATUS
                    ? "No status found for task " + name + "-" + missing.task()
                    : "Unknown task: " + name + "-" + missing.task();
            case CONNECTOR -> switch (missing.operation()) {
                case CHANGE_TARGET_STATE -> "Unknown connector " + name;
                case RESTART, RESTART_TASK -> "Unknown connector: " + name;
                case READ_STATUS -> "No status found for connector " + name;
                case READ_TASK_STATUS -> "No status found for task " + name + "-" + missing.task();
                default -> "Connector " + name + " not found";
            };
        };
    }

    private static String invalidConfig(ServiceException.InvalidConfig invalid) {
        StringBuilder message = new StringBuilder("Connector configuration is invalid and contains the following ")
                .append(invalid.violations().size()).append(" error(s):");
        invalid.violations().forEach(v -> message.append('\n').append(v.message()));
        message.append("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`");
        return message.toString();
    }

    @Override
    public Object body(Problem problem) {
        return new ErrorMessage(problem.status(), problem.message());
    }
}
