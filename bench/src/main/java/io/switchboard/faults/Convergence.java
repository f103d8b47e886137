package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.Op.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Whether the data plane matches what the histories say each connector should be: absent where
 * the last version is a delete, else with the last version's config marker and in its target
 * state, as the worker itself answers (read directly, not through Switchboard).
 */
final class Convergence {
    private Convergence() {
    }

    /** Waits up to {@code boundMillis} for the worker to match; answers what still differs then ("name: ..."). */
    static List<String> await(FaultRun run, Map<String, List<Version>> histories, long boundMillis) throws InterruptedException {
        return await(url -> run.call("GET", url, null), run.workerUrl(), histories, boundMillis);
    }

    /** As {@link #await(FaultRun, Map, long)}, with the worker at {@code workerUrl} asked through {@code get}. */
    static List<String> await(Function<String, FaultRun.Answer> get, String workerUrl, Map<String, List<Version>> histories,
                              long boundMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + boundMillis;
        List<String> differences;
        do {
            differences = differences(get, workerUrl, histories);
            if (differences.isEmpty()) {
                return differences;
            }
            Thread.sleep(1000);
        } while (System.currentTimeMillis() < deadline);
        return differences;
    }

    private static List<String> differences(Function<String, FaultRun.Answer> get, String workerUrl,
                                            Map<String, List<Version>> histories) {
        List<String> differences = new ArrayList<>();
        histories.forEach((name, versions) -> {
            State desired = versions.isEmpty() ? State.ABSENT : versions.get(versions.size() - 1).after();
            FaultRun.Answer config = get.apply(workerUrl + "/connectors/" + name + "/config");
            if (!desired.exists()) {
                if (config.status() != 404) {
                    differences.add(name + ": should be absent, the worker answers " + config.status());
                }
                return;
            }
            if (config.status() != 200) {
                differences.add(name + ": should be " + desired + ", the worker answers " + config.status());
                return;
            }
            String marker = FaultRun.json(config).path(Op.MARKER_KEY).asText(null);
            FaultRun.Answer status = get.apply(workerUrl + "/connectors/" + name + "/status");
            JsonNode state = status.status() == 200 ? FaultRun.json(status).path("connector").path("state") : null;
            String observed = state == null ? "status " + status.status() : state.asText();
            if (!Objects.equals(marker, desired.marker()) || !desired.target().equals(observed)) {
                differences.add(name + ": should be " + desired + ", the worker has " + marker + "/" + observed);
            }
        });
        return differences;
    }
}
