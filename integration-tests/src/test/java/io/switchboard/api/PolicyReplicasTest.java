package io.switchboard.api;

import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.processor.StoreNames;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.Await;
import io.switchboard.testing.TestReplicas;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A policy decided the same on two replicas, and at once: each round stores a new version of a
 * policy through one replica, then, without waiting, sends creates through the other; the
 * connectors' partitions are split between both replicas' processors. A create that breaks the
 * version just stored is refused, naming it, every time; one that only the version before refused
 * is accepted, every time (docs/policies.md, "How it is decided").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyReplicasTest {
    private static final int ROUNDS = 12;
    private static final int NAMES_PER_ROUND = 4;
    private Path dir;
    private SecuredKafka kafka;
    private final List<SwitchboardApp> replicas = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-policy-replicas");
        kafka = SecuredKafka.start(dir.resolve("broker"));
        SwitchboardApp first = SwitchboardApp.start(options("one"));
        replicas.add(first);
        replicas.add(SwitchboardApp.start(OptionsBuilder.from(options("two")).schemaRegistryUrl(first.schemaRegistryUrl()).build()));
        replicas.forEach(replica -> ApiContract.watch(replica.url()));
        Await.atMost(Duration.ofSeconds(120)).until("both replicas RUNNING in one group",
                () -> replicas.stream().allMatch(r -> r.streams().state() == KafkaStreams.State.RUNNING)
                        && replicas.get(0).streams().metadataForAllStreamsClients().size() == 2);
    }

    private SwitchboardOptions options(String name) {
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        return kafka.replica(TestReplicas.defaults().port(0).schemaRegistryPort(0)
                .dataDir(dir.resolve(name)).embeddedWorker(false)
                .secretsKeyFile(dir.resolve("shared-secrets.key")).commandTimeout(Duration.ofSeconds(60)).build());
    }

    @AfterAll
    void stop() {
        replicas.forEach(SwitchboardApp::close);
        kafka.close();
        SwitchboardFixture.deleteQuietly(dir);
    }

    private static String policy(int maxTasks) {
        return SwitchboardFixture.json(Map.of("action", "deny", "match", Map.of("classes", List.of("*FileStream*")),
                "validations", List.of(Map.of("expression", "int(connector.config[?'tasks.max'].orValue('1')) <= " + maxTasks,
                        "message", "at most " + maxTasks + " tasks"))));
    }

    private static String connector(String name, int tasks) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", "/tmp/switchboard-test-files/" + name + ".txt");
        config.put("topic", "orders");
        config.put("tasks.max", Integer.toString(tasks));
        return SwitchboardFixture.json(Map.of("name", name, "config", config));
    }

    @Test
    void aPolicyChangeIsInForceForTheNextCommandOnEveryReplica() {
        Set<String> deciders = new HashSet<>();
        List<String> failures = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            SwitchboardApp storing = replicas.get(round % 2);
            SwitchboardApp asking = replicas.get((round + 1) % 2);
            SwitchboardFixture.Answer stored = SwitchboardFixture.call(storing.url(), "PUT", "/policies/tasks", policy(round));
            assertEquals(round == 1 ? 201 : 200, stored.status(), stored.body());
            for (int n = 0; n < NAMES_PER_ROUND; n++) {
                // One task more than this version allows: refused.
                String over = "over-" + round + "-" + n;
                SwitchboardFixture.Answer refused = SwitchboardFixture.call(asking.url(), "POST", "/connectors", connector(over, round + 1));
                if (refused.status() != 400 || !("Connector config refused by policy tasks: at most " + round + " tasks")
                        .equals(refused.json().path("message").asText())) {
                    failures.add("round " + round + ": " + over + " with " + (round + 1) + " tasks answered " + refused.status() + " "
                            + refused.body());
                }
                // Exactly what this version allows, one more than the version before did: accepted.
                String within = "within-" + round + "-" + n;
                SwitchboardFixture.Answer accepted = SwitchboardFixture.call(asking.url(), "POST", "/connectors", connector(within, round));
                if (accepted.status() != 201) {
                    failures.add("round " + round + ": " + within + " with " + round + " tasks answered " + accepted.status() + " "
                            + accepted.body());
                }
                deciders.add(decider(over));
                deciders.add(decider(within));
            }
        }
        assertEquals(List.of(), failures, "decisions that met another version than the one stored just before");
        assertEquals(2, deciders.size(), "the creates' partitions are decided on both replicas: " + deciders);
        assertTrue(SwitchboardFixture.call(replicas.get(0).url(), "GET", "/policies/tasks/history", null).json().size() == ROUNDS);
    }

    /** The replica whose processor decides the connector's commands (the active copy of its partition). */
    private String decider(String name) {
        KeyQueryMetadata metadata = replicas.get(0).streams().queryMetadataForKey(StoreNames.CONNECTORS,
                new ConnectorKey("default", name).toString(), new StringSerializer());
        return metadata.activeHost().toString();
    }
}
