package io.switchboard.difftest;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpHeaders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the steps of a scenario in order against a reference (a real Kafka Connect worker) and a
 * candidate (Switchboard), compares each pair of answers as the step says, and collects every
 * difference into one report.
 */
final class Differ {
    /** How long a step with a condition is repeated on one target before its last answer is used. */
    static final Duration POLL_DEADLINE = Duration.ofSeconds(60);

    /** A system under test: a name for reports and its base URL. */
    record Target(String name, String url) {
    }

    /** One difference: the step (1-based number and call) and what differs. */
    record Mismatch(int number, Step step, String what) {
        @Override
        public String toString() {
            return "#" + number + " " + step + "\n      " + what.replace("\n", "\n      ");
        }
    }

    /** Both answers to one step. */
    record Exchange(int number, Step step, Http.Response expected, Http.Response actual) {
    }

    private final Target reference;
    private final Target candidate;

    Differ(Target reference, Target candidate) {
        this.reference = reference;
        this.candidate = candidate;
    }

    Target reference() {
        return reference;
    }

    Target candidate() {
        return candidate;
    }

    /** The outcome of one scenario: every exchange and every difference. */
    final class Report {
        final String scenario;
        final List<Exchange> exchanges = new ArrayList<>();
        final List<Mismatch> mismatches = new ArrayList<>();

        private Report(String scenario) {
            this.scenario = scenario;
        }

        boolean ok() {
            return mismatches.isEmpty();
        }

        /** The differences, readable: step, what was expected (the reference) and what the candidate did. */
        String failures() {
            StringBuilder out = new StringBuilder();
            out.append("Scenario '").append(scenario).append("': ").append(mismatches.size())
                    .append(" difference(s); expected = ").append(reference.name())
                    .append(" (").append(reference.url()).append("), actual = ").append(candidate.name())
                    .append(" (").append(candidate.url()).append(")\n");
            for (Mismatch m : mismatches) {
                out.append("  ").append(m).append('\n');
            }
            out.append("Full transcript:\n").append(transcript());
            // Again at the end: a log that keeps only the tail of a long message still shows them.
            out.append("The difference(s) again:\n");
            for (Mismatch m : mismatches) {
                out.append("  ").append(m).append('\n');
            }
            return out.toString();
        }

        /** Every step with both answers. */
        String transcript() {
            StringBuilder out = new StringBuilder();
            for (Exchange e : exchanges) {
                out.append("  #").append(e.number()).append(' ').append(e.step()).append('\n')
                        .append("      ").append(pad(reference.name())).append(describe(e.expected())).append('\n')
                        .append("      ").append(pad(candidate.name())).append(describe(e.actual())).append('\n');
            }
            return out.toString();
        }

        /** The transcript as markdown, for reading beside the test report. */
        String markdown() {
            StringBuilder out = new StringBuilder("# Scenario " + scenario + "\n\n");
            for (Exchange e : exchanges) {
                out.append("## ").append(e.number()).append(". `").append(cut(squeeze(e.step().describe(Integer.MAX_VALUE)))).append("`\n\n")
                        .append("- ").append(reference.name()).append(": `").append(cut(squeeze(describe(e.expected(), Integer.MAX_VALUE, true)))).append("`\n")
                        .append("- ").append(candidate.name()).append(": `").append(cut(squeeze(describe(e.actual(), Integer.MAX_VALUE, true)))).append("`\n");
                for (Mismatch m : mismatches) {
                    if (m.number() == e.number()) {
                        out.append("- **differs**: ").append(m.what().replace("\n", " ")).append('\n');
                    }
                }
                out.append('\n');
            }
            return out.toString();
        }

        /** Long runs of one character (padding in large bodies) shortened to a count. */
        private static String squeeze(String text) {
            return Pattern.compile("(.)\\1{39,}").matcher(text)
                    .replaceAll(m -> Matcher.quoteReplacement(m.group(1).repeat(8) + "...(" + m.group().length() + " x '" + m.group(1) + "')"));
        }

        private static String cut(String text) {
            return text.length() > 4000 ? text.substring(0, 4000) + "... (" + text.length() + " chars)" : text;
        }

        private String pad(String name) {
            int width = Math.max(reference.name().length(), candidate.name().length()) + 2;
            return String.format("%-" + width + "s", name + ":");
        }

        /** Writes the markdown transcript into the directory (for example target/difftest). */
        void writeTo(Path dir) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(scenario + ".md"), markdown());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    Report run(String scenario, List<Step> steps) {
        Report report = new Report(scenario);
        // A target that once missed a step's condition is not waited for again in this scenario:
        // the scenario fails anyway, and the report should not take minutes to arrive.
        Set<String> late = new HashSet<>();
        int number = 0;
        for (Step step : steps) {
            number++;
            Http.Response expected = callReference(step, late);
            Http.Response actual = call(candidate, step, late);
            report.exchanges.add(new Exchange(number, step, expected, actual));
            for (String what : compare(step, expected, actual)) {
                report.mismatches.add(new Mismatch(number, step, what));
            }
        }
        return report;
    }

    /**
     * Kafka Connect answers 500 "a rebalance is expected" for a while after a config write; that is
     * the reference being busy, not its answer to the step, so the call is repeated (briefly).
     */
    private Http.Response callReference(Step step, Set<String> late) {
        Http.Response response = call(reference, step, late);
        if (response.status() == -1 && response.body().contains("received no bytes")) {
            // The worker closes a connection after some refusals (an unread body); the client can
            // still pick that connection for the next step, which then gets no answer without the
            // worker having read it. Sent again, it goes on a new connection.
            response = call(reference, step, late);
        }
        if (rebalancing(response)) {
            response = Await.atMost(POLL_DEADLINE).poll(() -> call(reference, step, late), answer -> !rebalancing(answer));
        }
        return response;
    }

    private static boolean rebalancing(Http.Response response) {
        return response.status() == 500 && response.body().contains("rebalance");
    }

    /**
     * The target's answer to the step; with {@code until}, the first answer for which it has held
     * {@code steadyFor}, or the last one when the time is up (the target is then late: it gets one
     * try at the next steps). A dropped connection is an answer too.
     */
    private static Http.Response call(Target target, Step step, Set<String> late) {
        if (step.until == null || late.contains(target.name())) {
            return send(target, step);
        }
        long[] heldSince = {-1};
        boolean[] steady = {false};
        Http.Response response = Await.atMost(POLL_DEADLINE).poll(() -> send(target, step), answer -> {
            if (answer.status() == -1) {
                return true;
            }
            if (!step.until.test(answer)) {
                heldSince[0] = -1;
                return false;
            }
            long now = System.nanoTime();
            heldSince[0] = heldSince[0] < 0 ? now : heldSince[0];
            steady[0] = now - heldSince[0] >= step.steadyFor.toNanos();
            return steady[0];
        });
        if (response.status() != -1 && !steady[0]) {
            late.add(target.name());
        }
        return response;
    }

    private static Http.Response send(Target target, Step step) {
        try {
            return Http.send(target.url(), step.method, step.path, step.body, step.headers);
        } catch (IOException e) {
            // A target that drops the connection has answered too: say so in the report.
            return new Http.Response(-1, HttpHeaders.of(Map.of(), (a, b) -> true), "no answer: " + e);
        }
    }

    /** Every way the candidate's answer differs from the reference's, as the step asks to compare them. */
    List<String> compare(Step step, Http.Response expected, Http.Response actual) {
        List<String> out = new ArrayList<>();
        if (step.until != null && !step.until.test(expected)) {
            out.add(reference.name() + " never got to " + step.untilDescription + " within " + POLL_DEADLINE.toSeconds() + " s: " + expected);
        }
        if (step.until != null && !step.until.test(actual)) {
            out.add(candidate.name() + " never got to " + step.untilDescription + " within " + POLL_DEADLINE.toSeconds() + " s: " + actual);
        }
        if (actual.status() >= 500 || actual.status() < 0) {
            out.add(candidate.name() + " answered " + describe(actual) + "; a 5xx (or no answer) is never acceptable"
                    + "\n  expected: " + describe(expected));
            return out;
        }
        if (step.deviation != null) {
            boolean referenceAsDocumented = step.referenceStatus == Step.ANY_5XX ? expected.status() >= 500
                    : expected.status() == step.referenceStatus;
            if (!referenceAsDocumented) {
                out.add("the step documents that " + reference.name() + " answers "
                        + (step.referenceStatus == Step.ANY_5XX ? "a 5xx" : step.referenceStatus) + " here (" + step.deviation
                        + "), but it answered " + describe(expected) + ": review the step");
            }
            if (actual.status() != step.candidateStatus) {
                out.add("status: expected " + step.candidateStatus + " (where " + reference.name() + " answers "
                        + expected.status() + ": " + step.deviation + "), actual " + describe(actual));
            } else {
                compareErrorShape(out, actual);
            }
            return out;
        }
        if (expected.status() != actual.status()) {
            out.add("status: expected " + expected.status() + ", actual " + actual.status()
                    + "\n  expected: " + describe(expected) + "\n  actual:   " + describe(actual));
            return out;
        }
        compareHeaders(out, step, expected, actual);
        String expectedKind = kind(expected);
        String actualKind = kind(actual);
        if (!expectedKind.equals(actualKind)) {
            out.add("body: expected " + expectedKind + ", actual " + actualKind
                    + "\n  expected: " + describe(expected) + "\n  actual:   " + describe(actual));
            return out;
        }
        if (expectedKind.equals("text")) {
            if (!expected.body().equals(actual.body())) {
                out.add("body (not JSON): expected " + expected.body() + ", actual " + actual.body());
            }
            return out;
        }
        if (expectedKind.equals("no body")) {
            return out;
        }
        if (expected.status() >= 400) {
            compareError(out, step, expected.json(), actual.json());
        } else if (step.listAsSet) {
            Set<String> e = textSet(expected.json());
            Set<String> a = textSet(actual.json());
            if (!expected.json().isArray() || !actual.json().isArray() || !e.equals(a)) {
                out.add("list: expected " + e + ", actual " + a);
            }
        } else {
            compareNodes(out, step, "$", expected.json(), actual.json());
        }
        return out;
    }

    private void compareHeaders(List<String> out, Step step, Http.Response expected, Http.Response actual) {
        if (expected.hasBody() && actual.hasBody()) {
            // Kafka Connect sends no Content-Type on the JSON bodies of its 404 and 405 answers for
            // unknown routes and methods; naming the type there is no incompatibility.
            String e = mediaType(expected.header("Content-Type"));
            String a = mediaType(actual.header("Content-Type"));
            boolean unnamedJson = expected.header("Content-Type") == null && a.equals("application/json")
                    && actual.jsonIfAny().isPresent();
            if (!e.equals(a) && !unnamedJson) {
                out.add("Content-Type: expected " + e + ", actual " + a);
            }
        }
        for (String name : step.sameHeaders) {
            String e = relative(expected.header(name), reference.url());
            String a = relative(actual.header(name), candidate.url());
            if (e == null ? a != null : !e.equals(a)) {
                out.add("header " + name + ": expected " + e + ", actual " + a + " (base URLs cut off)");
            }
        }
    }

    private static String relative(String value, String base) {
        return value != null && value.startsWith(base) ? value.substring(base.length()) : value;
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "(none)";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private void compareError(List<String> out, Step step, JsonNode expected, JsonNode actual) {
        if (!compareErrorShape(out, actual)) {
            return;
        }
        if (!expected.has("error_code")) {
            // Not Kafka Connect's own error body: Jetty refused the request before Kafka Connect saw
            // it (e.g. {"message":"Ambiguous URI path separator","url":...,"status":"400"}).
            // The candidate still answers in Kafka Connect's format; the message text is compared.
            if (step.messageDiffers == null && !expected.path("message").asText().equals(actual.path("message").asText())) {
                out.add("message (" + reference.name() + "'s answer came from its HTTP server, not its API):\n  expected: "
                        + expected.path("message").asText() + "\n  actual:   " + actual.path("message").asText());
            }
            return;
        }
        Set<String> expectedKeys = keys(expected);
        Set<String> actualKeys = keys(actual);
        if (!expectedKeys.equals(actualKeys)) {
            out.add("error body keys: expected " + expectedKeys + ", actual " + actualKeys);
        }
        if (!expected.path("error_code").equals(actual.path("error_code"))) {
            out.add("error_code: expected " + expected.path("error_code") + ", actual " + actual.path("error_code"));
        }
        String e = expected.path("message").asText();
        String a = actual.path("message").asText();
        if (step.messageDiffers == null && !e.equals(a)) {
            out.add("message:\n  expected: " + e + "\n  actual:   " + a);
        }
    }

    /** The candidate's error body must be Kafka Connect's: {"error_code": status, "message": text}. */
    private boolean compareErrorShape(List<String> out, JsonNode body) {
        if (!body.isObject() || !body.path("error_code").isInt() || !body.path("message").isTextual()) {
            out.add(candidate.name() + "'s error body is not {\"error_code\": int, \"message\": string}: " + body);
            return false;
        }
        return true;
    }

    private void compareErrorShape(List<String> out, Http.Response actual) {
        if (compareErrorShape(out, actual.json()) && actual.json().path("error_code").asInt() != actual.status()) {
            out.add(candidate.name() + "'s error_code " + actual.json().path("error_code") + " is not its status " + actual.status());
        }
    }

    private void compareNodes(List<String> out, Step step, String path, JsonNode e, JsonNode a) {
        if (isIgnored(step, path)) {
            return;
        }
        if (e.getNodeType() != a.getNodeType()) {
            out.add(path + ": expected " + typeName(e) + " " + e + ", actual " + typeName(a) + " " + a);
            return;
        }
        if (e.isObject()) {
            Set<String> all = new TreeSet<>(keys(e));
            all.addAll(keys(a));
            for (String key : all) {
                String child = path + "." + key;
                if (isIgnored(step, child)) {
                    continue;
                }
                if (!e.has(key)) {
                    out.add(child + ": not in " + reference.name() + "'s answer, but " + candidate.name() + " has " + a.get(key));
                } else if (!a.has(key)) {
                    out.add(child + ": missing from " + candidate.name() + "'s answer; expected " + e.get(key));
                } else {
                    compareNodes(out, step, child, e.get(key), a.get(key));
                }
            }
        } else if (e.isArray()) {
            String child = path + "[]";
            if (step.compareValues && e.size() != a.size()) {
                out.add(path + ": expected " + e.size() + " element(s) " + e + ", actual " + a.size() + " " + a);
                return;
            }
            if (e.isEmpty() != a.isEmpty() && !isIgnored(step, child)) {
                out.add(path + ": expected " + e + ", actual " + a + " (one is empty, so element shapes cannot be compared)");
                return;
            }
            // Shape mode: element i against element i, surplus elements against the first one.
            for (int i = 0; i < a.size() && !e.isEmpty(); i++) {
                compareNodes(out, step, child, e.get(Math.min(i, e.size() - 1)), a.get(i));
            }
        } else if (step.compareValues && !e.equals(a)) {
            out.add(path + ": expected " + e + ", actual " + a);
        }
    }

    static boolean isIgnored(Step step, String path) {
        for (String pattern : step.ignored) {
            if (matches(pattern, path)) {
                return true;
            }
        }
        return false;
    }

    /** {@code $.a.*.b} matches {@code $.a.x.b}; {@code []} is part of a segment ({@code $.tasks[]}). */
    static boolean matches(String pattern, String path) {
        String[] p = pattern.split("\\.", -1);
        String[] q = path.split("\\.", -1);
        if (p.length != q.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            boolean any = p[i].equals("*") || (p[i].equals("*[]") && q[i].endsWith("[]"));
            if (!any && !p[i].equals(q[i])) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> keys(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static Set<String> textSet(JsonNode node) {
        Set<String> out = new TreeSet<>();
        node.elements().forEachRemaining(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
        return out;
    }

    private static String typeName(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String kind(Http.Response response) {
        if (!response.hasBody()) {
            return "no body";
        }
        return response.jsonIfAny().isPresent() ? "JSON" : "text";
    }

    static String describe(Http.Response response) {
        return describe(response, 600, false);
    }

    /** Status, Location, the Content-Type if asked for, and the body cut after {@code maxBody} characters. */
    static String describe(Http.Response response, int maxBody, boolean withContentType) {
        if (response.status() < 0) {
            return response.body();
        }
        StringBuilder out = new StringBuilder().append(response.status());
        String contentType = response.header("Content-Type");
        if (contentType != null && withContentType) {
            out.append(" Content-Type: ").append(contentType);
        }
        String location = response.header("Location");
        if (location != null) {
            out.append(" Location: ").append(location);
        }
        if (response.hasBody()) {
            String body = response.body();
            out.append(' ').append(body.length() > maxBody ? body.substring(0, maxBody) + "... (" + body.length() + " chars)" : body);
        } else {
            out.append(" (no body)");
        }
        return out.toString();
    }
}
