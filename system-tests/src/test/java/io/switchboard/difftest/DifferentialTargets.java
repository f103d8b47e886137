package io.switchboard.difftest;

import io.switchboard.testing.TestReplicas;
import io.switchboard.SwitchboardApp;
import io.switchboard.testing.SecuredKafka;
import io.switchboard.testing.ApiContract;
import io.switchboard.testing.ConnectWorker;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * The two systems the differential test compares, on one broker in this JVM: a Kafka Connect
 * 4.3.1 worker as the reference, and the candidate, Switchboard as it runs by default (its
 * embedded worker as cluster "default", whose plugins validate configs).
 * {@code -Ddifftest.switchboard.worker=false} compares Switchboard's control plane alone, and
 * {@code -Ddifftest.candidate=kafka-connect} a second worker instead, which checks the harness.
 */
final class DifferentialTargets implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Path dir;
    private final String inputFile;
    private Differ differ;

    private DifferentialTargets() throws IOException {
        dir = Files.createTempDirectory("switchboard-difftest");
        // The FileStream source connectors the workers run read this (empty) file.
        inputFile = Files.createFile(io.switchboard.testing.TestReplicas.FILES.resolve(dir.getFileName() + "-input.txt")).toString();
    }

    static DifferentialTargets start() throws IOException {
        DifferentialTargets targets = new DifferentialTargets();
        SecuredKafka kafka = targets.own(SecuredKafka.start(targets.dir.resolve("broker")));
        ConnectWorker worker = targets.own(ConnectWorker.start(kafka));
        targets.differ = new Differ(new Differ.Target("Kafka Connect", worker.url()),
                targets.startCandidate(kafka, targets.dir.resolve("candidate")));
        return targets;
    }

    Differ differ() {
        return differ;
    }

    /** An empty file the scenarios' source connectors read. */
    String inputFile() {
        return inputFile;
    }

    private Differ.Target startCandidate(SecuredKafka kafka, Path dataDir) {
        if ("kafka-connect".equals(System.getProperty("difftest.candidate"))) {
            return new Differ.Target("Kafka Connect #2", own(ConnectWorker.start(kafka)).url());
        }
        boolean worker = !"false".equals(System.getProperty("difftest.switchboard.worker"));
        SwitchboardApp app = own(SwitchboardApp.start(kafka.replica(TestReplicas.defaults()
                .port(0)
                .schemaRegistryPort(0)
                .dataDir(dataDir)
                .embeddedWorker(worker).build())));
        ApiContract.watch(app.url());
        return new Differ.Target("Switchboard", app.url());
    }

    /**
     * Deletes whatever a scenario left behind on both targets (a failed one may leave different
     * connectors on each side), waiting until each lists none. Not compared.
     */
    void deleteAllConnectors() {
        for (Differ.Target target : List.of(differ.reference(), differ.candidate())) {
            Http.Response list = Http.get(target.url(), "/connectors");
            if (list.status() == 200) {
                list.json().forEach(name -> Http.call(target.url(), "DELETE",
                        "/connectors/" + URLEncoder.encode(name.asText(), StandardCharsets.UTF_8)
                                .replace("+", "%20"), null));
            }
            Await.atMost(Differ.POLL_DEADLINE).poll(() -> Http.get(target.url(), "/connectors").body(), "[]"::equals);
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                System.err.println("Cannot close a test resource: " + e);
            }
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
