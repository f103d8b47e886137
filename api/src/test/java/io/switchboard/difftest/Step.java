package io.switchboard.difftest;

import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP call of a scenario, made against both targets, and how their answers are compared:
 * the status code always; success bodies by JSON shape (keys and value types); error bodies by
 * error_code and exact message.
 */
final class Step {
    final String method;
    final String path;
    final String body;
    final List<String> ignored = new ArrayList<>();
    boolean listAsSet;
    boolean compareValues;
    String messageDiffers;
    String statusDiffers;

    private Step(String method, String path, String body) {
        this.method = method;
        this.path = path;
        this.body = body;
    }

    static Step call(String method, String path, String body) {
        return new Step(method, path, body);
    }

    static Step get(String path) {
        return new Step("GET", path, null);
    }

    /** JSON paths ($.a.b, * for any key) whose shape or value may differ. */
    Step ignoring(String... paths) {
        ignored.addAll(List.of(paths));
        return this;
    }

    /** The body is a JSON array compared as a set of values. */
    Step asSet() {
        listAsSet = true;
        return this;
    }

    /** Compare success bodies value for value, not only by shape. */
    Step values() {
        compareValues = true;
        return this;
    }

    /** Switchboard deliberately words this error differently; the reason is given. */
    Step messageDiffers(String why) {
        messageDiffers = why;
        return this;
    }

    /** Kafka Connect answers with a 5xx here; Switchboard must answer with a 4xx instead. */
    Step kafkaConnectFailsHere(String why) {
        statusDiffers = why;
        return this;
    }

    @Override
    public String toString() {
        return method + " " + path + (body == null ? "" : " " + (body.length() > 120 ? body.substring(0, 120) + "..." : body));
    }
}
