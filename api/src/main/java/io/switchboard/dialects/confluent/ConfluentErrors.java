package io.switchboard.dialects.confluent;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.switchboard.core.ServiceException;
import io.switchboard.core.ServiceException.NotFound;
import io.switchboard.http.ErrorFormat;
import io.switchboard.http.Problem;

import java.util.stream.Collectors;

/** Confluent Cloud's errors: {"error": {"code": STATUS, "message": "..."}} on every 4xx and 5xx. */
final class ConfluentErrors implements ErrorFormat {

    record Body(Detail error) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Detail(int code, String message) {
    }

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
        } else if (e instanceof ServiceException.InvalidConfig invalid) {
            return Problem.of(400, "There were some errors with your configuration:\n" + invalid.violations().stream()
                    .map(v -> (v.key() == null ? "" : v.key() + ": ") + v.message()).collect(Collectors.joining("\n")), e);
        } else if (e instanceof ServiceException.NotInState state) {
            return Problem.of(409, "Connector " + state.name() + " must be " + state.required() + " first", e);
        } else if (e instanceof ServiceException.InUse) {
            return Problem.of(409, e.getMessage(), e);
        } else if (e instanceof ServiceException.Busy) {
            return Problem.of(409, e.getMessage(), e);
        } else if (e instanceof ServiceException.IdempotencyConflict) {
            return Problem.of(422, e.getMessage(), e);
        } else if (e instanceof ServiceException.Unavailable) {
            return Problem.of(503, e.getMessage(), e);
        } else if (e instanceof ServiceException.WorkerRefused refused) {
            return Problem.of(refused.status() >= 500 ? 400 : refused.status(), e.getMessage(), e);
        }
        return Problem.of(400, e.getMessage(), e);
    }

    private static String notFound(NotFound missing) {
        return switch (missing.subject()) {
            case CLUSTER -> "Kafka cluster not found: " + missing.name();
            case TASK -> "Task " + missing.task() + " of connector " + missing.name() + " not found";
            case CONNECTOR -> "Connector " + missing.name() + " not found";
            case OFFSETS_REQUEST -> "No offsets request was made for connector " + missing.name();
            case SECRET -> "Secret " + missing.name() + " not found";
            case PIPELINE -> "Pipeline " + missing.name() + " not found";
        };
    }

    @Override
    public Object body(Problem problem) {
        return new Body(new Detail(problem.status(), problem.message()));
    }
}
