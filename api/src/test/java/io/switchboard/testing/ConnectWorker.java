package io.switchboard.testing;

import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real Apache Kafka Connect distributed worker (the connect-runtime jar from Maven Central)
 * started in this JVM on a given broker: the reference the differential tests hold Switchboard to.
 *
 * <p>It is started the way {@code connect-distributed.sh} starts one, through
 * {@link ConnectDistributed#startConnect}, and deliberately does not share code with the product's
 * own embedded data-plane worker, so that nothing Switchboard changes can move the reference.
 *
 * <p>Each instance has its own group id and its own config, offset and status topics (replication
 * factor 1), its REST listener on 127.0.0.1 at a port the OS picks, JSON converters, and plugins
 * found by service loading from the test classpath (connect-file's FileStream connectors).
 */
public final class ConnectWorker implements AutoCloseable {
    private static final Duration READY_DEADLINE = Duration.ofSeconds(120);

    private final Connect<DistributedHerder> connect;
    private final String url;
    private final String groupId;
    private boolean closed;

    private ConnectWorker(Connect<DistributedHerder> connect, String url, String groupId) {
        this.connect = connect;
        this.url = url;
        this.groupId = groupId;
    }

    /** Starts a worker on the broker and returns once it has joined its group and serves requests. */
    public static ConnectWorker start(String bootstrapServers) {
        return start(bootstrapServers, Map.of());
    }

    /** Like {@link #start(String)}, with worker properties that replace the defaults. */
    public static ConnectWorker start(String bootstrapServers, Map<String, String> overrides) {
        String groupId = "difftest-connect-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
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
        // Port 0: Jetty binds a free port and the worker advertises the port it got.
        props.put("listeners", "http://127.0.0.1:0");
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("plugin.discovery", "service_load");
        // The plugins the build ships beside Switchboard, so that both sides of a comparison know the same plugins.
        io.switchboard.dataplane.BundledPlugins.directory().ifPresent(dir -> props.put("plugin.path", dir.toString()));
        props.put("offset.flush.interval.ms", "500");
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.putAll(overrides);

        // A worker that cannot start calls Exit.exit; in a test JVM that must be an exception.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Kafka Connect worker exited with status " + status + ": " + message);
        });
        Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(props);
        String url = connect.rest().advertisedUrl().toString().replaceAll("/+$", "");
        ConnectWorker worker = new ConnectWorker(connect, url, groupId);
        try {
            worker.awaitReady();
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    /**
     * The REST server answers {@code GET /} as soon as it listens; {@code GET /connectors} answers
     * 200 only once the herder has joined the group and read the config topic to its end.
     */
    private void awaitReady() {
        if (!Http.awaitOk(url, "/", READY_DEADLINE) || !Http.awaitOk(url, "/connectors", READY_DEADLINE)) {
            throw new IllegalStateException("Kafka Connect worker at " + url + " did not become ready within " + READY_DEADLINE);
        }
    }

    /** The REST base URL, {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public String url() {
        return url;
    }

    public String groupId() {
        return groupId;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        connect.stop();
        connect.awaitStop();
    }
}
