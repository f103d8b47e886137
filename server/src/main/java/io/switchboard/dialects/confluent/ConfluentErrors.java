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
        return Problem.of(Problem.standardStatus(e), words(e), e);
    }

    /** Confluent's words where it has its own; the plain description otherwise. */
    private static String words(ServiceException e) {
        if (e instanceof NotFound missing) {
            return notFound(missing);
        } else if (e instanceof ServiceException.InvalidConfig invalid) {
            return "There were some errors with your configuration:\n" + invalid.violations().stream()
                    .map(v -> (v.key() == null ? "" : v.key() + ": ") + v.message()).collect(Collectors.joining("\n"));
        }
        return e.getMessage();
    }

    private static String notFound(NotFound missing) {
        return switch (missing.subject()) {
            case CLUSTER -> "Kafka cluster not found: " + missing.name();
            case TASK -> "Task " + missing.task() + " of connector " + missing.name() + " not found";
            case CONNECTOR -> "Connector " + missing.name() + " not found";
            case OFFSETS_REQUEST -> "No offsets request was made for connector " + missing.name();
            case SECRET -> "Secret " + missing.name() + " not found";
            case PIPELINE -> "Pipeline " + missing.name() + " not found";
            case POLICY -> "Policy " + missing.name() + " not found";
            case ROLLOUT -> "Rollout " + missing.name() + " not found";
        };
    }

    @Override
    public Object body(Problem problem) {
        return new Body(new Detail(problem.status(), problem.message()));
    }
}
