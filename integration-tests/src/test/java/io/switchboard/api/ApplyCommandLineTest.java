package io.switchboard.api;

import io.switchboard.apply.ApplyCommand;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connectors as code through the command line ({@link ApplyCommand}), against a real broker and
 * processor over real HTTP with access checked: Strimzi and kcctl files applied unchanged, and the
 * environment expanded only where a secret belongs, never printed. On the test JVM's secured
 * replica ({@link SharedReplica#withUsers}), under set and connector names of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplyCommandLineTest {
    private SwitchboardFixture fx;
    private Path repos;

    @BeforeAll
    void start() throws IOException {
        fx = SharedReplica.withUsers(Map.of("erin", "editor@default"), "erin");
        repos = Files.createTempDirectory("switchboard-apply-command-line");
    }

    @AfterAll
    void stop() {
        fx.close();
        SwitchboardFixture.deleteQuietly(repos);
    }

    @Test
    void strimziYamlAndAKcctlJsonDirectoryApplyUnchangedThroughTheCommandLine() throws IOException {
        Path repo = Files.createDirectories(repos.resolve("repo"));
        Files.writeString(repo.resolve("strimzi.yaml"), """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaConnector
                metadata:
                  name: strimzi-source
                  labels:
                    strimzi.io/cluster: default
                spec:
                  class: org.apache.kafka.connect.file.FileStreamSourceConnector
                  tasksMax: 1
                  state: stopped
                  config:
                    file: /tmp/switchboard-test-files/strimzi.txt
                    topic: strimzi
                """);
        Files.writeString(repo.resolve("kcctl.json"), """
                {"name": "kcctl-source", "config": {"connector.class": "FileStreamSource", "file": "/tmp/switchboard-test-files/k.txt",
                 "topic": "kcctl", "tasks.max": "1", "name": "kcctl-source"}}
                """);
        Map<String, String> env = new HashMap<>(Map.of("SWITCHBOARD_USER", "erin", "SWITCHBOARD_PASSWORD", TestUsers.KEY));
        List<String> args = List.of("-f", repo.toString(), "--url", fx.app.url(), "--set", "migrated");
        assertEquals(2, cli(concat(args, "--dry-run"), env), "changes planned");
        assertEquals(2, cli(args, env), "changes applied");
        assertEquals(0, cli(args, env), "the same files again change nothing");
        env.put("SWITCHBOARD_PASSWORD", "wrong");
        assertEquals(1, cli(args, env), "an error");
    }

    /**
     * A file that writes {@code ${SWITCHBOARD_PASSWORD}} into a non-secret key is refused before
     * anything is sent, without the value; a variable named with --env is expanded there, and the
     * printed plan shows its ${NAME}, never its value.
     */
    @Test
    void theCommandLineExpandsTheEnvironmentOnlyWhereASecretBelongsAndNeverPrintsIt() throws IOException {
        Path repo = Files.createDirectories(repos.resolve("pr"));
        Files.writeString(repo.resolve("c.yaml"), """
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: env-leak}
                spec:
                  class: org.apache.kafka.connect.file.FileStreamSinkConnector
                  config: {topics: "leak-${SWITCHBOARD_PASSWORD}", file: /tmp/switchboard-test-files/env-leak.out}
                """);
        Map<String, String> env = new HashMap<>(Map.of("SWITCHBOARD_USER", "erin", "SWITCHBOARD_PASSWORD", TestUsers.KEY));
        List<String> args = List.of("-f", repo.toString(), "--url", fx.app.url(), "--set", "env-leak", "--dry-run");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(1, ApplyCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8)), out::toString);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertFalse(printed.contains(TestUsers.KEY), () -> "the CLI printed its own key: " + printed);
        assertTrue(printed.contains("${SWITCHBOARD_PASSWORD} is expanded only in the value of a secret key"), printed);

        Files.writeString(repo.resolve("c.yaml"), """
                apiVersion: switchboard.io/v1
                kind: Connector
                metadata: {name: env-topic}
                spec:
                  class: org.apache.kafka.connect.file.FileStreamSinkConnector
                  config: {topics: "${ORDERS_TOPIC}", file: /tmp/switchboard-test-files/env-topic.out}
                """);
        env.put("ORDERS_TOPIC", "orders-prod-7");
        ByteArrayOutputStream named = new ByteArrayOutputStream();
        assertEquals(2, ApplyCommand.run(concat(args, "--env", "ORDERS_TOPIC"), env,
                new PrintStream(named, true, StandardCharsets.UTF_8)), named::toString);
        String plan = named.toString(StandardCharsets.UTF_8);
        assertFalse(plan.contains("orders-prod-7"), () -> "the plan printed an expanded value: " + plan);
        assertTrue(plan.contains("+ topics: ${ORDERS_TOPIC}"), plan);
    }

    private static List<String> concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all;
    }

    private static int cli(List<String> args, Map<String, String> env) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ApplyCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8));
        System.out.println("[apply " + String.join(" ", args) + "] exit " + status + "\n" + out.toString(StandardCharsets.UTF_8));
        return status;
    }
}
