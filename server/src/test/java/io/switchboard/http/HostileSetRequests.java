package io.switchboard.http;

import io.switchboard.testing.HostileAnswers;
import io.switchboard.testing.RawHttp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile requests to the connector-set routes (docs/apply.md): malformed YAML and JSON, huge and
 * deep bodies, wrong types, unknown fields, more connectors than a set holds, and names that try to
 * leave their path, each of which must be refused with a 4xx in Kafka Connect's error format and
 * change nothing.
 */
final class HostileSetRequests {
    private HostileSetRequests() {
    }

    static void send(HostileAnswers answers) throws IOException {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        String connector = "{\"name\": \"hostile-set-item\", \"config\": {\"connector.class\": \"FileStreamSource\", \"topic\": \"t\"}}";
        List<String> bodies = new ArrayList<>(List.of("", " ", "null", "true", "1", "[]", "{", "{not json", deep,
                // The files' own YAML is the command line's to read: the API takes JSON only.
                "apiVersion: switchboard.io/v1\nkind: Connector\nmetadata: {name: x}\n",
                "---\n- a\n- : b\n", "{\"connectors\": 1}", "{\"connectors\": {}}", "{\"connectors\": [1]}", "{\"connectors\": [{}]}",
                "{\"connectors\": [{\"name\": 1}]}", "{\"connectors\": [{\"name\": null}]}", "{\"selector\": [1], \"connectors\": []}",
                "{\"selector\": {\"a\": {}}, \"connectors\": []}", "{\"connectors\": [], \"prune\": \"yes\"}",
                "{\"connectors\": [], \"force\": 1}", "{\"connectors\": [], \"max_deletes\": -1}",
                "{\"connectors\": [], \"max_deletes\": \"10\"}", "{\"connectors\": [], \"max_deletes\": 1e99}",
                "{\"connectors\": [], \"max_deletes\": 2.5}", "{\"connectors\": [], \"nope\": 1}",
                "{\"connectors\": [{\"name\": \"a\", \"nope\": 1}]}", "{\"connectors\": [{\"name\": \"a\", \"labels\": [\"x\"]}]}",
                "{\"connectors\": [{\"name\": \"a\", \"config\": [\"x\"]}]}", "{\"connectors\": [{\"name\": \"a\", \"config\": {\"x\": {}}}]}",
                "{\"connectors\": [{\"name\": \"a\", \"config\": {\"x\": null}}]}", "{\"connectors\": [{\"name\": \"a\", \"state\": \"exploded\"}]}",
                "{\"connectors\": [{\"name\": \"a\", \"state\": 1}]}", "{\"connectors\": [" + connector + "]} x",
                "{\"connectors\": [{\"name\": \"a\", \"config\": {}}], \"connectors\": 1}"));
        for (String name : List.of("../etc", "a/b", "a\\\\b", "..", "${env:HOME}", "a{b}", "{set}x", "x".repeat(10_000))) {
            bodies.add("{\"connectors\": [{\"name\": \"" + name + "\", \"config\": {\"connector.class\": \"FileStreamSource\"}}]}");
        }
        bodies.add("{\"connectors\": [" + (connector + ",").repeat(501) + connector + "]}");
        bodies.add("{\"connectors\": [], \"x\": \"" + "y".repeat(1024 * 1024 + 10) + "\"}");
        for (String body : bodies) {
            answers.expectError("POST", "/sets/hostile/apply", body);
            answers.expectError("POST", "/sets/hostile/apply?dry_run=true", body);
            answers.expectError("POST", "/clusters/default/sets/hostile/apply", body.length() > 1000 ? null : body);
        }
        // A flag is true or false (any case), once: anything else is a 400, never an apply.
        String valid = "{\"connectors\": [{\"name\": \"hostile-flag\", \"config\": {\"connector.class\": \"FileStreamSource\", "
                + "\"file\": \"/tmp/hostile-flag\", \"topic\": \"t\"}}]}";
        for (String spelling : List.of("1", "0", "yes", "no", "on", "off", "", "t", "%74rue%00", "true&dry_run=true", "true&dry_run=false")) {
            answers.expectError("POST", "/sets/hostile-flag/apply?dry_run=" + spelling, valid);
            answers.expectError("POST", "/clusters/default/sets/hostile-flag/apply?dry_run=" + spelling, valid);
        }
        // A set item's config names it, or no other.
        String foreign = "{\"connectors\": [{\"name\": \"hostile-named\", \"config\": {\"connector.class\": \"FileStreamSource\", "
                + "\"file\": \"/tmp/hostile-named\", \"topic\": \"t\", \"name\": \"sentinel\"}}]}";
        for (String path : List.of("/sets/hostile-named/apply", "/sets/hostile-named/apply?dry_run=true")) {
            // Refused as a plan is: 422 with the plan, the item's error, error_code and message.
            RawHttp.Answer answer = answers.send("POST", path, foreign);
            assertEquals(422, answer.status(), path + ": " + answer.body());
            assertTrue(answer.body().contains("config.name (sentinel) must be the connector's name (hostile-named)")
                    && answer.body().contains("\"error_code\":422"), answer.body());
        }
        for (String set : List.of("..%2F..%2Fetc", "a%2Fb", "a%00b", "%zz", "%2e%2e", "a%5Cb", "%7Bset%7Dx", "x".repeat(3000))) {
            answers.expectError("POST", "/sets/" + set + "/apply?dry_run=true", "{\"connectors\": []}");
            answers.expectError("GET", "/sets/" + set, null);
            answers.expectError("GET", "/sets/" + set + "/changes/x", null);
            answers.expectError("POST", "/sets/" + set + "/changes/x/revert", null);
            answers.expectError("POST", "/clusters/" + set + "/sets/hostile/apply", "{\"connectors\": []}");
        }
        for (String change : List.of("..%2F..", "a%00b", "%zz", "x".repeat(3000), "ghost")) {
            answers.expectError("GET", "/sets/hostile/changes/" + change, null);
            answers.expectError("POST", "/sets/hostile/changes/" + change + "/revert", null);
        }
        answers.expectError("GET", "/events?cluster=default&set=..%2Fx", null);
        answers.expectError("GET", "/events?set=hostile", null);
        answers.expectError("GET", "/events?cluster=default&set=", null);
    }
}
