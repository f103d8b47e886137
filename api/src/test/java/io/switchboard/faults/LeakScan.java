package io.switchboard.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Looks for every secret value the run wrote (as written and in base64, as it was sent) in every
 * record of every topic (internal ones and the worker's included), every process's log and every
 * answer a client received. Values are write-only: none may be found anywhere.
 */
final class LeakScan {
    private LeakScan() {
    }

    static List<String> find(Set<String> secrets, Map<String, List<String>> topics, List<JavaProcess> processes, List<String> answers) {
        List<String> leaks = new ArrayList<>();
        for (String secret : secrets) {
            String encoded = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            for (String form : List.of(secret, encoded)) {
                topics.forEach((topic, records) -> {
                    if (records.stream().anyMatch(r -> r.contains(form))) {
                        leaks.add("topic " + topic + " holds " + form);
                    }
                });
                for (JavaProcess process : processes) {
                    if (process.text().contains(form)) {
                        leaks.add("log of " + process.name() + " holds " + form);
                    }
                }
                if (answers.stream().anyMatch(a -> a != null && a.contains(form))) {
                    leaks.add("an answer holds " + form);
                }
            }
        }
        return leaks;
    }
}
