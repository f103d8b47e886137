package io.switchboard.registry;

import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A Confluent-compatible Schema Registry served over HTTP from this process, keeping its schemas in a
 * compacted single-partition Kafka topic, so ids survive restarts and several instances may share one
 * topic. Every change is appended to the topic and takes effect in log order; {@link #start()} reads
 * the topic to its end before serving.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(
 *         "localhost:9092", Map.of(), EmbeddedSchemaRegistry.DEFAULT_TOPIC, "127.0.0.1", 0, Set.of(password))).start()) {
 *     String url = registry.url();
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    public static final String DEFAULT_TOPIC = "_switchboard_schemas";
    /**
     * Where Switchboard binds its embedded registry, whatever the API binds: it serves its own
     * process (and replicas on the same host) only; replicas on other hosts share a registry of their
     * deployment with --schema-registry-url. Loopback is no trust boundary on a shared host, so
     * writes need credentials ({@link Settings#writers}).
     */
    public static final String LOOPBACK = "127.0.0.1";
    /** The limit on starting and on each change waiting for the topic. */
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Schemas can be large; Javalin's default limit of 1 MiB is not enough for all of them. */
    private static final long MAX_REQUEST_BYTES = 16L * 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    /** The user that writes, with HTTP Basic and one of the passwords in {@link Settings#writers}. */
    public static final String WRITER = "switchboard";

    /**
     * What a registry is made with.
     *
     * @param bootstrapServers the Kafka cluster that keeps the schema topic
     * @param kafkaSettings    what its Kafka clients get besides their own settings (SASL, SSL: what every
     *                         client of the replica gets); empty: none
     * @param topic            the schema topic, created (compacted, one partition) when missing
     * @param host             the address to bind, e.g. 127.0.0.1 or 0.0.0.0
     * @param port             the HTTP port; 0 for any free port
     * @param writers          the passwords with which user {@value #WRITER} may write (HTTP Basic): every POST,
     *                         PUT and DELETE needs one, and is answered 401 without; reads need none. Empty:
     *                         nothing may write
     */
    public record Settings(String bootstrapServers, Map<String, String> kafkaSettings, String topic, String host, int port,
                           Collection<String> writers) {
        public Settings {
            kafkaSettings = Map.copyOf(kafkaSettings);
            writers = Set.copyOf(writers);
        }
    }

    private final Settings settings;
    private KafkaRegistryLog registryLog;
    private Javalin http;

    public EmbeddedSchemaRegistry(Settings settings) {
        this.settings = settings;
    }

    /** Reads the schema topic to its end, then serves HTTP. */
    public synchronized EmbeddedSchemaRegistry start() {
        if (http != null) {
            throw new IllegalStateException("The schema registry is already started");
        }
        try {
            RegistryView view = new RegistryView(CompatibilityLevel.BACKWARD);
            registryLog = new KafkaRegistryLog(settings.bootstrapServers(), settings.kafkaSettings(), settings.topic(), TIMEOUT, view);
            registryLog.start();
            RegistryRoutes routes = new RegistryRoutes(new SchemaRegistryService(view, registryLog), new RegistryWriters(WRITER, Set.copyOf(settings.writers())));
            http = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.jetty.host = settings.host();
                config.jetty.port = settings.port();
                config.http.prefer405over404 = true;
                config.http.maxRequestSize = MAX_REQUEST_BYTES;
                config.router.ignoreTrailingSlashes = true;
                routes.install(config);
            }).start();
            log.info("Schema registry listening on {} (schemas in topic {})", url(), settings.topic());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The address clients use; a wildcard bind address is reached through the loopback interface. */
    public String url() {
        return "http://" + reachableHost() + ":" + port();
    }

    public int port() {
        if (http == null) {
            throw new IllegalStateException("The schema registry is not started");
        }
        return http.port();
    }

    public String topic() {
        return settings.topic();
    }

    private String reachableHost() {
        String host = settings.host();
        if (host == null || host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return "127.0.0.1";
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.stop();
            http = null;
        }
        if (registryLog != null) {
            registryLog.close();
            registryLog = null;
        }
    }
}
