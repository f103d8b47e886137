package io.switchboard.dialects;

import io.switchboard.core.UnitCore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request line or header ended by a bare LF (no CR) is refused with 400, as RFC 9112 allows: a
 * proxy in front that splits lines only at CRLF would read such a request differently.
 */
class BareLineFeedTest {
    private static UnitServer server;

    @BeforeAll
    static void start() {
        server = new UnitServer(new UnitCore(), 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRequestLineEndedByABareLineFeedIs400() throws Exception {
        assertEquals(200, status("GET /connectors HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), "CRLF");
        assertEquals(400, status("GET /connectors HTTP/1.1\nHost: localhost\r\nConnection: close\r\n\r\n"), "a bare LF after the request line");
        assertEquals(400, status("GET /connectors HTTP/1.1\r\nHost: localhost\nConnection: close\r\n\r\n"), "a bare LF after a header");
        String answer = answer("GET /connectors HTTP/1.1\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(answer.contains("\"error_code\":400"), () -> "not the Kafka Connect dialect's JSON error: " + answer);
    }

    private static String answer(String request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.server.port()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static int status(String request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.server.port()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
            assertNotNull(line, "no answer");
            return Integer.parseInt(line.split(" ")[1]);
        }
    }
}
