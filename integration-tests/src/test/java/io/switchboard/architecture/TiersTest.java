package io.switchboard.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two tiers of tests, read from the sources. {@code mvn -B verify} runs the default tier: every
 * module's unit tests and this module's flows, most of them on replicas a test JVM shares.
 * {@code mvn -B verify -Psystem} runs the system tier: every class of {@code system-tests}, listed
 * here, so that a class enters or leaves the tier only by a change of this list. CI runs both.
 */
class TiersTest {
    /**
     * The system tier: replica processes, the differential run, PostgreSQL pipelines beyond the
     * default tier's one ({@code PipelineFirstTablesApiTest}), the console driven in a browser, a
     * real Prometheus, the move with a replica killed.
     */
    private static final Set<String> SYSTEM_TIER = Set.of(
            // Replicas as separate processes, and the differential run against Kafka Connect (and its differ).
            "replicas.SeparateProcessReplicasTest",
            "difftest.ConnectApiDifferentialTest",
            "difftest.DifferTest",
            // PostgreSQL: replication, table shapes, pipelines' lives, failures, lag, ownership, policies.
            "api.PostgresReplicationTest",
            // A rollout carried on by another replica when the one driving it is stopped.
            "api.RolloutWithAReplicaKilledTest",
            "api.PipelineEnableShapesTest",
            "api.PipelineTableShapesTest",
            "api.PipelinesApiTest",
            "api.PipelineFailuresApiTest",
            "api.PipelineLagApiTest",
            "api.PipelineOwnershipApiTest",
            "api.PipelinePolicyApiTest",
            "api.PipelineVendorStatesApiTest",
            "api.PipelineVendorVariantsApiTest",
            // The console in Chromium (Playwright).
            "api.ConsoleTest",
            "api.HealthInTheConsoleTest",
            "api.IncidentsInTheConsoleTest",
            "api.PoliciesInTheConsoleTest",
            "api.SetConsoleTest",
            "api.SignInToTheConsoleWithOidcTest",
            // A real Prometheus scraping a replica and firing the shipped alerts.
            "api.PrometheusAlertTest",
            // Moving connectors between clusters while one of two replicas is killed.
            "api.MoveWithAReplicaKilledTest");

    /**
     * How many of this module's classes may start a replica of their own (rather than use one the
     * test JVM shares): each start is seconds of CPU the default tier pays. Lower it when a class
     * moves to a shared replica; raise it only for a class that restarts, kills or upgrades its
     * replica, or its broker, or starts it with options no shared replica has.
     */
    private static final int OWN_REPLICA_BUDGET = 41;

    /** What starts a replica in a test's source: the application itself, or a fixture made for the class alone. */
    private static final Pattern STARTS_A_REPLICA = Pattern.compile(
            "SwitchboardApp\\.start\\(|new SwitchboardFixture\\(|SwitchboardFixture\\.withUsers\\(");

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theSystemTierIsTheseClasses() {
        Set<String> found = testClasses(ROOT.resolve("system-tests/src/test/java/io/switchboard"));
        assertEquals(new TreeSet<>(SYSTEM_TIER), found,
                "system-tests holds the system tier (mvn -B verify -Psystem); a class added to it or taken out of it"
                        + " is added to or taken out of TiersTest.SYSTEM_TIER too");
    }

    @Test
    void noClassIsInBothTiers() {
        Set<String> defaultTier = testClasses(ROOT.resolve("integration-tests/src/test/java/io/switchboard"));
        Set<String> both = new TreeSet<>(defaultTier);
        both.retainAll(SYSTEM_TIER);
        assertTrue(both.isEmpty(), "in both tiers: " + both);
    }

    @Test
    void fewClassesStartAReplicaOfTheirOwn() {
        Path sources = ROOT.resolve("integration-tests/src/test/java/io/switchboard");
        Set<String> own;
        try (Stream<Path> files = Files.walk(sources)) {
            own = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> STARTS_A_REPLICA.matcher(read(file)).find())
                    .map(file -> name(sources, file))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(own.size() <= OWN_REPLICA_BUDGET, own.size() + " classes start a replica of their own, over the budget of "
                + OWN_REPLICA_BUDGET + " (a shared one serves a class that does not restart, kill or upgrade it): " + own);
        assertTrue(own.size() > 0, "the pattern still finds the classes that start a replica: " + STARTS_A_REPLICA);
    }

    /** The test classes under {@code sources}, as {@code package.Class} below {@code io.switchboard}. */
    private static Set<String> testClasses(Path sources) {
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(file -> file.getFileName().toString().endsWith("Test.java"))
                    .map(file -> name(sources, file))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path sources, Path file) {
        String relative = sources.relativize(file).toString().replace('/', '.');
        return relative.substring(0, relative.length() - ".java".length());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
