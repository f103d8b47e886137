package io.switchboard.dialects.connect;

import io.switchboard.http.ProblemException;

/** A refusal of the Kafka Connect dialect's own request handling, with Kafka Connect's status and words. */
public class ConnectRestException extends ProblemException {

    public ConnectRestException(int status, String message) {
        super(status, message);
    }

    public static ConnectRestException badRequest(String message) {
        return new ConnectRestException(400, message);
    }

    public static ConnectRestException notFound(String message) {
        return new ConnectRestException(404, message);
    }
}
