package io.switchboard.secrets;

import io.switchboard.worker.SecretStoreConfigProvider;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The secrets channel cannot be held by a local process: idle connections time out, excess is answered 503. */
class WorkerSecretsChannelTest {
    private static WorkerSecretsChannel channel() {
        return WorkerSecretsChannel.start(new SecretBox(Keyring.parse(Keyring.newKeyLine())),
                name -> "DB".equals(name) ? Optional.of("named value") : Optional.empty());
    }

    private static Map<String, String> ask(WorkerSecretsChannel channel) {
        SecretStoreConfigProvider named = new SecretStoreConfigProvider();
        named.configure(Map.of("replica.url", channel.url(), "token", channel.token()));
        return named.get("", Set.of("DB")).data();
    }

    private static Socket idle(WorkerSecretsChannel channel) throws Exception {
        String[] hostPort = channel.url().substring("http://".length()).split(":");
        Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        socket.getOutputStream().write('P');
        socket.getOutputStream().flush();
        return socket;
    }

    @Test
    void anIdleConnectionHoldingOneByteDoesNotStopARealRequest() throws Exception {
        try (WorkerSecretsChannel channel = channel(); Socket held = idle(channel)) {
            Map<String, String> opened = assertTimeoutPreemptively(Duration.ofSeconds(3), () -> ask(channel),
                    "answered while a connection holds one byte");
            assertEquals(Map.of("DB", "named value"), opened);
            // The idle connection is closed once its request has not arrived whole in time.
            held.setSoTimeout((int) WorkerSecretsChannel.READ_DEADLINE_MILLIS + 3000);
            InputStream in = held.getInputStream();
            long started = System.nanoTime();
            assertEquals(-1, in.read(), "closed, unanswered");
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < WorkerSecretsChannel.READ_DEADLINE_MILLIS + 2000);
        }
    }

    @Test
    void whenEveryThreadIsHeldARequestWaitsNoLongerThanTheDeadlineAndExcessIsAnswered503() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (WorkerSecretsChannel channel = channel()) {
            for (int i = 0; i < LoopbackServer.THREADS + LoopbackServer.QUEUED; i++) {
                held.add(idle(channel));
            }
            Thread.sleep(300);
            try (Socket excess = idle(channel)) {
                excess.setSoTimeout(3000);
                String answer = new String(excess.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
            }
            held.forEach(s -> {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // Closing.
                }
            });
            held.clear();
            assertEquals(Map.of("DB", "named value"), assertTimeoutPreemptively(
                    Duration.ofMillis(WorkerSecretsChannel.READ_DEADLINE_MILLIS + 3000), () -> ask(channel)));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aTooLargeOrMalformedRequestIsAnsweredAndClosed() throws Exception {
        try (WorkerSecretsChannel channel = channel()) {
            assertTrue(raw(channel, "POST /open HTTP/1.1\r\nContent-Length: " + (WorkerSecretsChannel.MAX_BODY + 1) + "\r\n\r\n")
                    .startsWith("HTTP/1.1 413 "));
            assertTrue(raw(channel, "nonsense\r\n\r\n").startsWith("HTTP/1.1 400 "));
            assertTrue(raw(channel, "POST /open HTTP/1.1\r\nContent-Length: 3\r\n\r\nx\ny").startsWith("HTTP/1.1 401 "));
            assertTrue(raw(channel, "GET /open HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 405 "));
        }
    }

    private static String raw(WorkerSecretsChannel channel, String request) throws Exception {
        String[] hostPort = channel.url().substring("http://".length()).split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
