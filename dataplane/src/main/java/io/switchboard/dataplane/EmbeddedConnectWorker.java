package io.switchboard.dataplane;

import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real Apache Kafka Connect distributed worker running in this JVM, with its REST listener on
 * loopback: the worker's settings as the replica gives them ({@link #properties}), and a worker
 * for tests to drive. The replica runs its embedded worker in a process of its own
 * ({@link WorkerProcess}), never in its own JVM. Plugins are found by service loading from the classpath (connect-file's FileStream
 * connectors, connect-json's converter) and from {@code plugin.path} when one is given.
 */
public final class EmbeddedConnectWorker implements AutoCloseable {
    /**
     * The client settings a connector may override on the embedded worker
     * ({@code producer.override.}, {@code consumer.override.}, {@code admin.override.}), Kafka's
     * {@code Allowlist} policy: how much and how fast a connector's clients send and fetch, and where
     * a sink starts. Nothing that says where or as whom a client connects
     * ({@link io.switchboard.rules.ConnectorPolicies#isConnectionSetting}), no group id (a group is
     * an identity too), no class a client would load (interceptors, reporters, partitioners,
     * assignors), no client id (quotas are kept by it), and no transactional settings (the worker
     * runs no exactly-once sources). A typed pipeline's source raises {@code max.request.size} and its
     * sink lowers {@code metadata.max.age.ms}.
     */
    public static final List<String> OVERRIDABLE = io.switchboard.rules.KafkaClientKeys.OVERRIDABLE;

    /** The name Kafka Connect gives its own shutdown hook. */
    private static final String CONNECT_SHUTDOWN_HOOK = "connect-shutdown-hook";

    private final Connect<?> connect;
    private final String url;
    private final String statusTopic;
    private final String configTopic;

    private EmbeddedConnectWorker(Connect<?> connect, String url, String statusTopic, String configTopic) {
        this.connect = connect;
        this.url = url;
        this.statusTopic = statusTopic;
        this.configTopic = configTopic;
    }

    public static EmbeddedConnectWorker start(String bootstrapServers) {
        return start(bootstrapServers, null, "connect-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /**
     * @param pluginPath directories of plugins, or null
     * @param groupId    the worker group; its config, offset and status topics are named after it
     */
    public static EmbeddedConnectWorker start(String bootstrapServers, String pluginPath, String groupId) {
        return start(bootstrapServers, pluginPath, groupId, 0, Map.of());
    }

    /** @param port the REST port, or 0 for any free one */
    public static EmbeddedConnectWorker start(String bootstrapServers, String pluginPath, String groupId, int port) {
        return start(bootstrapServers, pluginPath, groupId, port, Map.of());
    }

    /**
     * @param port  the REST port, or 0 for any free one
     * @param extra worker properties added to the defaults (config providers, for one)
     */
    public static EmbeddedConnectWorker start(String bootstrapServers, String pluginPath, String groupId, int port,
                                              Map<String, String> extra) {
        // A worker that fails to start calls Exit; here that must be an exception, not a dead JVM.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Kafka Connect worker exited with " + status + ": " + message);
        });
        // Kafka Connect adds a JVM shutdown hook that stops the worker. Shutdown hooks run at once and
        // in no order, so that one would race the replica's own: the replica would see the worker as
        // stopped (Connect.stop returns at once when another thread is stopping it) and stop the
        // broker while the worker still flushes offsets and statuses to it. The replica's shutdown
        // (SwitchboardApp.close) stops the worker itself, before Kafka.
        Exit.setShutdownHookAdder((name, runnable) -> {
            if (!CONNECT_SHUTDOWN_HOOK.equals(name)) {
                Runtime.getRuntime().addShutdownHook(name == null ? new Thread(runnable) : new Thread(runnable, name));
            }
        });
        if (port == 0) {
            port = freePort();
        }
        Map<String, String> props = properties(bootstrapServers, pluginPath, groupId, port, extra);
        Connect<?> connect = new ConnectDistributed().startConnect(props);
        EmbeddedConnectWorker worker = new EmbeddedConnectWorker(connect, "http://127.0.0.1:" + port, props.get("status.storage.topic"),
                props.get("config.storage.topic"));
        worker.awaitReady(Duration.ofSeconds(120));
        return worker;
    }

    private void awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (servesRequests(client, url)) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Kafka Connect worker at " + url + " did not become ready within " + timeout);
    }

    /**
     * Whether the worker at {@code url} serves requests now: it lists its connectors (200), which it
     * does once it has joined its group and read its config topic. One request, 5 s at most.
     */
    static boolean servesRequests(HttpClient client, String url) {
        return servesRequests(client, url, null);
    }

    /** @param token the token the worker demands ({@code io.switchboard.worker.RestToken}), or null */
    static boolean servesRequests(HttpClient client, String url, String token) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/connectors")).timeout(Duration.ofSeconds(5));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return url;
    }

    /** The topic its connectors' and tasks' configs are written to ({@code config.storage.topic}). */
    public String configTopic() {
        return configTopic;
    }

    /** The topic its statuses are written to ({@code status.storage.topic}). */
    public String statusTopic() {
        return statusTopic;
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }

    /** The embedded worker's properties: Switchboard's defaults, then {@code extra} over them. */
    public static Map<String, String> properties(String bootstrapServers, String pluginPath, String groupId, int port,
                                          Map<String, String> extra) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        // Connectors may tune their own clients (a pipeline's sink refreshes topic metadata often),
        // and nothing else of them: the worker refuses any other override, whoever sends the config.
        props.put("connector.client.config.override.policy", "Allowlist");
        props.put("connector.client.config.override.allowlist", String.join(",", OVERRIDABLE));
        props.put("group.id", groupId);
        props.put("config.storage.topic", groupId + "-configs");
        props.put("offset.storage.topic", groupId + "-offsets");
        props.put("status.storage.topic", groupId + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "1");
        props.put("status.storage.partitions", "1");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("key.converter.schemas.enable", "false");
        props.put("value.converter.schemas.enable", "false");
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("plugin.discovery", "service_load");
        if (pluginPath != null && !pluginPath.isBlank()) {
            props.put("plugin.path", pluginPath);
        }
        props.put("offset.flush.interval.ms", "1000");
        props.put("scheduled.rebalance.max.delay.ms", "0");
        // The worker's own producers (config, status and offset topics) get its top-level client
        // settings. A producer lingers 5 ms before it sends (Kafka's default from 4.0), and the herder thread
        // waits for each of its config writes in turn (a create makes several: the connector's
        // config, its task configs, their commit), so it would idle 5 ms on each. Connectors' own
        // producers take "producer." settings and keep their defaults.
        props.put("linger.ms", "0");
        // Its consumers of those topics keep Kafka's 500 ms fetch wait, not the replica's readers' longer
        // one (ReaderConsumerSettings.IDLE_FETCH_WAIT_MS): Kafka Connect reads its logs to the end asking
        // for end offsets on the same connection, which waits out a fetch held at the broker (with a
        // 5 s wait, its stop takes 3 to 15 s, and a config read as long).
        props.put("fetch.max.wait.ms", "500");
        props.putAll(extra);
        return props;
    }

    /**
     * The worker's properties with its file, directory and environment config providers confined,
     * if any is configured: Kafka's {@code FileConfigProvider} and {@code DirectoryConfigProvider}
     * read only under {@code fileDir} ({@code allowed.paths}; without a directory such a provider is
     * refused), {@code EnvVarConfigProvider} only the variables its {@code allowlist.pattern} names
     * (none unless the operator gives one). A connector's references would otherwise read any file
     * or variable of the replica's process.
     */
    public static Map<String, String> confinedProviders(Map<String, String> props, java.nio.file.Path fileDir) {
        Map<String, String> confined = new HashMap<>(props);
        String providers = props.get("config.providers");
        if (providers == null || providers.isBlank()) {
            return confined;
        }
        for (String provider : providers.split(",")) {
            String at = "config.providers." + provider.trim() + ".";
            String type = props.getOrDefault(at + "class", "").trim();
            if (type.endsWith(".FileConfigProvider") || type.endsWith(".DirectoryConfigProvider")) {
                if (fileDir == null) {
                    throw new IllegalArgumentException("Config provider " + provider.trim() + " (" + type + ") would read any file of the "
                            + "replica on the embedded worker: give --file-connectors-dir, under which it may read");
                }
                confined.put(at + "param.allowed.paths", fileDir.toAbsolutePath().toString());
            } else if (type.endsWith(".EnvVarConfigProvider")) {
                confined.putIfAbsent(at + "param.allowlist.pattern", "^$");
            }
        }
        return confined;
    }

    /** A port free on this host now, for a worker's REST listener. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
