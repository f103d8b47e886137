package io.switchboard.difftest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Runs steps against a reference (a real Kafka Connect worker) and Switchboard and lists every difference. */
final class Differ {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    record Answer(int status, String body, JsonNode json) {
    }

    private final String reference;
    private final String candidate;
    private final List<String> mismatches = new ArrayList<>();
    private final List<String> transcript = new ArrayList<>();

    Differ(String reference, String candidate) {
        this.reference = reference;
        this.candidate = candidate;
    }

    void run(Step... steps) {
        for (Step step : steps) {
            Answer expected = call(reference, step);
            Answer actual = call(candidate, step);
            transcript.add(step + "\n  Kafka Connect: " + expected.status() + " " + expected.body()
                    + "\n  Switchboard:   " + actual.status() + " " + actual.body());
            compare(step, expected, actual);
        }
    }

    List<String> mismatches() {
        return mismatches;
    }

    String transcript() {
        return String.join("\n", transcript);
    }

    private void compare(Step step, Answer expected, Answer actual) {
        if (actual.status() >= 500) {
            fail(step, "Switchboard answered " + actual.status() + " (never allowed): " + actual.body());
            return;
        }
        if (step.statusDiffers != null) {
            if (expected.status() < 500) {
                fail(step, "expected Kafka Connect to fail with a 5xx here (" + step.statusDiffers + ") but it answered "
                        + expected.status() + " " + expected.body());
            }
            if (actual.status() < 400) {
                fail(step, "Switchboard must refuse this with a 4xx, answered " + actual.status());
            }
            return;
        }
        if (expected.status() != actual.status()) {
            fail(step, "status " + expected.status() + " vs " + actual.status() + "\n    Kafka Connect: " + expected.body()
                    + "\n    Switchboard:   " + actual.body());
            return;
        }
        if (expected.status() >= 400) {
            compareError(step, expected, actual);
        } else if (step.listAsSet) {
            Set<String> a = asSet(expected.json());
            Set<String> b = asSet(actual.json());
            if (!a.equals(b)) {
                fail(step, "list " + a + " vs " + b);
            }
        } else {
            compareNodes(step, "$", expected.json(), actual.json());
        }
    }

    private void compareError(Step step, Answer expected, Answer actual) {
        JsonNode e = expected.json();
        JsonNode a = actual.json();
        if (!a.has("error_code") || !a.has("message")) {
            fail(step, "Switchboard's error is not {error_code, message}: " + actual.body());
            return;
        }
        if (e.path("error_code").asInt() != a.path("error_code").asInt()) {
            fail(step, "error_code " + e.path("error_code") + " vs " + a.path("error_code"));
        }
        if (step.messageDiffers == null && !e.path("message").asText().equals(a.path("message").asText())) {
            fail(step, "message\n    Kafka Connect: " + e.path("message").asText() + "\n    Switchboard:   " + a.path("message").asText());
        }
    }

    private void compareNodes(Step step, String path, JsonNode e, JsonNode a) {
        if (isIgnored(step, path)) {
            return;
        }
        if (e.getNodeType() != a.getNodeType()) {
            fail(step, path + ": " + e.getNodeType() + " vs " + a.getNodeType() + " (" + e + " vs " + a + ")");
            return;
        }
        if (e.isObject()) {
            Set<String> keys = new TreeSet<>();
            e.fieldNames().forEachRemaining(keys::add);
            a.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String child = path + "." + key;
                if (isIgnored(step, child)) {
                    continue;
                }
                if (!e.has(key) || !a.has(key)) {
                    fail(step, child + " is only in " + (e.has(key) ? "Kafka Connect's" : "Switchboard's") + " answer");
                } else {
                    compareNodes(step, child, e.get(key), a.get(key));
                }
            }
        } else if (e.isArray()) {
            if (step.compareValues && e.size() != a.size()) {
                fail(step, path + ": " + e.size() + " vs " + a.size() + " elements");
            }
            for (int i = 0; i < Math.min(e.size(), a.size()); i++) {
                compareNodes(step, path + "[]", e.get(i), a.get(i));
            }
        } else if (step.compareValues && !e.equals(a)) {
            fail(step, path + ": " + e + " vs " + a);
        }
    }

    private static boolean isIgnored(Step step, String path) {
        for (String pattern : step.ignored) {
            if (matches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String path) {
        String[] p = pattern.split("\\.");
        String[] q = path.split("\\.");
        if (p.length != q.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!p[i].equals("*") && !p[i].equals(q[i])) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> asSet(JsonNode node) {
        Set<String> out = new TreeSet<>();
        Iterator<JsonNode> it = node.elements();
        it.forEachRemaining(n -> out.add(n.asText()));
        return out;
    }

    private void fail(Step step, String what) {
        mismatches.add(step + "\n    " + what);
    }

    static Answer call(String base, Step step) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + step.path))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(step.method, step.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(step.body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = response.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = MissingNode.getInstance();
            }
            return new Answer(response.statusCode(), response.body(), json);
        } catch (IOException e) {
            return new Answer(-1, e.toString(), MissingNode.getInstance());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
