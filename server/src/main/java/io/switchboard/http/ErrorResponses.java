package io.switchboard.http;

import io.javalin.config.JavalinConfig;
import io.javalin.config.Key;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.switchboard.core.CommandNotSentException;
import io.switchboard.core.DecisionTimeoutException;
import io.switchboard.core.ServiceException;
import io.switchboard.core.StoreUnavailableException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The one place where failures become HTTP answers: each is turned into a {@link Problem} (a domain
 * error worded by the dialect that owns the path, a dialect's own refusal, or what the web server
 * refused) and answered in that dialect's error shape.
 */
public final class ErrorResponses {
    private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);
    private static final Key<Dialects> DIALECTS = new Key<>("switchboard.dialects");
    /** Seconds a client is told to wait before retrying a request that could not be served now. */
    static final int RETRY_AFTER_SECONDS = 1;

    private ErrorResponses() {
    }

    static void install(JavalinConfig config, Dialects dialects) {
        config.appData(DIALECTS, dialects);
        config.routes.exception(Exception.class, (e, ctx) -> write(ctx, e));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> write(ctx, e));
        config.routes.error(404, ctx -> {
            if (isEmpty(ctx)) {
                answer(ctx, new Problem(404, "HTTP 404 Not Found"));
            }
        });
        config.routes.error(405, ctx -> {
            if (isEmpty(ctx)) {
                answer(ctx, new Problem(405, "HTTP 405 Method Not Allowed"));
            }
        });
    }

    /** Answers the request with the error that fits the failure, in the shape of the path's dialect. */
    public static void write(Context ctx, Throwable failure) {
        answer(ctx, problem(format(ctx), ctx, unwrap(failure)));
    }

    private static Problem problem(ErrorFormat format, Context ctx, Throwable e) {
        if (e instanceof ServiceException domain) {
            return format.problem(domain);
        } else if (e instanceof ProblemException own) {
            return own.problem();
        } else if (e instanceof StoreUnavailableException || e instanceof CommandNotSentException
                || e instanceof DecisionTimeoutException) {
            return format.problem(new ServiceException.Unavailable(e.getMessage(), RETRY_AFTER_SECONDS));
        } else if (e instanceof HttpResponseException http) {
            return new Problem(http.getStatus(), httpMessage(http));
        } else if (e instanceof HttpException bad && bad.getCode() >= 400 && bad.getCode() < 500) {
            // Jetty could not read the request (a malformed chunk, a body cut short): the client's fault.
            return new Problem(bad.getCode(), "The request body could not be read");
        } else if (e instanceof EofException) {
            return new Problem(400, "The request body could not be read");
        }
        log.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
        // The log has the details; the answer names no code.
        return new Problem(500, "Internal error; the server log has the details");
    }

    private static void answer(Context ctx, Problem problem) {
        if (problem.retryAfterSeconds() != null) {
            ctx.header("Retry-After", String.valueOf(problem.retryAfterSeconds()));
        }
        ErrorFormat format = format(ctx);
        ctx.status(problem.status()).json(format.body(problem)).contentType(format.contentType());
    }

    private static ErrorFormat format(Context ctx) {
        return ctx.appData(DIALECTS).ownerOf(ctx.path()).errors();
    }

    private static String httpMessage(HttpResponseException http) {
        return switch (http.getStatus()) {
            case 404 -> "HTTP 404 Not Found";
            case 405 -> "HTTP 405 Method Not Allowed";
            case 413 -> "Request body is larger than " + HttpServer.MAX_BODY_BYTES + " bytes";
            default -> http.getMessage();
        };
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
