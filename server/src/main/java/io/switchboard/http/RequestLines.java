package io.switchboard.http;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The start of each request line as it came in, kept by the HTTP/1.1 connections of the API, for
 * the one case where Jetty keeps none: a request line it refuses while parsing it (a request target
 * over the header size limit, 414; a bad {@code %} escape or a control character in it, 400; an
 * unknown HTTP version, 505). Jetty then builds the request it answers as {@code BAD /badMessage},
 * so the path, and with it the dialect whose error shape the answer must have, would be lost.
 *
 * <p>Invariants: at most {@link #KEPT} bytes of one request line are kept per connection, and they
 * are replaced when the next request begins; they are used only to choose an error's shape, never
 * routed, authorized or shown.
 */
public final class RequestLines {
    /** Bytes kept of a request line: enough for any dialect's base path. */
    static final int KEPT = 1024;
    /** The method and path Jetty gives the request it answers when it could not parse one. */
    private static final String PLACEHOLDER_METHOD = "BAD";
    private static final String PLACEHOLDER_PATH = "/badMessage";

    private RequestLines() {
    }

    /** The plain HTTP connector of the API, whose connections keep their request lines. */
    public static ServerConnector plainConnector(Server server, HttpConfiguration http, String host, int port) {
        ServerConnector connector = new ServerConnector(server, connectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** HTTP/1.1 connections (behind TLS or not) that keep the start of their request lines. */
    public static ConnectionFactory connectionFactory(HttpConfiguration http) {
        return new KeepingConnectionFactory(http);
    }

    /**
     * The path of the request line Jetty refused, as the client sent it (still encoded, without
     * query); null when Jetty parsed the request line (its own URI then holds the path), or when
     * nothing was kept.
     */
    static String refusedPath(Request request) {
        if (!PLACEHOLDER_METHOD.equals(request.getMethod()) || !PLACEHOLDER_PATH.equals(request.getHttpURI().getPath())) {
            return null;
        }
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection instanceof HttpConnection http && http.getParser() instanceof KeepingParser parser) {
            return pathOf(parser.kept());
        }
        return null;
    }

    /** The path of a request line's target: origin-form as it is, absolute-form without scheme and authority. */
    static String pathOf(String requestLine) {
        if (requestLine == null) {
            return null;
        }
        int start = requestLine.indexOf(' ');
        if (start < 0) {
            return null;
        }
        int end = requestLine.indexOf(' ', start + 1);
        String target = requestLine.substring(start + 1, end < 0 ? requestLine.length() : end);
        int scheme = target.indexOf("://");
        if (!target.startsWith("/") && scheme > 0) {
            int slash = target.indexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target.substring(slash);
        }
        for (char stop : new char[] {'?', '#'}) {
            int at = target.indexOf(stop);
            if (at >= 0) {
                target = target.substring(0, at);
            }
        }
        return target.startsWith("/") ? target : null;
    }

    /** Jetty's HTTP/1.1 connection factory, making connections whose parser keeps its request lines. */
    private static final class KeepingConnectionFactory extends HttpConnectionFactory {
        KeepingConnectionFactory(HttpConfiguration http) {
            super(http);
        }

        @Override
        public Connection newConnection(Connector connector, EndPoint endPoint) {
            KeepingConnection connection = new KeepingConnection(getHttpConfiguration(), connector, endPoint);
            connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
            return configure(connection, connector, endPoint);
        }
    }

    /** Jetty's HTTP/1.1 connection with a {@link KeepingParser}. */
    private static final class KeepingConnection extends HttpConnection {
        KeepingConnection(HttpConfiguration http, Connector connector, EndPoint endPoint) {
            super(http, connector, endPoint);
        }

        /**
         * Called by Jetty's constructor, as its own is: the parser Jetty would make is asked for the
         * connection's request handler (which it keeps privately), and a keeping parser is made
         * like it around that handler.
         */
        @Override
        protected HttpParser newHttpParser(HttpCompliance compliance) {
            HttpParser.RequestHandler handler = (HttpParser.RequestHandler) super.newHttpParser(compliance).getHandler();
            HttpConfiguration http = getHttpConfiguration();
            KeepingParser parser = new KeepingParser(handler, http.getRequestHeaderSize(), compliance);
            parser.setHeaderCacheSize(http.getHeaderCacheSize());
            parser.setHeaderCacheCaseSensitive(http.isHeaderCacheCaseSensitive());
            return parser;
        }
    }

    /**
     * Jetty's parser, which first copies the bytes of the request line it is about to parse (up to
     * {@link #KEPT}, up to the line's end) before parsing them. Used by one connection's thread at a
     * time; Jetty hands a refused request to the thread that answers it after the parse.
     */
    static final class KeepingParser extends HttpParser {
        private final byte[] line = new byte[KEPT];
        private int length;
        private boolean lineEnded;

        KeepingParser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance) {
            super(handler, maxHeaderBytes, compliance);
        }

        @Override
        public boolean parseNext(ByteBuffer buffer) {
            State state = getState();
            if (state == State.START) {
                length = 0;
                lineEnded = false;
            }
            if (state.ordinal() < State.HEADER.ordinal() && !lineEnded) {
                keep(buffer);
            }
            return super.parseNext(buffer);
        }

        /** Copies the buffer's bytes up to the end of the request line, without moving its position. */
        private void keep(ByteBuffer buffer) {
            for (int i = buffer.position(); i < buffer.limit() && length < line.length; i++) {
                byte b = buffer.get(i);
                if (b == '\r' || b == '\n') {
                    if (length == 0) {
                        // Empty lines before a request are skipped, as the parser skips them.
                        continue;
                    }
                    lineEnded = true;
                    return;
                }
                line[length++] = b;
            }
        }

        /** The start of the request line being parsed or last parsed, as Latin-1 text. */
        String kept() {
            return new String(line, 0, length, StandardCharsets.ISO_8859_1);
        }
    }
}
