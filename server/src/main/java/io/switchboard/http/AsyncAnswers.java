package io.switchboard.http;

import io.javalin.http.Context;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers a request when its future completes, without holding a server thread meanwhile.
 *
 * <p>The client may be gone by then (it gave up, its connection was reset or went idle for longer
 * than the server waits). Its request is then over and its objects recycled by Jetty, so nothing
 * may be written: the answer is dropped, with a debug line, and the future handed to Javalin is
 * left incomplete so that Javalin does not try to write it either. Under faults thousands of
 * answers can come late at once; before, each logged two stack traces.
 */
public final class AsyncAnswers {
    private static final Logger log = LoggerFactory.getLogger(AsyncAnswers.class);

    private AsyncAnswers() {
    }

    public static <T> void answer(Context ctx, CompletableFuture<T> future, Consumer<T> onSuccess) {
        answerOnceStarted(ctx, () -> future, onSuccess);
    }

    /**
     * Like {@link #answer}, for work that may write to the response itself (an event stream): it is
     * started only once the request's asynchronous processing has begun.
     */
    public static <T> void answerOnceStarted(Context ctx, Supplier<CompletableFuture<T>> start, Consumer<T> onSuccess) {
        ctx.future(() -> {
            // Javalin has started the request's asynchronous processing before it asks for the future.
            AtomicBoolean over = new AtomicBoolean();
            AsyncContext async = ctx.req().getAsyncContext();
            async.addListener(new Over(over));
            CompletableFuture<Void> answered = new CompletableFuture<>();
            start.get().whenComplete((value, error) -> {
                Runnable write = () -> {
                    if (over(async, over)) {
                        log.debug("The client left before its answer was ready; dropped it", error);
                        return;
                    }
                    try {
                        if (error != null) {
                            ErrorResponses.write(ctx, error);
                        } else {
                            onSuccess.accept(value);
                        }
                    } catch (RuntimeException e) {
                        if (!over(async, over)) {
                            answered.completeExceptionally(e); // answered by the exception mappers, like a handler's own
                        }
                        return;
                    }
                    // A stream writes its own answer, and its end (the client gone, or the stream closed) can
                    // end the request: Javalin must not be handed a recycled one.
                    if (!over(async, over)) {
                        answered.complete(null);
                    }
                };
                // On a server thread, not the one that completed the future: that is often the thread
                // that hears every decision, and an answer that reads stores or a worker would hold
                // up every other request's answer meanwhile.
                try {
                    async.start(write);
                } catch (IllegalStateException requestOver) {
                    write.run();
                }
            });
            return answered;
        });
    }

    /**
     * Whether the request is over: a listener's event said so, or Jetty has already recycled it. A
     * request can end without any event reaching the listener (a stream that wrote its own answer and
     * closed it, a client that left while nothing was written); its objects then answer every call
     * with an exception. Handed back to Javalin, such a request would make its after-handlers and
     * exception mappers fail on it again and again, on one server thread, logging two stack traces
     * each time, for as long as the process lives.
     */
    private static boolean over(AsyncContext async, AtomicBoolean over) {
        if (over.get()) {
            return true;
        }
        try {
            async.getRequest().getAttribute(AsyncAnswers.class.getName());
            return false;
        } catch (RuntimeException recycled) { // IllegalStateException from the context, or NullPointerException from the request
            over.set(true);
            return true;
        }
    }

    /** Marks the request over when it ends by an error, a timeout or completion. */
    private record Over(AtomicBoolean over) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            over.set(true);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            over.set(true);
        }

        @Override
        public void onError(AsyncEvent event) {
            over.set(true);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
