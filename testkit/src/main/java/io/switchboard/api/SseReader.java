package io.switchboard.api;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A stream read line by line on its own thread: messages go to a queue, comments too. */
final class SseReader implements AutoCloseable {
    private static final HttpClient STREAMING = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    final HttpResponse<Stream<String>> response;
    private final Thread thread;

    SseReader(String url, Map<String, String> headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").header("Authorization", TestUsers.basic("admin")).GET();
        headers.forEach(request::setHeader);
        // One principal holds at most four streams on a replica, and a stream its client closed is
        // let go at its next heartbeat: a 429 is retried, as a client told to close one first would.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        HttpResponse<Stream<String>> answer = STREAMING.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        while (answer.statusCode() == 429 && System.nanoTime() < deadline) {
            answer.body().close();
            Thread.sleep(250);
            answer = STREAMING.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        }
        response = answer;
        thread = new Thread(this::read, "sse-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void read() {
        String id = null;
        String event = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) response.body()::iterator) {
                if (line.startsWith(":")) {
                    received.add(line);
                } else if (line.isEmpty()) {
                    if (data.length() > 0) {
                        received.add(new Sse(id, event, Http.JSON.readTree(data.toString())));
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (Exception closed) {
            // the test closed the stream
        }
    }

    /** Waits for the comment that says the server's consumer is in place. */
    String awaitStarted() throws InterruptedException {
        Object first = received.poll(30, TimeUnit.SECONDS);
        assertTrue(first instanceof String s && s.startsWith(": lifecycle events from "), String.valueOf(first));
        return (String) first;
    }

    Sse next() throws InterruptedException {
        while (true) {
            Object item = received.poll(30, TimeUnit.SECONDS);
            assertNotNull(item, "no event within 30 s");
            if (item instanceof Sse sse) {
                return sse;
            }
        }
    }

    /** Nothing but comments arrives for a while. */
    void assertQuiet(Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            Object item = received.poll(100, TimeUnit.MILLISECONDS);
            assertFalse(item instanceof Sse, "unexpected " + item);
        }
    }

    @Override
    public void close() {
        response.body().close();
        thread.interrupt();
    }
}
