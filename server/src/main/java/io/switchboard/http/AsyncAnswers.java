package io.switchboard.http;

import io.javalin.http.Context;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Answers a request when its future completes, without holding a server thread meanwhile. */
public final class AsyncAnswers {
    private AsyncAnswers() {
    }

    public static <T> void answer(Context ctx, CompletableFuture<T> future, Consumer<T> onSuccess) {
        ctx.future(() -> future.handle((value, error) -> {
            if (error != null) {
                ErrorResponses.write(ctx, error);
            } else {
                onSuccess.accept(value);
            }
            return null;
        }));
    }
}
