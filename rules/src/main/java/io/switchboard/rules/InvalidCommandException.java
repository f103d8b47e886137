package io.switchboard.rules;

/**
 * A record on the command topic that cannot be a command: its key and value disagree, or it names
 * no connector. The topology's processing exception handler logs it and sends it to the dead-letter
 * topic, and processing goes on.
 */
public class InvalidCommandException extends RuntimeException {
    public InvalidCommandException(String message) {
        super(message);
    }
}
