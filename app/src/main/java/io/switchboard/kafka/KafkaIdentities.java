package io.switchboard.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka principals of the embedded broker and their passwords (SASL/PLAIN on loopback), made
 * once per data directory and kept there in {@value #FILE} (owner-only), so that they survive
 * restarts and replicas sharing the broker can be given them:
 * <ul>
 *   <li>{@value #BROKER}: the broker itself, on its controller and inter-broker listeners (a super user);</li>
 *   <li>{@value #CONTROL_PLANE}: every client of the replicas (command processor, registry, secrets,
 *       replica keys, the data plane's readers of Switchboard's and the worker's topics; a super user);</li>
 *   <li>{@value #WORKER}: the embedded Connect worker's own clients (its config, offset and status
 *       topics, its group);</li>
 *   <li>{@value #CONNECTORS}: its connectors' clients (Connect's {@code producer.}, {@code consumer.}
 *       and {@code admin.} settings), which may not touch the worker's topics or group;</li>
 *   <li>{@value #USER}: a person's test client (ordinary topics only);</li>
 *   <li>{@value #EVENTS}: other teams' consumers of the lifecycle topic (that topic only, read-only,
 *       with groups of their own prefix, {@code Topics.eventConsumerGroups}).</li>
 * </ul>
 * A password is never logged; beside the identities, client settings files are written for the
 * control plane ({@value #CONTROL_PLANE_FILE}, for {@code --kafka-config}), the worker and its
 * connectors ({@value #WORKER_FILE}, for {@code --worker-kafka-config}: {@link #workerSettings}), the user ({@value #USER_FILE}) and
 * the event consumers ({@value #EVENTS_FILE}).
 */
public final class KafkaIdentities {
    public static final String FILE = "kafka-identities.properties";
    public static final String CONTROL_PLANE_FILE = "kafka-switchboard.properties";
    public static final String WORKER_FILE = "kafka-worker.properties";
    public static final String USER_FILE = "kafka-client.properties";
    public static final String EVENTS_FILE = "kafka-events.properties";
    public static final String BROKER = "broker";
    public static final String CONTROL_PLANE = "switchboard";
    public static final String WORKER = "connect";
    public static final String CONNECTORS = "connectors";
    public static final String USER = "user";
    public static final String EVENTS = "events";
    static final List<String> PRINCIPALS = List.of(BROKER, CONTROL_PLANE, WORKER, CONNECTORS, USER, EVENTS);
    /** The prefixes under which a Connect worker gives its connectors' clients their settings. */
    private static final List<String> CONNECTOR_CLIENTS = List.of("producer.", "consumer.", "admin.");
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private final Path dataDir;
    private final Map<String, String> passwords;

    private KafkaIdentities(Path dataDir, Map<String, String> passwords) {
        this.dataDir = dataDir;
        this.passwords = Map.copyOf(passwords);
    }

    /**
     * The identities kept under {@code dataDir}, made (with the control plane's and the worker's
     * client settings files) when there are none yet; one missing from an older file is added.
     */
    public static synchronized KafkaIdentities loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            Properties kept = new Properties();
            if (Files.exists(file)) {
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    kept.load(in);
                }
            }
            Map<String, String> passwords = new LinkedHashMap<>();
            boolean added = false;
            for (String principal : PRINCIPALS) {
                String password = kept.getProperty(principal + ".password");
                if (password == null || password.isBlank()) {
                    password = newPassword();
                    added = true;
                }
                passwords.put(principal, password);
            }
            KafkaIdentities identities = new KafkaIdentities(dataDir, passwords);
            if (added) {
                Properties all = new Properties();
                passwords.forEach((principal, password) -> all.setProperty(principal + ".password", password));
                writePrivate(file, all, "The embedded Kafka broker's principals (SASL/PLAIN). Keep private.");
            }
            if (added || !Files.exists(dataDir.resolve(CONTROL_PLANE_FILE)) || !Files.exists(dataDir.resolve(WORKER_FILE))) {
                writePrivate(dataDir.resolve(CONTROL_PLANE_FILE), identities.asProperties(CONTROL_PLANE, null),
                        "Switchboard's own Kafka clients on the embedded broker (--kafka-config)");
                writePrivate(dataDir.resolve(WORKER_FILE), identities.asProperties(identities.workerSettings(), null),
                        "The Connect worker (its own clients) and its connectors' clients (producer., consumer., admin.)"
                                + " on the embedded broker (--worker-kafka-config)");
            }
            return identities;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the Kafka identities in " + file, e);
        }
    }

    /** Makes the identities of a data directory ahead of its first start: {@code KafkaIdentities DATA_DIR}. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: KafkaIdentities DATA_DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        loadOrCreate(dir);
        System.out.println(dir.resolve(CONTROL_PLANE_FILE));
    }

    /** A principal's client settings: SASL/PLAIN over plain TCP, with its username and password. */
    public Map<String, String> clientSettings(String principal) {
        String password = passwords.get(principal);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka principal " + principal);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", PLAIN_LOGIN + " required username=\"" + principal + "\" password=\"" + password + "\";");
        return settings;
    }

    /**
     * A Connect worker's settings: its own clients as {@value #WORKER}, and its connectors' clients
     * (the {@code producer.}, {@code consumer.} and {@code admin.} settings Connect gives them) as
     * {@value #CONNECTORS}, which the ACLs keep off the worker's own topics and group.
     */
    public Map<String, String> workerSettings() {
        Map<String, String> settings = new LinkedHashMap<>(clientSettings(WORKER));
        clientSettings(CONNECTORS).forEach((key, value) -> CONNECTOR_CLIENTS.forEach(prefix -> settings.put(prefix + key, value)));
        return settings;
    }

    /**
     * The broker side of a listener: the JAAS config that accepts {@code accepted} and, as a client
     * of its own listeners, logs in as {@value #BROKER}.
     */
    String listenerJaas(List<String> accepted) {
        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN + " required username=\"" + BROKER + "\" password=\""
                + passwords.get(BROKER) + "\"");
        accepted.forEach(principal -> jaas.append(" user_").append(principal).append("=\"").append(passwords.get(principal)).append('"'));
        return jaas.append(';').toString();
    }

    /**
     * Writes the user's client settings, with the broker's address, as {@value #USER_FILE} beside
     * the data (rewritten each start: the port may differ), and answers its path.
     */
    public Path writeUserFile(String bootstrapServers) {
        return writeClientFile(USER_FILE, USER, bootstrapServers,
                "A client of the embedded Kafka for test data: ordinary topics only, never Switchboard's");
    }

    /**
     * Writes the event consumers' client settings, with the broker's address, as {@value #EVENTS_FILE}
     * beside the data (rewritten each start), and answers its path.
     */
    public Path writeEventsFile(String bootstrapServers) {
        return writeClientFile(EVENTS_FILE, EVENTS, bootstrapServers,
                "A consumer of Switchboard's lifecycle topic (read_committed, groups of the events prefix): nothing else");
    }

    private Path writeClientFile(String name, String principal, String bootstrapServers, String comment) {
        Path file = dataDir.resolve(name);
        try {
            writePrivate(file, asProperties(principal, bootstrapServers), comment);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        return file;
    }

    private Properties asProperties(String principal, String bootstrapServers) {
        return asProperties(clientSettings(principal), bootstrapServers);
    }

    private static Properties asProperties(Map<String, String> settings, String bootstrapServers) {
        Properties p = new Properties();
        if (bootstrapServers != null) {
            p.setProperty("bootstrap.servers", bootstrapServers);
        }
        settings.forEach(p::setProperty);
        return p;
    }

    /** Written to a new owner-only file first and then moved over the old one: never readable by others, never half written. */
    private static void writePrivate(Path file, Properties content, String comment) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process writes " + temp, e);
        }
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            content.store(out, comment);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "KafkaIdentities" + PRINCIPALS;
    }
}
