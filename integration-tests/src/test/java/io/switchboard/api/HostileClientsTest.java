package io.switchboard.api;

import io.switchboard.auth.SecretHashes;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input suite's clients that attack with time and CPU rather than shapes (see
 * {@link HostileInputTest} for those), against a server with a users file: slow bodies to the
 * open sign-in form must not hold the threads that answer everyone else, and anonymous failed
 * logins with ever new names are limited per address before any key is hashed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileClientsTest {
    /** More than the API's request threads. */
    private static final int SLOW_CLIENTS = 300;

    private Path dir;
    private SwitchboardFixture fx;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @BeforeAll
    void start() throws IOException {
        dir = Files.createTempDirectory("switchboard-hostile-clients");
        Path users = TestUsers.write(dir, Map.of("vera", "viewer@default", "ada", "admin@*"));
        fx = new SwitchboardFixture(options -> options.flags("--users-file", users.toString()));
    }

    @AfterAll
    void stop() {
        fx.close();
        SwitchboardFixture.deleteQuietly(dir);
    }

    private int timedGet(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fx.app.url() + path)).timeout(Duration.ofSeconds(3)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Order(1)
    void slowSignInBodiesDoNotStallTheApi() throws Exception {
        URI url = URI.create(fx.app.url());
        String head = "POST /console/sign-in HTTP/1.1\r\nHost: " + url.getHost() + "\r\nHX-Request: true\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\n\r\nuser=";
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_CLIENTS; i++) {
                Socket socket = new Socket(url.getHost(), url.getPort());
                socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            int rounds = 0;
            while (System.nanoTime() < until) {
                // One byte a second on every connection still open: slow, never idle.
                for (Socket socket : slow) {
                    try {
                        OutputStream out = socket.getOutputStream();
                        out.write('a');
                        out.flush();
                    } catch (IOException closedByTheServer) {
                        // Refused or timed out: what should happen.
                    }
                }
                long started = System.nanoTime();
                assertEquals(200, timedGet("/health", null), "/health while slow bodies are sent");
                assertEquals(200, timedGet("/connectors", TestUsers.basic("vera")), "a signed-in read while slow bodies are sent");
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis < 3000, "answers took " + tookMillis + " ms");
                rounds++;
                Thread.sleep(1000); // on purpose: the slow clients send a byte a second
            }
            System.out.println("Slow sign-in clients: " + SLOW_CLIENTS + "; rounds of /health and a signed-in read answered: " + rounds);
        } finally {
            for (Socket socket : slow) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
        // An oversized sign-in body is refused before it is read.
        HttpResponse<String> big = client.send(HttpRequest.newBuilder(URI.create(fx.app.url() + "/console/sign-in"))
                .header("HX-Request", "true").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=" + "x".repeat(5000) + "&key=k")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, big.statusCode(), big.body());
    }

    @Test
    @Order(2)
    void anonymousFailedLoginsAreLimitedPerAddressBeforeHashing() throws Exception {
        long hashedBefore = SecretHashes.checks();
        int attempts = 60;
        int limitedAt = -1;
        for (int i = 0; i < attempts; i++) {
            int status = timedGet("/connectors", TestUsers.basic("random-" + i + "-" + System.nanoTime(), "guess"));
            if (status == 429 && limitedAt < 0) {
                limitedAt = i;
            }
            assertTrue(status == 401 || status == 429, "status " + status);
        }
        long hashed = SecretHashes.checks() - hashedBefore;
        System.out.println("Random-name failed logins: " + attempts + "; first 429 at attempt " + (limitedAt + 1)
                + "; keys hashed: " + hashed);
        assertTrue(limitedAt >= 0 && limitedAt <= 20, "no 429 within the first 21 random-name failed logins: " + limitedAt);
        assertTrue(hashed <= 20, "failed logins past the limit were hashed: " + hashed + " hashes for " + attempts + " attempts");
        // The sign-in form is limited the same way.
        HttpResponse<String> form = client.send(HttpRequest.newBuilder(URI.create(fx.app.url() + "/console/sign-in"))
                .header("HX-Request", "true").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("user=nobody&key=guess")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(429, form.statusCode(), form.body());
    }
}
