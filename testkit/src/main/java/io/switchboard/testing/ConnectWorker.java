package io.switchboard.testing;

import io.switchboard.dataplane.BundledPlugins;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.net.ssl.SSLContext;

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

    /** A worker on a secured broker, as the worker's principal (its clients' and its connectors'). */
    public static ConnectWorker start(SecuredKafka kafka) {
        return start(kafka.bootstrapServers(), kafka.workerProperties(Map.of()));
    }

    /** The same over HTTPS ({@link #startHttps(String, Path, String, SSLContext)}). */
    public static ConnectWorker startHttps(SecuredKafka kafka, Path keystore, String password, SSLContext trust) {
        Map<String, String> https = new HashMap<>(kafka.workerProperties(Map.of()));
        https.putAll(httpsListener(keystore, password));
        return start(kafka.bootstrapServers(), https, trust);
    }

    /** Like {@link #start(String)}, with worker properties that replace the defaults. */
    public static ConnectWorker start(String bootstrapServers, Map<String, String> overrides) {
        return start(bootstrapServers, overrides, null);
    }

    /**
     * A worker serving its REST API over HTTPS only, with the key and certificate in a PKCS12
     * keystore; it is ready once a client trusting {@code trust} gets its answers.
     */
    public static ConnectWorker startHttps(String bootstrapServers, Path keystore, String password, SSLContext trust) {
        return start(bootstrapServers, httpsListener(keystore, password), trust);
    }

    private static Map<String, String> httpsListener(Path keystore, String password) {
        Map<String, String> https = new HashMap<>();
        https.put("listeners", "https://127.0.0.1:0");
        https.put("rest.advertised.listener", "https");
        https.put("listeners.https.ssl.keystore.type", "PKCS12");
        https.put("listeners.https.ssl.keystore.location", keystore.toString());
        https.put("listeners.https.ssl.keystore.password", password);
        https.put("listeners.https.ssl.key.password", password);
        return https;
    }

    /** @param trust what an HTTPS worker's certificate chains to, for the readiness checks; null: plain HTTP */
    private static ConnectWorker start(String bootstrapServers, Map<String, String> overrides, SSLContext trust) {
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
        BundledPlugins.besideApplication().ifPresent(dir -> props.put("plugin.path", dir.toString()));
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
            worker.awaitReady(trust);
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
    private void awaitReady(SSLContext trust) {
        boolean ready = trust == null ? Http.awaitOk(url, "/", READY_DEADLINE) && Http.awaitOk(url, "/connectors", READY_DEADLINE)
                : awaitOk(HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build());
        if (!ready) {
            throw new IllegalStateException("Kafka Connect worker at " + url + " did not become ready within " + READY_DEADLINE);
        }
    }

    /** Polls GET / and then GET /connectors with this client until each answers 200; false at the deadline. */
    private boolean awaitOk(HttpClient client) {
        Await ready = Await.atMost(READY_DEADLINE);
        for (String path : new String[] {"/", "/connectors"}) {
            int status = ready.poll(() -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (IOException notYet) {
                    return -1; // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }, answer -> answer == 200);
            if (status != 200) {
                return false;
            }
        }
        return true;
    }

    /** The REST base URL, {@code http://127.0.0.1:PORT} (https for {@link #startHttps}), without a trailing slash. */
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
