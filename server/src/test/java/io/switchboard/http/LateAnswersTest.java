package io.switchboard.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.ServiceException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.eclipse.jetty.ee10.servlet.ServletChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that gives up before its answer is ready (a timeout, a reset) leaves nothing to write to. Under
 * faults thousands of such answers complete at once; each must pass silently, not log two stack traces.
 */
class LateAnswersTest {
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<CompletableFuture<String>> pending = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<Context> contexts = new LinkedBlockingQueue<>();
    private AbstractAppender appender;
    private HttpServer server;

    @BeforeEach
    void start() {
        appender = new AbstractAppender("late-answers", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN) && warnings.size() < 10) {
                    warnings.add(event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        LoggerContext.getContext(false).getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
        LoggerContext.getContext(false).updateLoggers();
        server = new HttpServer("127.0.0.1", 0, new ObjectMapper(), new Dialects(List.of(new RootDialect(503))), config ->
                config.routes.get("/slow", ctx -> {
                    CompletableFuture<String> answer = new CompletableFuture<>();
                    AsyncAnswers.answer(ctx, answer, ctx::result);
                    contexts.add(ctx);
                    pending.add(answer);
                }, Access.open())).start();
    }

    @AfterEach
    void stop() {
        server.close();
        LoggerContext.getContext(false).getConfiguration().getRootLogger().removeAppender("late-answers");
        LoggerContext.getContext(false).updateLoggers();
        appender.stop();
    }

    @Test
    void anAnswerReadyAfterTheClientLeftIsDroppedQuietly() throws Exception {
        CompletableFuture<String> failing = requestAndLeave();
        CompletableFuture<String> succeeding = requestAndLeave();
        // On a thread of its own, as a decision completes it: before, Javalin's error handling of a
        // recycled request could go on without end.
        CompletableFuture.runAsync(() -> {
            failing.completeExceptionally(new ServiceException.Unavailable("late", 1));
            succeeding.complete("late");
        }).get(10, TimeUnit.SECONDS);
        // Anything Jetty would still log comes within moments: none throughout 300 ms.
        holds(300, warnings::isEmpty, () -> "no warning for an answer nobody waits for, but: " + warnings);
    }

    @Test
    void aClientThatWaitsStillGetsItsAnswer() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            send(socket);
            CompletableFuture<String> answer = pending.poll(10, TimeUnit.SECONDS);
            assertNotNull(answer);
            answer.complete("on time");
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200") && response.endsWith("on time"), response);
        }
    }

    /**
     * Sends a request, and once the server waits for its answer, the request ends without it, as
     * Jetty ends it when its client is gone (the request's objects are then recycled).
     */
    private CompletableFuture<String> requestAndLeave() throws Exception {
        CompletableFuture<String> answer;
        ServletChannel channel;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            send(socket);
            answer = pending.poll(10, TimeUnit.SECONDS);
            assertNotNull(answer, "the server never started on the request");
            Context ctx = contexts.take();
            waitFor("the request asynchronous", () -> ctx.req().isAsyncStarted());
            channel = ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel();
            ctx.req().getAsyncContext().complete();
        }
        // Jetty recycles the ended request (its channel lets go of it) before its answer completes.
        waitFor("the ended request recycled", () -> channel.getRequest() == null);
        return answer;
    }

    /** Checks {@code condition} every 10 ms for {@code millis}, and once more at the end; fails at the first time it is false. */
    private static void holds(long millis, BooleanSupplier condition, Supplier<String> failure) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            boolean last = System.nanoTime() - end >= 0;
            assertTrue(condition.getAsBoolean(), failure);
            if (last) {
                return;
            }
            long pauseMillis = Math.max(1, Math.min(10, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            Thread.sleep(pauseMillis);
        }
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    private static void send(Socket socket) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write("GET /slow HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
