package io.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests that ordinary clients refuse to send: NUL bytes and bad
 * percent-encoding in the request target, bytes that are not UTF-8, request lines and headers of any
 * size. Each request is sent on its own connection with {@code Connection: close}, and the answer is
 * read to the end of the stream.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** Status of an answer that did not come within the read timeout. */
    public static final int NO_ANSWER_IN_TIME = -2;

    /** An answer: status (-1 when the server closed the connection without one), headers, body text. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * Sends {@code head} (the request line and headers, without the blank line that ends them; a
     * Host and Connection: close are added) and the body, if any, with its Content-Length unless
     * {@code head} has one or a Transfer-Encoding.
     */
    public static Answer send(String host, int port, byte[] head, byte[] body) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String headText = new String(head, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(head);
            request.write(("\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n").getBytes(StandardCharsets.US_ASCII));
            if (body != null && !headText.contains("\ncontent-length:") && !headText.contains("\ntransfer-encoding:")) {
                request.write(("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            request.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            if (body != null) {
                request.write(body);
            }
            try {
                out.write(request.toByteArray());
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before it has read everything (e.g. a 431); read what it said.
            }
            return read(socket.getInputStream());
        }
    }

    public static Answer send(String host, int port, String head, String body) throws IOException {
        return send(host, port, head.getBytes(StandardCharsets.UTF_8), body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
                if (complete(all.toByteArray())) {
                    break; // a whole answer with its length is an answer, whether or not the server then closes
                }
            }
        } catch (SocketTimeoutException e) {
            return new Answer(NO_ANSWER_IN_TIME, Map.of(), all.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            // A reset after the answer was written still leaves the answer to read.
            if (all.size() == 0) {
                return new Answer(-1, Map.of(), "");
            }
        }
        byte[] bytes = all.toByteArray();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0 || !text.startsWith("HTTP/")) {
            return new Answer(-1, Map.of(), text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        byte[] rest = Arrays.copyOfRange(bytes, end + 4, bytes.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        }
        return new Answer(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    /** Whether these bytes hold an answer's head and as much body as its Content-Length gives. */
    private static boolean complete(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        for (String line : text.substring(0, end).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                try {
                    return bytes.length - end - 4 >= Long.parseLong(line.substring(15).trim());
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < chunked.length) {
            int lineEnd = indexOf(chunked, i);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(chunked, i, lineEnd - i, StandardCharsets.US_ASCII).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(size, chunked.length - lineEnd - 2));
            i = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
