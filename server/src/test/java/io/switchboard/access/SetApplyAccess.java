package io.switchboard.access;

import io.switchboard.testing.TestUsers;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Set applies by principals who may not operate on the cluster (docs/security.md): refused 403
 * before the body is read or planned, in the same words for a cluster that exists and one that
 * does not, and whatever the body holds (before, the plan decided the words: "may not edit" for
 * configs or an unknown cluster, "may not operate" for states).
 */
final class SetApplyAccess {

    /** A call as a user: method, path, body, Authorization header; answers status and body. */
    interface Caller {
        RouteMatrix.Answer call(String method, String path, String body, String authorization);
    }

    private SetApplyAccess() {
    }

    static void check(Caller caller) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            items.append(i == 0 ? "" : ",").append("{\"name\":\"probe-").append(i).append("\",\"config\":{\"connector.class\":")
                    .append("\"org.apache.kafka.connect.file.FileStreamSinkConnector\",\"topics\":\"t\",\"file\":\"/tmp/p")
                    .append(i).append("\"}}");
        }
        String configs = "{\"connectors\":[" + items + "]}";
        String statesOnly = "{\"connectors\":[{\"name\":\"probe-0\",\"state\":\"paused\"}]}";
        List<String> refusals = new ArrayList<>();
        // pat edits another cluster only; vera views this one; sam views every cluster.
        for (String user : List.of("pat", "vera", "sam")) {
            String authorization = TestUsers.basic(user);
            for (String cluster : List.of("default", "nosuch")) {
                for (String body : List.of(configs, statesOnly, "{\"connectors\":[]}", "{not json")) {
                    for (String query : List.of("", "?dry_run=true")) {
                        String path = "/clusters/" + cluster + "/sets/probe/apply" + query;
                        RouteMatrix.Answer answer = caller.call("POST", path, body, authorization);
                        assertEquals(403, answer.status(), "POST " + path + " as " + user + ": " + answer.body());
                        refusals.add(user + ": " + answer.body().replace(cluster, "CLUSTER"));
                    }
                }
            }
        }
        for (String user : List.of("pat", "vera", "sam")) {
            List<String> distinct = refusals.stream().filter(r -> r.startsWith(user + ": ")).distinct().toList();
            assertEquals(1, distinct.size(), "one refusal, word for word, whatever the cluster and the body: " + distinct);
            assertTrue(distinct.get(0).contains("may not operate"), distinct.get(0));
        }
    }
}
