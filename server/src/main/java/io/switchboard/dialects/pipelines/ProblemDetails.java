package io.switchboard.dialects.pipelines;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.switchboard.core.ServiceException;
import io.switchboard.http.ErrorFormat;
import io.switchboard.http.Problem;
import org.eclipse.jetty.http.HttpStatus;

import java.util.List;

/**
 * The pipeline API's errors: RFC 9457 problem details ({@code application/problem+json}):
 * {@code type} (a URI naming the kind of problem), {@code title}, {@code status}, {@code detail},
 * and for invalid input {@code errors}, one {@code {"field", "message"}} per field at fault.
 */
final class ProblemDetails implements ErrorFormat {
    static final String TYPES = "https://switchboard.dev/problems/";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Body(String type, String title, int status, String detail, List<FieldError> errors) {
    }

    record FieldError(String field, String message) {
    }

    @Override
    public Problem problem(ServiceException e) {
        return Problem.of(Problem.standardStatus(e), e.getMessage(), e);
    }

    @Override
    public Object body(Problem problem) {
        ServiceException source = problem.source();
        List<FieldError> errors = null;
        if (source instanceof ServiceException.InvalidRequest invalid && invalid.field() != null) {
            errors = invalid.violations().stream().map(v -> new FieldError(v.key(), v.message())).toList();
        } else if (source instanceof ServiceException.InvalidConfig invalid) {
            errors = invalid.violations().stream().map(v -> new FieldError(v.key(), v.message())).toList();
        }
        return new Body(TYPES + kind(problem.status(), source), HttpStatus.getMessage(problem.status()),
                problem.status(), problem.message(), errors);
    }

    private static String kind(int status, ServiceException source) {
        if (source instanceof ServiceException.InvalidRequest || source instanceof ServiceException.InvalidConfig) {
            return "invalid-request";
        }
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 409 -> "conflict";
            case 413 -> "too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "too-many-requests";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "bad-request";
        };
    }

    @Override
    public String contentType() {
        return "application/problem+json";
    }
}
