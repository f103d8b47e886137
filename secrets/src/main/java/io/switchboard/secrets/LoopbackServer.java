package io.switchboard.secrets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small HTTP/1.1 server on loopback for one channel, with its own threads and bounds, so that no
 * client can hold it: {@value #THREADS} threads serve requests and {@value #QUEUED} connections wait
 * for one; a connection beyond that is answered 503 (by one more thread, which gives it at most
 * {@value #REJECT_MILLIS} ms) and closed. A request must arrive whole
 * (request line, headers of at most {@value #MAX_HEAD} bytes, a body of a declared length) within
 * {@link #readDeadlineMillis}, or its connection is closed: an idle connection that sent one byte holds
 * a thread that long, never longer. One request a connection ({@code Connection: close}).
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it reads a request's head on its executor's
 * threads with no time limit, and its only limits ({@code sun.net.httpserver.maxReqTime}) are system
 * properties, read once for every such server of the process.
 */
final class LoopbackServer implements AutoCloseable {
    static final int THREADS = 4;
    static final int QUEUED = 16;
    static final int MAX_HEAD = 8 * 1024;
    static final int REJECT_MILLIS = 200;

    /** A request: its method, path, headers (names in lower case) and body. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {
    }

    /** An answer: its status and a plain-text body. */
    record Response(int status, String body) {
    }

    private final ServerSocket socket;
    private final ThreadPoolExecutor executor;
    private final ThreadPoolExecutor rejector;
    private final Thread acceptor;
    private final Function<Request, Response> handler;
    private final int maxBody;
    private final long readDeadlineMillis;

    /**
     * @param name               the threads' name
     * @param maxBody            the largest body taken; a larger one is answered 413
     * @param readDeadlineMillis how long a request may take to arrive whole
     */
    LoopbackServer(String name, int maxBody, long readDeadlineMillis, Function<Request, Response> handler) throws IOException {
        this.handler = handler;
        this.maxBody = maxBody;
        this.readDeadlineMillis = readDeadlineMillis;
        this.socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        this.executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED), runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
        this.rejector = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED * 4), runnable -> {
            Thread thread = new Thread(runnable, name + "-busy");
            thread.setDaemon(true);
            return thread;
        }, (refused, pool) -> ((Refusal) refused).close());
        this.acceptor = new Thread(this::accept, name + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void accept() {
        while (!socket.isClosed()) {
            Socket connection;
            try {
                connection = socket.accept();
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                continue;
            }
            try {
                executor.execute(() -> serve(connection));
            } catch (RejectedExecutionException full) {
                // Answered, not dropped: the client learns at once to try again (past the busy queue too, closed at once).
                rejector.execute(new Refusal(connection));
            }
        }
    }

    /** A 503 for a connection no thread can take, written, then what the client sent read for a moment, so the close is clean. */
    private record Refusal(Socket connection) implements Runnable {
        @Override
        public void run() {
            try (connection) {
                connection.setSoTimeout(REJECT_MILLIS);
                write(connection.getOutputStream(), new Response(503, "busy"));
                connection.shutdownOutput();
                long until = System.currentTimeMillis() + REJECT_MILLIS;
                InputStream in = connection.getInputStream();
                byte[] sink = new byte[4096];
                while (System.currentTimeMillis() < until && in.read(sink) >= 0) {
                    connection.setSoTimeout((int) Math.max(1, until - System.currentTimeMillis()));
                }
            } catch (IOException ignored) {
                // Timed out or gone: closed either way.
            }
        }

        void close() {
            try {
                connection.close();
            } catch (IOException ignored) {
                // Closing.
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            long deadline = System.currentTimeMillis() + readDeadlineMillis;
            InputStream in = connection.getInputStream();
            Request request;
            try {
                request = read(connection, in, deadline);
            } catch (TooLarge e) {
                write(connection.getOutputStream(), new Response(413, ""));
                return;
            } catch (Malformed e) {
                write(connection.getOutputStream(), new Response(400, ""));
                return;
            }
            Response response;
            try {
                response = handler.apply(request);
            } catch (RuntimeException e) {
                response = new Response(500, "");
            }
            connection.setSoTimeout((int) Math.max(1, readDeadlineMillis));
            write(connection.getOutputStream(), response);
        } catch (IOException e) {
            // Timed out, or the client went: the connection is closed, nothing else to do.
        }
    }

    private Request read(Socket connection, InputStream in, long deadline) throws IOException {
        String head = readHead(connection, in, deadline);
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
            throw new Malformed();
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new Malformed();
            }
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        if (headers.containsKey("transfer-encoding")) {
            throw new Malformed();
        }
        int length;
        try {
            length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        } catch (NumberFormatException e) {
            throw new Malformed();
        }
        if (length < 0) {
            throw new Malformed();
        }
        if (length > maxBody) {
            throw new TooLarge();
        }
        byte[] body = new byte[length];
        int read = 0;
        while (read < length) {
            timeLeft(connection, deadline);
            int n = in.read(body, read, length - read);
            if (n < 0) {
                throw new SocketException("closed before the body's end");
            }
            read += n;
        }
        return new Request(requestLine[0], requestLine[1], headers, body);
    }

    /** The request line and headers, up to the blank line, within the deadline and {@value #MAX_HEAD} bytes. */
    private static String readHead(Socket connection, InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            timeLeft(connection, deadline);
            int b = in.read();
            if (b < 0) {
                throw new SocketException("closed before the request's head ended");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
            if (head.size() > MAX_HEAD) {
                throw new TooLarge();
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - end.length);
    }

    /** Sets the socket's read timeout to what is left of the deadline; past it, times out. */
    private static void timeLeft(Socket connection, long deadline) throws IOException {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("the request did not arrive in time");
        }
        connection.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }

    private static void write(OutputStream out, Response response) throws IOException {
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + response.status() + " " + reason(response.status()) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 405 -> "Method Not Allowed";
            case 413 -> "Payload Too Large";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing.
        }
        executor.shutdownNow();
        rejector.shutdownNow();
    }

    private static final class TooLarge extends IOException {
    }

    private static final class Malformed extends IOException {
    }
}
