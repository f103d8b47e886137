package io.switchboard.connect;

/** An error answered as Kafka Connect answers it: the status code and {"error_code","message"}. */
public class ConnectRestException extends RuntimeException {
    private final int status;

    public ConnectRestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ConnectRestException badRequest(String message) {
        return new ConnectRestException(400, message);
    }

    public static ConnectRestException notFound(String message) {
        return new ConnectRestException(404, message);
    }

    public static ConnectRestException conflict(String message) {
        return new ConnectRestException(409, message);
    }
}
