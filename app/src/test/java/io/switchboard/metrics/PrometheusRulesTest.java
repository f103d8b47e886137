package io.switchboard.metrics;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped alert rules (deploy/prometheus) by Prometheus' own promtool: {@code check rules}, and
 * {@code test rules} with a unit test of each alert; and a copy with one threshold broken fails its
 * unit test, so the tests do test the rules. Skipped, saying so, where promtool is not installed
 * (Debian's package {@code prometheus} has it; .ci/run installs it).
 */
class PrometheusRulesTest {
    static final Path RULES = Path.of("..", "deploy", "prometheus");

    record Run(int exit, String output) {
    }

    @BeforeAll
    static void promtoolIsThere() {
        Assumptions.assumeTrue(onPath("promtool"),
                "promtool is not installed (Debian: apt-get install prometheus): the alert rules are not checked here");
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    static Run promtool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish in 60 s");
        return new Run(process.exitValue(), output);
    }

    @Test
    void theRulesAreValid() throws Exception {
        Run run = promtool(RULES, "check", "rules", "switchboard-alerts.yml");
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("SUCCESS: 6 rules found"), run.output());
    }

    @Test
    void eachAlertPassesItsUnitTest() throws Exception {
        Run run = promtool(RULES, "test", "rules", "switchboard-alerts.test.yml");
        assertEquals(0, run.exit(), run.output());
    }

    @Test
    void aBrokenRuleFailsItsUnitTest() throws Exception {
        brokenThresholdFails("switchboard_connector_not_as_asked_seconds) > 600", "switchboard_connector_not_as_asked_seconds) > 6000",
                "SwitchboardConnectorNotAsAsked");
        brokenThresholdFails("switchboard_connector_sink_lag_seconds[10m])) > 900", "switchboard_connector_sink_lag_seconds[10m])) > 9000",
                "SwitchboardSinkLagOld");
    }

    private void brokenThresholdFails(String threshold, String broken, String alert) throws Exception {
        Path copy = Files.createTempDirectory("switchboard-rules");
        String rules = Files.readString(RULES.resolve("switchboard-alerts.yml"));
        String brokenRules = rules.replace(threshold, broken);
        assertNotEquals(rules, brokenRules, "the threshold to break is in the rules");
        Files.writeString(copy.resolve("switchboard-alerts.yml"), brokenRules);
        Files.copy(RULES.resolve("switchboard-alerts.test.yml"), copy.resolve("switchboard-alerts.test.yml"));
        Run run = promtool(copy, "test", "rules", "switchboard-alerts.test.yml");
        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("alertname: " + alert), run.output());
    }
}
