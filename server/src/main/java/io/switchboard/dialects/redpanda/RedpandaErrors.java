package io.switchboard.dialects.redpanda;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.core.ServiceException;
import io.switchboard.http.ErrorFormat;
import io.switchboard.http.Problem;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redpanda's errors: google.rpc.Status with the code's name, as its data plane renders them,
 * {"code": "NOT_FOUND", "message": ..., "details": [ErrorInfo, and BadRequest for invalid input]},
 * with the HTTP status gRPC-gateway gives that code.
 */
final class RedpandaErrors implements ErrorFormat {
    static final String DOMAIN = "redpanda.com/dataplane";
    static final String INVALID_INPUT = "provided parameters are invalid";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Status(String code, String message, List<Object> details) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorInfo(@JsonProperty("@type") String type, String reason, String domain, Map<String, String> metadata) {
        ErrorInfo(String reason, Map<String, String> metadata) {
            this("type.googleapis.com/google.rpc.ErrorInfo", reason, DOMAIN, metadata);
        }
    }

    record BadRequest(@JsonProperty("@type") String type, @JsonProperty("field_violations") List<FieldViolation> fieldViolations) {
        BadRequest(List<FieldViolation> fieldViolations) {
            this("type.googleapis.com/google.rpc.BadRequest", fieldViolations);
        }
    }

    record FieldViolation(String field, String description) {
    }

    /** A request that breaks one of Redpanda's own validation rules: INVALID_ARGUMENT naming each field. */
    static ServiceException.InvalidRequest invalid(List<ServiceException.Violation> violations) {
        return new ServiceException.InvalidRequest(INVALID_INPUT, violations);
    }

    static ServiceException.InvalidRequest invalid(String field, String description) {
        return invalid(List.of(new ServiceException.Violation(field, description)));
    }

    @Override
    public Problem problem(ServiceException e) {
        // What gRPC calls FAILED_PRECONDITION, gRPC-gateway answers 400.
        boolean precondition = e instanceof ServiceException.InUse || e instanceof ServiceException.NotInState
                || e instanceof ServiceException.IdempotencyConflict;
        return Problem.of(precondition ? 400 : Problem.standardStatus(e), words(e), e);
    }

    /** Redpanda's words: lower case, and one message for every invalid input (the details name the fields). */
    private static String words(ServiceException e) {
        if (e instanceof ServiceException.NotFound missing) {
            return switch (missing.subject()) {
                case CONNECTOR -> "connector " + missing.name() + " not found";
                case TASK -> "task " + missing.task() + " of connector " + missing.name() + " not found";
                case CLUSTER -> "kafka connect cluster " + missing.name() + " not found";
                case OFFSETS_REQUEST -> "no offsets request was made for connector " + missing.name();
                case SECRET -> "secret " + missing.name() + " not found";
                case PIPELINE -> "pipeline " + missing.name() + " not found";
                case POLICY -> "policy " + missing.name() + " not found";
                case ROLLOUT -> "rollout " + missing.name() + " not found";
            };
        } else if (e instanceof ServiceException.AlreadyExists exists) {
            return exists.subject().name().toLowerCase(Locale.ROOT) + " " + exists.name() + " already exists";
        } else if (e instanceof ServiceException.InvalidConfig || e instanceof ServiceException.InvalidRequest) {
            return INVALID_INPUT;
        }
        return e.getMessage();
    }

    @Override
    public Object body(Problem problem) {
        ServiceException source = problem.source();
        String code = code(problem.status(), source);
        List<Object> details = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        if (source instanceof ServiceException.NotFound missing) {
            metadata.put("resource", missing.subject().name().toLowerCase(Locale.ROOT));
            metadata.put("name", missing.name());
        }
        details.add(new ErrorInfo(reason(code), metadata.isEmpty() ? null : metadata));
        List<FieldViolation> violations = violations(source);
        if (!violations.isEmpty()) {
            details.add(new BadRequest(violations));
        }
        return new Status(code, problem.message(), details);
    }

    private static List<FieldViolation> violations(ServiceException source) {
        if (source instanceof ServiceException.InvalidConfig invalid) {
            return invalid.violations().stream()
                    .map(v -> new FieldViolation(v.key() == null ? "config" : "config." + v.key(), v.message())).toList();
        }
        if (source instanceof ServiceException.InvalidRequest invalid) {
            return invalid.violations().stream()
                    .map(v -> new FieldViolation(v.key() == null ? "body" : v.key(), v.message())).toList();
        }
        return List.of();
    }

    /** The google.rpc code of an answer: from the domain error when there is one, else from the HTTP status. */
    static String code(int status, ServiceException source) {
        if (source instanceof ServiceException.AlreadyExists) {
            return "ALREADY_EXISTS";
        }
        if (source instanceof ServiceException.NotInState || source instanceof ServiceException.IdempotencyConflict
                || source instanceof ServiceException.InUse) {
            return "FAILED_PRECONDITION";
        }
        return switch (status) {
            case 400, 411, 413, 414, 415, 417, 422, 431 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405, 501 -> "UNIMPLEMENTED";
            case 409 -> "ABORTED";
            case 412 -> "FAILED_PRECONDITION";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status < 500 ? "INVALID_ARGUMENT" : "INTERNAL";
        };
    }

    private static String reason(String code) {
        return switch (code) {
            case "INVALID_ARGUMENT" -> "REASON_INVALID_INPUT";
            case "NOT_FOUND" -> "REASON_RESOURCE_NOT_FOUND";
            case "ALREADY_EXISTS" -> "REASON_RESOURCE_ALREADY_EXISTS";
            case "UNAVAILABLE" -> "REASON_SERVICE_UNAVAILABLE";
            case "ABORTED" -> "REASON_CONFLICT";
            case "FAILED_PRECONDITION" -> "REASON_FAILED_PRECONDITION";
            case "UNAUTHENTICATED" -> "REASON_UNAUTHENTICATED";
            case "PERMISSION_DENIED" -> "REASON_PERMISSION_DENIED";
            case "UNIMPLEMENTED" -> "REASON_UNIMPLEMENTED";
            case "RESOURCE_EXHAUSTED" -> "REASON_RESOURCE_EXHAUSTED";
            default -> "REASON_" + code;
        };
    }
}
