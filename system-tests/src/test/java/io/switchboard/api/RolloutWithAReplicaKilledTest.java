package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.Topics;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.testing.Await;
import io.switchboard.testing.ConnectWorker;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A rollout with two replicas, the one carrying it forward (it holds the cluster's lease) stopped
 * once the canary passed its watch: the other replica takes the lease over and carries the rollout
 * on from where the store says it is, to done, each connector moved once. The worker is one of the
 * test's, with a test plugin in two versions on its plugin path; the replicas share a schema
 * registry of their own, so that the one stopped takes no registry with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutWithAReplicaKilledTest {
    private static final String CLASS = "com.example.versioned.VersionedSource";
    private static final List<String> CONNECTORS = List.of("k1", "k2", "k3");
    private static final Await WAIT = Await.atMost(Duration.ofSeconds(120));
    private Path plugins;
    private ConnectWorker worker;
    private EmbeddedSchemaRegistry registry;
    private Path keyring;
    private SwitchboardFixture fx;
    private SwitchboardApp second;

    @BeforeAll
    void start() throws IOException {
        plugins = Files.createTempDirectory("switchboard-rollout-failover-plugins");
        io.switchboard.testing.VersionedPlugins.build(plugins.resolve("versioned-1.0.0"), "1.0.0", 0);
        io.switchboard.testing.VersionedPlugins.build(plugins.resolve("versioned-2.1.0"), "2.1.0", 0);
        worker = ConnectWorker.start(SharedKafka.broker().bootstrapServers(),
                SharedKafka.broker().workerProperties(Map.of("plugin.path", plugins.toString())));
        Map<String, String> settings = new HashMap<>();
        SharedKafka.broker().client(KafkaIdentities.CONTROL_PLANE).forEach((k, v) -> settings.put(k, String.valueOf(v)));
        settings.remove("bootstrap.servers");
        keyring = Files.createTempDirectory("rollout-keyring").resolve("secrets.key");
        registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(SharedKafka.broker().bootstrapServers(), settings,
                new Topics(SharedKafka.newPrefix()).schemas(), EmbeddedSchemaRegistry.LOOPBACK, 0,
                io.switchboard.RegistryCredentials.accepted(io.switchboard.secrets.Keyring.loadOrCreate(keyring)))).start();
        String clusters = "default=" + worker.url();
        fx = new SwitchboardFixture(options -> options.connectClusters(clusters).schemaRegistryUrl(registry.url()).secretsKeyFile(keyring));
        second = SwitchboardApp.start(fx.kafka.replica(fx.options().dataDir(fx.dir.resolve("second"))
                .secretsKeyFile(keyring).schemaRegistryUrl(registry.url()).connectClusters(clusters).build()));
        WAIT.until("both replicas RUNNING in one group",
                () -> List.of(fx.app, second).stream().allMatch(r -> r.streams().state() == KafkaStreams.State.RUNNING)
                        && fx.app.streams().metadataForAllStreamsClients().size() == 2);
    }

    @AfterAll
    void stop() throws IOException {
        if (second != null) {
            second.close();
        }
        if (fx != null) {
            fx.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (worker != null) {
            worker.close();
        }
        SwitchboardFixture.deleteQuietly(plugins);
        SwitchboardFixture.deleteQuietly(keyring.getParent());
    }

    @Test
    void theReplicaTakingTheLeaseOverCarriesTheRolloutOnToItsEnd() {
        for (String name : CONNECTORS) {
            SwitchboardFixture.Answer created = SwitchboardFixture.call(fx.app.url(), "POST", "/connectors", "{\"name\": \"" + name
                    + "\", \"config\": {\"connector.class\": \"" + CLASS + "\", \"tasks.max\": \"1\", \"connector.plugin.version\": \"1.0.0\"}}");
            assertEquals(201, created.status(), created.body());
        }
        CONNECTORS.forEach(name -> runs(fx.app, name, "1.0.0"));
        SwitchboardFixture.Answer started = SwitchboardFixture.call(fx.app.url(), "POST", "/rollouts", "{\"class\": \"" + CLASS
                + "\", \"version\": \"2.1.0\", \"canary\": 1, \"batch\": 1, \"watch_s\": 8}");
        assertEquals(202, started.status(), started.body());
        String id = started.json().path("id").asText();

        // The canary passed: the next batch moves. The replica carrying the rollout stops there.
        WAIT.until("the canary passed", () -> rollout(fx.app, id), r -> r.path("state").asText().equals("promoting"));
        SwitchboardApp carrying = WAIT.until("one replica to hold the lease", () -> List.of(fx.app, second).stream()
                .filter(r -> r.reconcilerLoops().stream().anyMatch(loop -> loop.cluster().equals("default") && loop.isLeader())).toList(),
                holders -> holders.size() == 1).get(0);
        SwitchboardApp survivor = carrying == fx.app ? second : fx.app;
        carrying.close();
        System.out.printf("stopped the replica carrying rollout %s at batch %d%n", id, rollout(survivor, id).path("current_batch").asInt());

        JsonNode done = WAIT.until("the rollout done by the other replica", () -> rollout(survivor, id),
                r -> r.path("state").asText().equals("done") || r.path("state").asText().equals("rolled_back"));
        assertEquals("done", done.path("state").asText(), done.toString());
        for (String name : CONNECTORS) {
            runs(survivor, name, "2.1.0");
            assertEquals(2, SwitchboardFixture.call(survivor.url(), "GET", "/connectors/" + name + "/history", null).json()
                    .path("versions").size(), name + " moved once");
        }
    }

    private static JsonNode rollout(SwitchboardApp replica, String id) {
        return SwitchboardFixture.call(replica.url(), "GET", "/rollouts/" + id, null).json();
    }

    private static void runs(SwitchboardApp replica, String name, String version) {
        WAIT.until(name + " running " + version, () -> SwitchboardFixture.call(replica.url(), "GET", "/connectors/" + name + "/status",
                null).json(), s -> s.path("connector").path("version").asText().equals(version) && s.path("tasks").size() == 1
                && s.path("tasks").path(0).path("version").asText().equals(version)
                && s.path("tasks").path(0).path("state").asText().equals("RUNNING"));
    }
}
