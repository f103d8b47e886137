package io.switchboard.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * What the core asks of one Connect cluster's worker: the facts it serves (its root, its plugins, a
 * connector's offsets), config validation, and requests passed through as they came. The data
 * plane's client of the worker answers it; the core never sees HTTP.
 */
public interface WorkerClient {

    /** The worker's base URL, for messages. */
    String url();

    /** The worker's {@code GET /}. */
    JsonNode root();

    /** The worker's {@code GET /connector-plugins}. */
    JsonNode plugins();

    /** The worker's {@code GET /connectors/{name}/offsets}, as its JSON. */
    String offsets(String name);

    /** The worker's {@code GET /connectors/{name}/topics}: the topics the connector has used. */
    List<String> activeTopics(String name);

    /** The worker's {@code PUT /connector-plugins/{class}/config/validate}. */
    JsonNode validate(String connectorClass, Map<String, String> config);

    /**
     * Sends one request as given, a path with its query string and a JSON body or none, and answers
     * whatever the worker answered; {@link ConnectCallException} when there is no answer (not
     * reachable, not trusted, too slow, too large).
     */
    Answer exchange(String method, String pathAndQuery, byte[] jsonBody);

    /** A worker's answer as it came: its status and its body (empty when it had none). */
    record Answer(int status, byte[] body) {
    }

    /** The worker answered something else than it should have. */
    class ConnectCallException extends RuntimeException {
        private final int status;
        private final String workerMessage;

        public ConnectCallException(String message, Throwable cause) {
            this(message, cause, 0, null);
        }

        public ConnectCallException(String message, Throwable cause, int status, String workerMessage) {
            super(message, cause);
            this.status = status;
            this.workerMessage = workerMessage;
        }

        /** The worker's HTTP status, 0 when it gave none (not reachable). */
        public int status() {
            return status;
        }

        /** The message of the worker's error body, if it had one. */
        public String workerMessage() {
            return workerMessage;
        }
    }

    /** The worker refused the request with a 4xx and Kafka Connect's error body. */
    class WorkerRejection extends RuntimeException {
        private final int status;

        private final String call;

        public WorkerRejection(int status, String message) {
            this(status, message, null);
        }

        public WorkerRejection(int status, String message, String call) {
            super(message);
            this.status = status;
            this.call = call;
        }

        /** The call the worker refused, "METHOD path", for logs. */
        public String call() {
            return call;
        }

        public int status() {
            return status;
        }
    }

    /**
     * Too many validations are waiting for one of the worker's validation places; nothing was sent
     * to the worker, and the same request can be sent again shortly.
     */
    class ValidationsBusy extends RuntimeException {
        public ValidationsBusy(String message) {
            super(message);
        }
    }
}
