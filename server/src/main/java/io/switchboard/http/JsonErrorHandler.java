package io.switchboard.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.ee10.servlet.ErrorHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The answer Jetty itself gives when it refuses a request before any route sees it (a request line
 * or headers too large, a path it will not decode, a body it cannot read...): the error body of
 * the dialect that owns the path instead of Jetty's HTML page, whatever the client accepts. The
 * message is Jetty's reason ("Ambiguous URI path separator", as a Kafka Connect worker's own Jetty
 * says it), unless it names code, in which case it is the status line's text.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Dialects dialects;

    JsonErrorHandler(Dialects dialects) {
        this.dialects = dialects;
    }
    /** Reasons that quote internals (exception or class names, stack frames) are not shown. */
    private static final Pattern INTERNAL = Pattern.compile("Exception|Error:|\\bat [a-z]+\\.|org\\.|io\\.|java\\.|<|>");

    @Override
    public boolean errorPageForMethod(String method) {
        // Every method gets the error body, not only GET, POST and HEAD.
        return true;
    }

    /**
     * Every error Jetty or the servlet layer sends comes here, whichever of them sends it: the
     * status is the response's, the reason Jetty's or the servlet's message.
     */
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        int code = response.getStatus() >= 400 ? response.getStatus() : 500;
        Object status = request.getAttribute(ERROR_STATUS);
        if (status instanceof Integer given && given >= 400) {
            code = given;
        }
        Object message = request.getAttribute(ERROR_MESSAGE);
        if (message == null) {
            message = request.getAttribute("jakarta.servlet.error.message");
        }
        generateResponse(request, response, code, message == null ? null : message.toString(), null, callback);
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        response.setStatus(code);
        ErrorFormat format = dialects.ownerOf(rawPath(request)).errors();
        byte[] body = body(format, code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, format.contentType());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (!response.getHeaders().contains(RequestContexts.REQUEST_ID_HEADER)) {
            response.getHeaders().put(RequestContexts.REQUEST_ID_HEADER, UUID.randomUUID().toString());
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * The request's path as the client sent it, still encoded, to find its dialect by: for a request
     * line Jetty refused while parsing it, the one its connection kept ({@link RequestLines}); null
     * when it cannot be had (the root dialect then answers).
     */
    static String rawPath(Request request) {
        try {
            String refused = RequestLines.refusedPath(request);
            if (refused != null) {
                return refused;
            }
            String uri = request.getHttpURI().toString();
            int start = uri.startsWith("/") ? 0 : uri.indexOf('/', uri.indexOf("//") + 2);
            if (start < 0) {
                return null;
            }
            int end = uri.length();
            for (char stop : new char[] {'?', '#'}) {
                int at = uri.indexOf(stop, start);
                if (at >= 0 && at < end) {
                    end = at;
                }
            }
            return uri.substring(start, end);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** For requests Jetty cannot even parse into a request (the connection then closes). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(dialects.ownerOf("/").errors(), status, reason));
    }

    static byte[] body(ErrorFormat format, int code, String reason) {
        try {
            return JSON.writeValueAsBytes(format.body(new Problem(code, message(code, reason))));
        } catch (IOException e) {
            return ("{\"message\":\"HTTP " + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }

    static String message(int code, String reason) {
        String standard = "HTTP " + code + " " + HttpStatus.getMessage(code);
        if (reason == null || reason.isBlank() || INTERNAL.matcher(reason).find() || reason.length() > 200) {
            return standard;
        }
        return reason;
    }
}
