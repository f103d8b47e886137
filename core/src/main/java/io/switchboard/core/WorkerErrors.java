package io.switchboard.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;

/**
 * A Kafka Connect worker's refusal, retold to Switchboard's client: Kafka Connect's message as the
 * worker wrote it, but never the worker's own address (which only the control plane uses), and as
 * plain text even when it was the worker's Jetty that answered, with its own JSON or an HTML page.
 */
public final class WorkerErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WORKER = "the Kafka Connect worker";

    private WorkerErrors() {
    }

    /** The worker's 4xx answer as the error Switchboard answers. */
    public static ServiceException.WorkerRefused refusal(int status, byte[] body, String workerUrl) {
        return new ServiceException.WorkerRefused(status, scrub(message(status, body), workerUrl));
    }

    /** The text with every mention of the worker's URL or address taken out. */
    public static String scrub(String message, String workerUrl) {
        if (message == null || workerUrl == null) {
            return message;
        }
        String base = workerUrl.endsWith("/") ? workerUrl.substring(0, workerUrl.length() - 1) : workerUrl;
        String scrubbed = message.replace(base, "");
        try {
            URI uri = URI.create(base);
            if (uri.getHost() != null) {
                scrubbed = scrubbed.replace(uri.getHost() + ":" + uri.getPort(), WORKER);
            }
        } catch (IllegalArgumentException e) {
            // Not a URL: nothing more to take out.
        }
        return scrubbed;
    }

    /** The status's reason phrase (RFC 9110), as an HTTP server words it; the number for others. */
    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> Integer.toString(status);
        };
    }

    private static String message(int status, byte[] body) {
        String standard = "HTTP " + status + " " + reason(status);
        try {
            JsonNode error = JSON.readTree(body == null ? new byte[0] : body);
            if (error != null && error.path("message").isTextual()) {
                String message = error.path("message").asText();
                // Kafka Connect's own error carries error_code; Jetty's carries the request's URL and
                // a message that, for what Jetty refuses, is safe to repeat.
                return error.has("error_code") || message.length() <= 200 ? message : standard;
            }
        } catch (IOException e) {
            // An HTML page or nothing: only the status is worth repeating.
        }
        return standard;
    }
}
