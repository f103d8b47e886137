package io.switchboard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What every answer to a hostile request must be, checked as each is sent over a raw socket: an
 * answer within the read timeout, never a 5xx, an error body in the shape of the dialect that owns
 * the path with its code equal to the status, and nothing internal (the worker's address, exception
 * or class names, HTML). Each answer that is not so is kept, with the request, for the test's one
 * assertion at the end.
 */
public final class HostileAnswers {
    private static final Pattern HTML = Pattern.compile("<\\s*/?\\s*(html|body|head|title|h[1-6]|p|pre|br|hr|table|div)\\b",
            Pattern.CASE_INSENSITIVE);
    private final String host;
    private final int port;
    private final String workerAddress;
    private final List<String> failures = new ArrayList<>();
    private final Map<Integer, Integer> byStatus = new TreeMap<>();
    private int sent;

    public HostileAnswers(String host, int port, String workerAddress) {
        this.host = host;
        this.port = port;
        this.workerAddress = workerAddress;
    }

    public List<String> failures() {
        return failures;
    }

    public Map<Integer, Integer> byStatus() {
        return byStatus;
    }

    public int sent() {
        return sent;
    }

    /** The request must be answered with exactly this status, in Kafka Connect's error format. */
    public void expect(int status, String method, String path, String body) throws IOException {
        RawHttp.Answer answer = send(method, path, body);
        if (answer.status() != status) {
            fail(method, path, body, answer, "expected " + status);
        }
    }

    /** The request must be refused with a 4xx. */
    public void expectError(String method, String path, String body) throws IOException {
        RawHttp.Answer answer = send(method, path, body);
        if (answer.status() < 400 || answer.status() >= 500) {
            fail(method, path, body, answer, "expected a 4xx");
        }
    }

    public void expectNoServerError(String method, String path, String body) throws IOException {
        send(method, path, body);
    }

    public RawHttp.Answer send(String method, String path, String body) throws IOException {
        String head = method + " " + path + " HTTP/1.1\r\nContent-Type: application/json\r\nAccept: application/json";
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        return rawExpectBytes(head.getBytes(StandardCharsets.UTF_8), bytes, false);
    }

    public void rawExpect(String head, String body, boolean refused) throws IOException {
        rawExpectBytes(head.getBytes(StandardCharsets.UTF_8), body == null ? null : body.getBytes(StandardCharsets.UTF_8), refused);
    }

    /** Sends the request and checks what every answer must be; {@code refused}: it must also be a 4xx. */
    public RawHttp.Answer rawExpectBytes(byte[] head, byte[] body, boolean refused) throws IOException {
        long started = System.nanoTime();
        RawHttp.Answer answer = RawHttp.send(host, port, head, body);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (millis > 2_000) {
            System.out.println("Slow answer (" + millis + " ms): " + abbreviate(new String(head, StandardCharsets.ISO_8859_1)));
        }
        sent++;
        byStatus.merge(answer.status(), 1, Integer::sum);
        String method = new String(head, 0, Math.max(0, indexOf(head, (byte) ' ')), StandardCharsets.ISO_8859_1);
        String what = abbreviate(new String(head, StandardCharsets.ISO_8859_1).split("\r\n")[0]);
        if (answer.status() == RawHttp.NO_ANSWER_IN_TIME) {
            fail(what, body, answer, "no answer within the read timeout");
        } else if (answer.status() < 0) {
            fail(what, body, answer, "no HTTP answer");
        } else if (answer.status() >= 500 && answer.status() != 505) {
            // (505: a request line claiming an HTTP version there is none of gets the protocol's own answer.)
            fail(what, body, answer, "a 5xx");
        } else if (refused && answer.status() < 400) {
            fail(what, body, answer, "expected a 4xx");
        }
        if (answer.status() >= 400 && !method.equals("HEAD")) {
            checkErrorBody(what, body, answer);
        }
        checkNothingLeaks(what, body, answer);
        return answer;
    }

    private void checkErrorBody(String what, byte[] body, RawHttp.Answer answer) {
        JsonNode json;
        try {
            json = Http.JSON.readTree(answer.body());
        } catch (IOException e) {
            fail(what, body, answer, "an error body that is not JSON");
            return;
        }
        if (what.contains(" /api/v1/")) {
            if (!json.isObject() || !json.path("type").isTextual() || !json.path("title").isTextual()
                    || json.path("status").asInt() != answer.status()) {
                fail(what, body, answer, "an error body that is not an RFC 9457 problem with its status");
            }
            String problemType = answer.header("Content-Type");
            if (problemType == null || !problemType.startsWith("application/problem+json")) {
                fail(what, body, answer, "a problem with Content-Type " + problemType);
            }
            return;
        }
        if (what.contains(" /console/")) {
            if (!json.isObject() || !json.path("title").isTextual() || !json.path("detail").isTextual()
                    || json.path("status").asInt() != answer.status()) {
                fail(what, body, answer, "an error body that is not the console's problem {title, status, detail} with its status");
            }
            String problemType = answer.header("Content-Type");
            if (problemType == null || !problemType.startsWith("application/problem+json")) {
                fail(what, body, answer, "a console problem with Content-Type " + problemType);
            }
            return;
        }
        if (what.contains(" /v1/kafka-connect/")) {
            if (!json.isObject() || !json.path("code").isTextual() || !json.path("message").isTextual()
                    || !json.path("details").isArray() || json.size() != 3) {
                fail(what, body, answer, "an error body that is not a google.rpc.Status {code, message, details}");
            } else if (!json.path("details").get(0).path("@type").asText().equals("type.googleapis.com/google.rpc.ErrorInfo")) {
                fail(what, body, answer, "a google.rpc.Status without its ErrorInfo");
            }
            return;
        }
        if (what.contains(" /connect/v1/")) {
            JsonNode error = json == null ? null : json.path("error");
            if (!json.isObject() || json.size() != 1 || !error.isObject() || error.size() != 2 || !error.path("code").isInt()
                    || !error.path("message").isTextual()) {
                fail(what, body, answer, "an error body that is not {\"error\": {\"code\": int, \"message\": string}}");
            } else if (error.path("code").asInt() != answer.status()) {
                fail(what, body, answer, "error.code differs from the status");
            }
        } else if (json != null && json.isObject() && what.contains("/sets/") && json.path("items").isArray()
                && json.path("error_code").isInt() && json.path("message").isTextual()) {
            // A refused plan (docs/apply.md): the plan, with error_code and message beside it.
            if (json.path("error_code").asInt() != answer.status()) {
                fail(what, body, answer, "error_code differs from the status");
            }
        } else if (json == null || !json.isObject() || json.size() != 2 || !json.path("error_code").isInt()
                || !json.path("message").isTextual()) {
            fail(what, body, answer, "an error body that is not {\"error_code\": int, \"message\": string}");
        } else if (json.path("error_code").asInt() != answer.status()) {
            fail(what, body, answer, "error_code differs from the status");
        }
        String type = answer.header("Content-Type");
        if (type != null && !type.startsWith("application/json")) {
            fail(what, body, answer, "an error with Content-Type " + type);
        }
    }

    private void checkNothingLeaks(String what, byte[] body, RawHttp.Answer answer) {
        String text = answer.body();
        if (text.contains(workerAddress)) {
            fail(what, body, answer, "the worker's address " + workerAddress);
        }
        if (answer.status() < 400) {
            // Lists of plugins and loggers name classes by design; only errors must not.
            return;
        }
        for (String internal : List.of("Exception", "\tat ", "at io.", "io.switchboard", "org.eclipse.jetty", "io.javalin")) {
            if (text.contains(internal)) {
                fail(what, body, answer, "internal text '" + internal + "'");
            }
        }
        if (HTML.matcher(text).find()) {
            fail(what, body, answer, "HTML");
        }
    }

    private void fail(String method, String path, String body, RawHttp.Answer answer, String problem) {
        fail(abbreviate(method + " " + path), body == null ? null : body.getBytes(StandardCharsets.UTF_8), answer, problem);
    }

    private void fail(String what, byte[] body, RawHttp.Answer answer, String problem) {
        failures.add(problem + ": " + what + (body == null ? "" : " with body " + abbreviate(new String(body, StandardCharsets.UTF_8)))
                + "\n    -> " + answer.status() + " " + answer.header("Content-Type") + " " + abbreviate(answer.body()));
    }

    public static String abbreviate(String s) {
        String oneLine = s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
        return oneLine.length() > 240 ? oneLine.substring(0, 240) + "...(" + oneLine.length() + " chars)" : oneLine;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return bytes.length;
    }
}
