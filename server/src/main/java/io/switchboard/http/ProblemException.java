package io.switchboard.http;

/**
 * A failure a dialect's own request handling decides the status of (a body it cannot read, a media
 * type it does not take), answered in the dialect's error shape.
 */
public class ProblemException extends RuntimeException {
    private final int status;

    public ProblemException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public Problem problem() {
        return new Problem(status, getMessage());
    }
}
