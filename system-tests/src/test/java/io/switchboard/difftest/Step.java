package io.switchboard.difftest;

import io.switchboard.testing.Http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One HTTP call of a scenario, made against both targets, and how their answers are compared.
 *
 * <p>By default: the same status code; the same kind of body (none, JSON, other); the same media
 * type; for errors the same {@code {"error_code","message"}} body, message matched exactly; for
 * success the same JSON shape (object keys recursively and value types, arrays element by element).
 * Every loosening is explicit on the step, and the deliberate ones carry their reason.
 */
final class Step {
    final String method;
    final String path;
    final String body;
    final Map<String, String> headers = new LinkedHashMap<>();
    final List<String> ignored = new ArrayList<>();
    final List<String> sameHeaders = new ArrayList<>();
    boolean listAsSet;
    boolean compareValues;
    /** {@link #referenceStatus} for "any 5xx". */
    static final int ANY_5XX = -5;

    String messageDiffers;
    /** Why the candidate answers {@link #candidateStatus} where Kafka Connect answers {@link #referenceStatus}. */
    String deviation;
    int referenceStatus;
    int candidateStatus;
    Predicate<Http.Response> until;
    String untilDescription;
    /** How long the {@link #until} condition must hold, answer after answer, before the step is done. */
    Duration steadyFor = Duration.ZERO;

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

    static Step post(String path, String body) {
        return new Step("POST", path, body);
    }

    static Step put(String path, String body) {
        return new Step("PUT", path, body);
    }

    static Step patch(String path, String body) {
        return new Step("PATCH", path, body);
    }

    static Step delete(String path) {
        return new Step("DELETE", path, null);
    }

    /** Sends a request header (replacing the JSON default of the same name; null: do not send it). */
    Step header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /**
     * JSON paths whose shape and value may differ, e.g. {@code $.version}, {@code $.*.status.tasks}
     * ({@code *}: any one key), {@code $.tasks[]} (the elements of an array).
     */
    Step ignoring(String... paths) {
        ignored.addAll(List.of(paths));
        return this;
    }

    /** The body is a JSON array compared as a set of values. */
    Step asSet() {
        listAsSet = true;
        return this;
    }

    /** Compares success bodies value for value (arrays by length too), not only by shape. */
    Step values() {
        compareValues = true;
        return this;
    }

    /**
     * Compares a response header, the targets' own base URLs cut off first (a Location of
     * {@code http://127.0.0.1:PORT/connectors/a} compares as {@code /connectors/a}).
     */
    Step sameHeader(String name) {
        sameHeaders.add(name);
        return this;
    }

    /** Switchboard deliberately words this error differently; the reason is given. */
    Step messageDiffers(String why) {
        messageDiffers = why;
        return this;
    }

    /**
     * Kafka Connect 4.3.1 answers with a 5xx here (a defect of Kafka Connect, described in {@code why});
     * Switchboard must refuse the request with the given 4xx and a proper error body instead.
     */
    Step kafkaConnectFailsHere(int switchboardStatus, String why) {
        return deviates(ANY_5XX, switchboardStatus, why);
    }

    /**
     * Switchboard deliberately refuses, with the given 4xx and a proper error body, a request that
     * Kafka Connect 4.3.1 answers with {@code kafkaConnectStatus}; the reason is given. The
     * reference's status is checked too, so the note cannot silently go stale.
     */
    Step switchboardDiffers(int kafkaConnectStatus, int switchboardStatus, String why) {
        return deviates(kafkaConnectStatus, switchboardStatus, why);
    }

    private Step deviates(int kafkaConnectStatus, int switchboardStatus, String why) {
        if (switchboardStatus < 400 || switchboardStatus >= 500) {
            throw new IllegalArgumentException("Switchboard must answer a 4xx, not " + switchboardStatus);
        }
        this.deviation = why;
        this.referenceStatus = kafkaConnectStatus;
        this.candidateStatus = switchboardStatus;
        return this;
    }

    /**
     * Repeats the call on each target (up to the differ's deadline) until its answer satisfies the
     * condition, for reads whose answer follows an earlier write asynchronously. A target that never
     * gets there is compared with its last answer.
     */
    Step until(String description, Predicate<Http.Response> condition) {
        this.untilDescription = description;
        this.until = condition;
        return this;
    }

    /**
     * Like {@link #until}, but the condition must then keep holding for {@code period}: after a
     * restart, a status may still show the state from before it, or pass through another state on
     * its way back, and what the next step answers depends on which.
     */
    Step untilSteady(String description, Duration period, Predicate<Http.Response> condition) {
        this.steadyFor = period;
        return until(description + " for " + period.toMillis() + " ms", condition);
    }

    /** Polls until the answer is 200 with a JSON array holding exactly these names (in any order). */
    Step untilListIs(String... names) {
        Set<String> wanted = new TreeSet<>(List.of(names));
        return until("the list is " + wanted, r -> r.status() == 200 && r.json().isArray() && wanted.equals(Differ.textSet(r.json())));
    }

    /** Polls until the answer is 200 with a JSON object holding exactly these keys. */
    Step untilKeysAre(String... keys) {
        Set<String> wanted = new TreeSet<>(List.of(keys));
        return until("the keys are " + wanted, r -> {
            if (r.status() != 200 || !r.json().isObject()) {
                return false;
            }
            Set<String> got = new TreeSet<>();
            r.json().fieldNames().forEachRemaining(got::add);
            return wanted.equals(got);
        });
    }

    /** Polls until the status is the given one. */
    Step untilStatus(int status) {
        return until("the status is " + status, r -> r.status() == status);
    }

    @Override
    public String toString() {
        return describe(160);
    }

    /** The call, its body cut after {@code maxBody} characters. */
    String describe(int maxBody) {
        String shown = body == null ? "" : " " + (body.length() > maxBody ? body.substring(0, maxBody) + "... (" + body.length() + " chars)" : body);
        return method + " " + path + shown + (headers.isEmpty() ? "" : " " + headers);
    }
}
