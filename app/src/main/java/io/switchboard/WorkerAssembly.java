package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.dataplane.BundledPlugins;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.dataplane.EmbeddedConnectWorker;
import io.switchboard.dataplane.WorkerClassPath;
import io.switchboard.dataplane.WorkerProcess;
import io.switchboard.dataplane.WorkerWall;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.KafkaRefusals;
import io.switchboard.kafkaio.Topics;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.SecretBox;
import io.switchboard.secrets.SecretStore;
import io.switchboard.secrets.WorkerSecretsChannel;
import io.switchboard.worker.EmbeddedWorkerMain;
import io.switchboard.worker.RestToken;
import io.switchboard.worker.SecretConfigProvider;
import io.switchboard.worker.SecretStoreConfigProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The embedded Kafka Connect worker, cluster "default", when the data plane embeds one
 * ({@link DataPlaneAssembly#embedsWorker}): started on a thread of its own, since it needs nothing of
 * the command processor and so starts while the processor joins its group. Owns the worker's
 * process and its secrets channel; they stop after the data plane and before the processor.
 */
final class WorkerAssembly {
    private static final Logger log = LoggerFactory.getLogger(WorkerAssembly.class);

    /** The embedded worker's JVM options when {@code SWITCHBOARD_WORKER_JAVA_OPTIONS} gives none. */
    static final String WORKER_JAVA_OPTIONS = "-Xmx1g -XX:+ExitOnOutOfMemoryError";

    /** The worker's REST token, in the data directory (owner-only), for its operator's own calls. */
    static final String REST_TOKEN_FILE = "worker.token";

    private final SwitchboardOptions options;
    private final KafkaAssembly kafka;
    private final ConnectClusters connectClusters;
    private final StartupSteps steps;
    private final ShutdownOrder.Part owned;
    private CompletableFuture<WorkerProcess> started;

    WorkerAssembly(SwitchboardOptions options, KafkaAssembly kafka, ConnectClusters connectClusters, StartupSteps steps,
                   ShutdownOrder.Part owned) {
        this.options = options;
        this.kafka = kafka;
        this.connectClusters = connectClusters;
        this.steps = steps;
        this.owned = owned;
    }

    /**
     * Starts the embedded worker, when there is one, on a thread of its own: its named secrets are
     * {@code secretStore}'s, opened with {@code keyring}'s keys here, never in its process.
     */
    WorkerAssembly start(SecretStore secretStore, Keyring keyring) {
        if (DataPlaneAssembly.embedsWorker(options)) {
            started = steps.async("embedded worker", () -> startWorker(secretStore, new SecretBox(keyring)));
        }
        return this;
    }

    /** The embedded worker, once it has started; null when the data plane embeds none. */
    WorkerProcess process() {
        return started == null ? null : StartupSteps.join(started);
    }

    /**
     * The embedded worker in a process of its own, once the secret store has read what its topic
     * held: the worker opens named secrets as soon as it starts a connector. It runs in
     * {@code <data-dir>/worker} behind the {@link WorkerWall} where the host draws one (what it found is
     * told to {@code connectClusters}), with the worker's Kafka settings only, on Kafka Connect's class path only, and opens
     * sealed values and named secrets of cluster "default" through a loopback channel with a token
     * of its own: never with the keyring, which stays here. Its REST API answers only requests with
     * the token every replica derives from the keyring ({@link io.switchboard.kafkaio.KeyPurpose#WORKER_REST}), which
     * {@code connectClusters} is given for it.
     */
    private WorkerProcess startWorker(SecretStore secretStore, SecretBox box) {
        KafkaClients workerKafka = kafka.workerClients();
        try {
            secretStore.awaitCaughtUp();
        } catch (SecretStore.StoreUnavailable e) {
            log.warn("The embedded worker starts before the secrets topic was read to its end: {}", e.getMessage());
        }
        WorkerSecretsChannel channel = owned.add(Stage.WORKER, WorkerSecretsChannel.start(box,
                name -> secretStore.open(SwitchboardApp.DEFAULT_CLUSTER, name)));
        String restToken = box.derivedToken(io.switchboard.kafkaio.KeyPurpose.WORKER_REST);
        Path files = DataPlaneAssembly.controlPlane(options, new Topics(options.topicPrefix())).files().directory();
        String pluginPath = BundledPlugins.withBundled(Switchboard.class, options.pluginPath());
        int port = EmbeddedConnectWorker.freePort();
        Map<String, String> properties = EmbeddedConnectWorker.properties(kafka.bootstrapServers(),
                pluginPath, new Topics(options.topicPrefix()).embeddedWorkerGroup(),
                port, EmbeddedConnectWorker.confinedProviders(workerKafka.forWorker(Map.of(
                        "config.providers", "switchboard,secretsManager",
                        "config.providers.switchboard.class", SecretConfigProvider.class.getName(),
                        "config.providers.switchboard.param.replica.url", channel.url(),
                        "config.providers.switchboard.param.token", channel.token(),
                        "config.providers.secretsManager.class", SecretStoreConfigProvider.class.getName(),
                        "config.providers.secretsManager.param.replica.url", channel.url(),
                        "config.providers.secretsManager.param.token", channel.token(),
                        "rest.extension.classes", RestToken.class.getName(),
                        RestToken.TOKEN_CONFIG, restToken)),
                        files));
        connectClusters.authorize("http://127.0.0.1:" + port, restToken);
        writeOwnerOnly(options.dataDir().resolve(REST_TOKEN_FILE), restToken);
        WorkerProcess.Launch launch;
        if (options.workerHandoffDir() != null) {
            // The worker is another container's, which waits for these settings in the directory it shares.
            launch = new WorkerProcess.Launch(List.of(), options.workerHandoffDir().toAbsolutePath(), properties);
        } else {
            String javaOptions = System.getenv().getOrDefault("SWITCHBOARD_WORKER_JAVA_OPTIONS", WORKER_JAVA_OPTIONS);
            Path directory = options.dataDir().toAbsolutePath().resolve("worker");
            List<String> command = WorkerProcess.javaCommand(List.of(javaOptions.trim().split("\\s+")), EmbeddedWorkerMain.class.getName());
            WorkerWall wall = wall(options, directory, pluginPath, files);
            WorkerWall.Isolation isolation = wall.probe();
            connectClusters.isolated(SwitchboardApp.DEFAULT_CLUSTER, isolation);
            launch = new WorkerProcess.Launch(wall.command(command, isolation), directory, properties);
        }
        try {
            return owned.add(Stage.WORKER, WorkerProcess.start(launch, Duration.ofSeconds(120)));
        } catch (RuntimeException e) {
            // Kafka refusing the worker's principal: said with the worker's own settings.
            throw KafkaRefusals.explain(e, workerKafka.settingsName()).<RuntimeException>map(m -> new IllegalStateException(
                    "The embedded Connect worker cannot start: " + m, e)).orElse(e);
        }
    }

    /**
     * The embedded worker's wall: it reads the JVM, its class path and its plugins, writes its own
     * directory and the file connectors' one, and must not reach the data directory, the users file or
     * the keyring.
     */
    static WorkerWall wall(SwitchboardOptions options, Path directory, String pluginPath, Path files) {
        List<Path> readOnly = new ArrayList<>();
        readOnly.add(Path.of(System.getProperty("java.home")));
        // Name resolution where /etc/resolv.conf is a link out of /etc (systemd-resolved's stub under /run).
        try {
            Path resolver = Path.of("/etc/resolv.conf").toRealPath();
            if (!resolver.startsWith("/etc/") && resolver.getParent() != null) {
                readOnly.add(resolver.getParent());
            }
        } catch (IOException e) {
            // no resolver configuration: nothing to bind
        }
        readOnly.addAll(WorkerClassPath.toBind(WorkerClassPath.current()));
        if (pluginPath != null) {
            Arrays.stream(pluginPath.split(",")).map(String::trim).filter(p -> !p.isEmpty()).map(Path::of).forEach(readOnly::add);
        }
        List<Path> hidden = new ArrayList<>(List.of(options.dataDir(), options.keyringFile()));
        if (options.security().usersFile() != null) {
            hidden.add(options.security().usersFile());
        }
        return new WorkerWall(directory, readOnly, files == null ? List.of() : List.of(files), hidden);
    }

    private static void writeOwnerOnly(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the embedded worker's token to " + file, e);
        }
    }
}
