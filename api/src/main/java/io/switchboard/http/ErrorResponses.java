package io.switchboard.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.switchboard.commands.CommandNotSentException;
import io.switchboard.commands.DecisionTimeoutException;
import io.switchboard.connect.ConnectRestException;
import io.switchboard.connect.Entities.ErrorMessage;
import io.switchboard.query.StoreUnavailableException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns every failure into Kafka Connect's error body, {"error_code": N, "message": "..."}:
 * the one place where exceptions become HTTP answers.
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    /** Seconds a client is told to wait before retrying a request that could not be served now. */
    static final String RETRY_AFTER_SECONDS = "1";

    private ErrorResponses() {
    }

    static void install(JavalinConfig config) {
        config.routes.exception(Exception.class, (e, ctx) -> write(ctx, e));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e));
        config.routes.error(404, ctx -> {
            if (isEmpty(ctx)) {
                json(ctx, 404, "HTTP 404 Not Found");
            }
        });
        config.routes.error(405, ctx -> {
            if (isEmpty(ctx)) {
                json(ctx, 405, "HTTP 405 Method Not Allowed");
            }
        });
    }

    /** Answers the request with the error body that fits the failure. */
    public static void write(Context ctx, Throwable failure) {
        Throwable e = unwrap(failure);
        if (e instanceof ConnectRestException rest) {
            if (rest instanceof RetryLaterException later) {
                ctx.header("Retry-After", String.valueOf(later.retryAfterSeconds()));
            }
            json(ctx, rest.status(), rest.getMessage());
        } else if (e instanceof StoreUnavailableException || e instanceof InvalidStateStoreException
                || e instanceof CommandNotSentException || e instanceof DecisionTimeoutException) {
            ctx.header("Retry-After", RETRY_AFTER_SECONDS);
            json(ctx, 503, e.getMessage());
        } else if (e instanceof HttpResponseException http) {
            json(ctx, http.getStatus(), httpMessage(http));
        } else if (e instanceof org.eclipse.jetty.http.HttpException bad && bad.getCode() >= 400 && bad.getCode() < 500) {
            // Jetty could not read the request (a malformed chunk, a body cut short): the client's fault.
            json(ctx, bad.getCode(), "The request body could not be read");
        } else if (e instanceof org.eclipse.jetty.io.EofException) {
            json(ctx, 400, "The request body could not be read");
        } else {
            log.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
            // The log has the details; the answer names no code.
            json(ctx, 500, "Internal error; the server log has the details");
        }
    }

    private static String httpMessage(HttpResponseException http) {
        return switch (http.getStatus()) {
            case 404 -> "HTTP 404 Not Found";
            case 405 -> "HTTP 405 Method Not Allowed";
            case 413 -> "Request body is larger than " + HttpServer.MAX_BODY_BYTES + " bytes";
            default -> http.getMessage();
        };
    }

    static void json(Context ctx, int status, String message) {
        ctx.status(status).json(new ErrorMessage(status, message));
    }

    private static boolean isEmpty(Context ctx) {
        String result = ctx.result();
        return result == null || result.isEmpty();
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
