package io.switchboard.wall;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.testing.Await;
import io.switchboard.dataplane.BundledPlugins;
import io.switchboard.testing.Http;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.TestReplicas;
import io.switchboard.testing.WorkerProcesses;
import io.switchboard.testing.TestUsers;
import io.switchboard.worker.EmbeddedWorkerMain;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wall around the embedded worker, whatever the policies say: on the default (embedded broker
 * and worker, a users file, FileStream connectors on), a connector that tries to read the
 * replica's keyring, Kafka identities, the worker's REST token, the users file and the replica's
 * {@code /proc/<pid>/environ} and {@code cmdline} reads none of them, nor the keyring through a link
 * put in the file connectors' directory, while it reads a file of the
 * directory it is given; the worker's class path holds none of the control plane's classes; and
 * the worker's REST API answers no-one without the replica's token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerWallTest {
    private static final String EDITOR = "erin";
    private final String run = "wall-" + ProcessHandle.current().pid() + "-";
    private Path dir;
    private Path data;
    private Path users;
    private Path control;
    private Path link;
    private SwitchboardApp app;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("worker-wall");
        data = dir.resolve("data");
        users = TestUsers.write(dir.resolve("etc"), Map.of("admin", "admin@*", EDITOR, "editor@default"));
        OptionsBuilder builder = TestReplicas.defaults().port(0).schemaRegistryPort(0).kafkaPort(0).dataDir(data)
                .flags("--users-file", users.toString());
        // The bundled plugins (the JDBC sink with its drivers, Debezium PostgreSQL), which the recipes' drivers are: beside
        // the application in a reactor build; a build of this module alone takes the application from the local repository,
        // where they are not, so they are taken from the application module's build.
        Path built = Path.of("..", "app", "target", "plugins").toAbsolutePath().normalize();
        if (BundledPlugins.besideApplication().isEmpty() && Files.isDirectory(built)) {
            builder.pluginPath(built.toString());
        }
        SwitchboardOptions options = builder.build();
        control = Files.writeString(Files.createTempFile(TestReplicas.FILES, "wall-control", ".txt"), "mine");
        // A file of the connectors' directory swapped for a link to the keyring (after any check a create made).
        link = TestReplicas.FILES.resolve(run + "link.txt");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, data.resolve("secrets.key"));
        app = SwitchboardApp.start(options);
        Http.authorizeByDefault(app.url(), TestUsers.basic("admin"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            Files.deleteIfExists(control);
            try (var files = Files.list(TestReplicas.FILES)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(run)).toList()) {
                    Files.deleteIfExists(file);
                }
            }
            try (var tree = Files.walk(dir)) {
                tree.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void aConnectorReadsNothingOfTheReplicaAndTheWorkerAnswersOnlyItsReplica() throws Exception {
        assertTrue(app.workerIsolation(SwitchboardApp.DEFAULT_CLUSTER).orElseThrow().walled(),
                "this host draws the wall: " + app.workerIsolation(SwitchboardApp.DEFAULT_CLUSTER));
        String replica = Long.toString(ProcessHandle.current().pid());
        List<String> secrets = List.of(data.resolve("secrets.key").toString(), data.resolve("kafka-identities.properties").toString(),
                data.resolve("worker.token").toString(), users.toString(), "/proc/" + replica + "/environ", "/proc/" + replica + "/cmdline");
        for (String secret : secrets) {
            assertTrue(secret.startsWith("/proc") || Files.isRegularFile(Path.of(secret)), "the replica has " + secret);
        }
        List<String> tried = new ArrayList<>(secrets);
        tried.add(link.toString());
        tried.add(control.toString());
        Http.Response created = Http.call(app.url(), "POST", "/connectors", Http.json(Map.of("name", "wall-probe", "config", Map.of(
                "connector.class", WallProbeSource.class.getName(), "tasks.max", "1", WallProbeSource.PATHS, String.join(",", tried)))));
        assertEquals(201, created.status(), created.body());
        String trace = Await.atMost(Duration.ofSeconds(120)).poll(() -> {
            JsonNode status = Http.get(app.url(), "/connectors/wall-probe/status").json();
            return status.path("tasks").path(0).path("trace").asText("");
        }, t -> t.contains("opened ["));
        assertTrue(trace.contains("opened [" + control + "] of "), "the connector read only the file it was given: " + trace);

        // The worker's process: its class path, as /proc shows it, holds no class of the control plane.
        ProcessHandle worker = WorkerProcesses.of(data).orElseThrow(() -> new AssertionError("no worker process"));
        List<String> commandLine = WorkerProcesses.commandLine(worker);
        String classPath = commandLine.get(commandLine.indexOf("-cp") + 1);
        for (String entry : classPath.split(":")) {
            for (String marker : List.of("io/switchboard/SwitchboardApp.class", "io/switchboard/secrets/Keyring.class",
                    "io/switchboard/secrets/SecretBox.class", "io/switchboard/rules/CommandDecider.class",
                    "io/switchboard/dataplane/WorkerProcess.class", "io/switchboard/kafkaio/Hmacs.class")) {
                assertFalse(holds(Path.of(entry), marker), entry + " on the worker's class path holds " + marker);
            }
        }
        assertTrue(holds(Path.of(classPath.split(":")[0]), "io/switchboard/worker/EmbeddedWorkerMain.class")
                || Arrays.stream(classPath.split(":")).anyMatch(e -> holds(Path.of(e), "io/switchboard/worker/EmbeddedWorkerMain.class")));

        // Loopback is no trust boundary: the worker answers no request without the replica's token.
        String workerUrl = app.connectClusters().get(SwitchboardApp.DEFAULT_CLUSTER);
        Http.Response anonymous = Http.call(workerUrl, "GET", "/connectors?expand=info", null);
        assertEquals(401, anonymous.status(), anonymous.body());
        assertEquals(401, Http.call(workerUrl, "POST", "/connectors", "{\"name\":\"direct\",\"config\":{\"connector.class\":"
                + "\"FileStreamSource\",\"file\":\"" + data.resolve("secrets.key") + "\",\"topic\":\"direct\"}}").status());
        assertEquals(401, Http.call(workerUrl, "GET", "/connectors", null, Map.of("Authorization", "Bearer not-the-token")).status());
        TestReplicas.authorizeWorker(app, data);
        assertEquals(200, Http.call(workerUrl, "GET", "/connectors", null).status(), "the replica's token opens it");
    }

    private Http.Response asEditor(String method, String path, Object body) {
        return Http.call(app.url(), method, path, body == null ? null : body instanceof String text ? text : Http.json(body),
                Map.of("Authorization", TestUsers.basic(EDITOR)));
    }

    private static Map<String, Object> spec(String name, Map<String, String> config) {
        return Map.of("name", name, "config", config);
    }

    /** A Kafka Connect 400 naming the policy that refused and {@code named}. */
    private static void assertRefused(Http.Response answer, String policy, String named) {
        assertEquals(400, answer.status(), answer.body());
        String message = answer.json().path("message").asText();
        assertTrue(message.contains("refused by policy " + policy + ": "), message);
        assertTrue(message.contains(named), message);
    }

    private static Map<String, String> jdbcSink(String url) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        config.put("topics", "orders");
        config.put("connection.url", url);
        config.put("connection.username", "u");
        config.put("connection.password", "p");
        return config;
    }

    private Map<String, String> fileSource(Path file, String topic) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSource");
        config.put("file", file.toString());
        config.put("topic", topic);
        return config;
    }

    private Map<String, String> fileSink(String topicsKey, String topics, Path file) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "FileStreamSink");
        config.put("file", file.toString());
        config.put(topicsKey, topics);
        return config;
    }

    /**
     * The review's G1 (both variants, against a MySQL server that asks for the keyring), G2, G5, G6,
     * G7 and G11, each as its recipe has an editor send it on the default: each is refused with a 400
     * naming its policy, nothing is created, and no listener the configs name hears from a driver.
     */
    @Test
    void anEditorsRecipesAreRefusedAndNoRogueServerHearsFromADriver() throws Exception {
        String sink = "io.debezium.connector.jdbc.JdbcSinkConnector";
        assertEquals(201, asEditor("POST", "/v1/kafka-connect/clusters/default/secrets", Map.of("name", "Q",
                "secret_data", Base64.getEncoder().encodeToString("allowLoadLocalInfile=true".getBytes(StandardCharsets.UTF_8)))).status());
        try (RogueMysql infile = RogueMysql.localInfile("../secrets.key"); RogueMysql idToken = RogueMysql.idTokenFile(dir);
             ServerSocket postgres = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            String plugins = Http.get(app.url(), "/connector-plugins").body();
            assertTrue(plugins.contains(sink) && plugins.contains("io.debezium.connector.postgresql.PostgresConnector"),
                    "the worker has the bundled plugins whose drivers the recipes would reach (build the app module first): " + plugins);
            // Each recipe is judged, whichever of them fails: a check that fails names its own.
            List<Executable> checks = new ArrayList<>();
            // G1, the baseline: the driver property given directly.
            String atInfile = "jdbc:mysql://127.0.0.1:" + infile.port() + "/x?";
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("g1-direct", jdbcSink(atInfile + "allowLoadLocalInfile=true"))),
                    "jdbc-driver-properties", "allowloadlocalinfile"));
            // G1 A: the same property by a named secret's reference inside the URL, on a create and a validation.
            Map<String, String> byReference = jdbcSink(atInfile + "${secretsManager:Q}");
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("g1", byReference)), "config-references", "connection.url"));
            checks.add(() -> assertRefused(asEditor("PUT", "/connector-plugins/" + sink + "/config/validate", byReference), "config-references", "connection.url"));
            // G1 B: the OpenID Connect plugin's token file, over TLS, with no reference at all.
            Map<String, String> tokenFile = jdbcSink("jdbc:mysql://127.0.0.1:" + idToken.port() + "/x?idTokenFile=../secrets.key");
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("g1b", tokenFile)), "jdbc-driver-properties", "idtokenfile"));
            checks.add(() -> assertRefused(asEditor("PUT", "/connector-plugins/" + sink + "/config/validate", tokenFile), "jdbc-driver-properties", "idtokenfile"));
            // G11: Hibernate's JNDI lookup.
            Map<String, String> jndi = jdbcSink("jdbc:postgresql://127.0.0.1:" + postgres.getLocalPort() + "/x");
            jndi.put("hibernate.connection.provider_class", "org.hibernate.engine.jdbc.connections.internal.DataSourceConnectionProvider");
            jndi.put("hibernate.connection.datasource", "a b");
            jndi.put("hibernate.jndi.class", "com.sun.jndi.ldap.LdapCtxFactory");
            jndi.put("hibernate.jndi.url", "ldap://127.0.0.1:" + postgres.getLocalPort() + "/");
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("g11", jndi)), "jdbc-driver-properties", "hibernate."));

            // G2: Debezium's file signal channel on the keyring.
            Map<String, String> signals = new LinkedHashMap<>();
            signals.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            signals.put("database.hostname", "127.0.0.1");
            signals.put("database.port", Integer.toString(postgres.getLocalPort()));
            signals.put("database.user", "postgres");
            signals.put("database.password", "x");
            signals.put("database.dbname", "postgres");
            signals.put("topic.prefix", "g2");
            signals.put("plugin.name", "pgoutput");
            signals.put("signal.enabled.channels", "source,file");
            signals.put("signal.file", "../secrets.key");
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("g2", signals)), "debezium-classes-and-files", "signal.enabled.channels"));

            // G6: the replicas' sealed session key, as a file read would give it, pasted as a password to validate against a host of the editor's.
            String sessionKey = sealedSessionKey();
            Map<String, String> oracle = new LinkedHashMap<>();
            oracle.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            oracle.put("database.hostname", "127.0.0.1");
            oracle.put("database.port", Integer.toString(postgres.getLocalPort()));
            oracle.put("database.user", "x");
            oracle.put("database.dbname", "x");
            oracle.put("topic.prefix", "v");
            oracle.put("database.password", sessionKey);
            checks.add(() -> {
                Http.Response validated = asEditor("PUT", "/connector-plugins/io.debezium.connector.postgresql.PostgresConnector/config/validate", oracle);
                assertEquals(400, validated.status(), validated.body());
                assertFalse(validated.body().contains(sessionKey), "the refusal quotes no sealed value");
                Http.Response created = asEditor("POST", "/connectors", spec("g6", oracle));
                assertEquals(400, created.status(), created.body());
            });

            // G5: Connect trims the router's replacement; and RE2/J reads [[:digit:]] otherwise than java.util.regex.
            Path lines = Files.writeString(TestReplicas.FILES.resolve(run + "g5.txt"), "forged\n");
            Map<String, String> routed = fileSource(lines, "plain");
            routed.put("transforms", "r");
            routed.put("transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter");
            routed.put("transforms.r.regex", ".*");
            routed.put("transforms.r.replacement", "switchboard-pipeline-notifications");
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("g5a", routed)), "control-plane-topics", "switchboard-pipeline-notifications"));
            Map<String, String> spaced = new LinkedHashMap<>(routed);
            spaced.put("transforms.r.replacement", " switchboard-pipeline-notifications");
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("g5b", spaced)), "control-plane-topics", "switchboard-pipeline-notifications"));
            checks.add(() -> {
                Http.Response posix = asEditor("POST", "/connectors", spec("g5c", fileSink("topics.regex",
                        "switchboar[[:digit:]]-pipeline-notifications", TestReplicas.FILES.resolve(run + "g5c.txt"))));
                assertEquals(400, posix.status(), posix.body());
            });

            // G7: more tasks than a connector may run.
            Map<String, String> many = fileSink("topics", "t", TestReplicas.FILES.resolve(run + "many.txt"));
            many.put("tasks.max", "20000");
            checks.add(() -> assertRefused(asEditor("POST", "/connectors", spec("many", many)), "resource-bounds", "tasks.max"));

            for (String refused : List.of("g1-direct", "g1", "g1b", "g11", "g2", "g6", "g5a", "g5b", "g5c", "many")) {
                checks.add(() -> assertEquals(404, asEditor("GET", "/connectors/" + refused, null).status(), refused + " was created"));
            }
            // No driver reached a server the configs named (a Debezium validation or a task would have by now).
            checks.add(() -> {
                postgres.setSoTimeout(3_000);
                assertThrows(SocketTimeoutException.class, postgres::accept, "a driver connected to the editor's PostgreSQL");
            });
            checks.add(() -> assertEquals(0, infile.connections(), "a driver connected to the rogue MySQL server, which was sent "
                    + keyringIn(infile.received())));
            checks.add(() -> assertEquals(0, idToken.connections(), "a driver connected to the rogue MySQL server over TLS, which was sent "
                    + keyringIn(idToken.received())));
            try {
                assertAll("the editor's recipes", checks.stream());
            } finally {
                for (String created : List.of("g1-direct", "g1", "g1b", "g11", "g2", "g6", "g5a", "g5b", "g5c", "many")) {
                    Http.call(app.url(), "DELETE", "/connectors/" + created, null);
                }
            }
        }
    }

    /** What of the keyring the rogue server was sent, in words. */
    private String keyringIn(List<byte[]> received) throws java.io.IOException {
        String keyring = Files.readString(data.resolve("secrets.key")).strip();
        long holding = received.stream().filter(bytes -> new String(bytes, StandardCharsets.ISO_8859_1).contains(keyring)).count();
        return received.size() + " answers, " + holding + " of them the keyring";
    }

    /** The latest sealed session key in the replicas' keys topic, read as the control plane (as a leaked segment would give it). */
    private String sealedSessionKey() throws Exception {
        Properties file = new Properties();
        try (var in = Files.newBufferedReader(data.resolve("kafka-switchboard.properties"))) {
            file.load(in);
        }
        Map<String, Object> settings = new HashMap<>();
        file.stringPropertyNames().forEach(key -> settings.put(key, file.getProperty(key)));
        settings.putIfAbsent("bootstrap.servers", app.bootstrapServers());
        settings.put("group.id", "wall-" + UUID.randomUUID());
        settings.put("enable.auto.commit", "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition keys = new TopicPartition("switchboard.replica-keys", 0);
            consumer.assign(List.of(keys));
            consumer.seekToBeginning(List.of(keys));
            long end = consumer.endOffsets(List.of(keys)).get(keys);
            String sealed = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.position(keys) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    if ("session".equals(record.key()) && record.value() != null) {
                        sealed = record.value().substring(record.value().indexOf(' ') + 1);
                    }
                }
            }
            assertTrue(sealed != null && sealed.startsWith("${switchboard:"), "a sealed session key: " + sealed);
            return sealed;
        }
    }

    /**
     * G4: eight creates, each with a value of {@code ${} and 30,000 colons (hours of Kafka's reference
     * pattern), sent together, are each answered within 30 s, and so is a plain create sent after them.
     */
    @Test
    void valuesThatWouldBacktrackHoldNoThreadOfTheReplica() throws Exception {
        String value = "${" + ":".repeat(30_000);
        List<CompletableFuture<Http.Response>> creates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Map<String, String> config = jdbcSink("jdbc:postgresql://127.0.0.1:1/x");
            config.put("x", value);
            String name = "g4-" + i;
            creates.add(CompletableFuture.supplyAsync(() -> asEditor("POST", "/connectors", spec(name, config))));
        }
        Thread.sleep(300);
        CompletableFuture<Http.Response> plain = CompletableFuture.supplyAsync(() -> asEditor("POST", "/connectors",
                spec("g4-plain", fileSink("topics", "g4", TestReplicas.FILES.resolve(run + "g4.txt")))));
        Http.Response answer = plain.get(30, TimeUnit.SECONDS);
        assertEquals(201, answer.status(), answer.body());
        for (CompletableFuture<Http.Response> create : creates) {
            assertRefused(create.get(30, TimeUnit.SECONDS), "resource-bounds", "'${' with no '}'");
        }
    }

    /**
     * G3 (the registry) and G12, as a local process with no credentials: the schema registry takes no
     * write without them; idle connections holding a byte on every loopback port the replica listens on
     * (the secrets channel's among them) stop no connector from opening its secret at start.
     */
    @Test
    void aLocalProcessWithoutCredentialsNeitherWritesTheRegistryNorStopsTheSecretsChannel() throws Exception {
        Http.Response write = Http.call(app.schemaRegistryUrl(), "POST", "/subjects/g3-value/versions", "{\"schema\":\"\\\"string\\\"\"}",
                Map.of("Content-Type", "application/vnd.schemaregistry.v1+json"));
        assertEquals(401, write.status(), write.body());
        assertEquals(401, Http.call(app.schemaRegistryUrl(), "DELETE", "/subjects/switchboard.commands-value?permanent=true", null).status());

        List<Socket> idle = new ArrayList<>();
        try {
            for (int port : loopbackListeners()) {
                for (int i = 0; i < 4; i++) {
                    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    socket.getOutputStream().write('P');
                    socket.getOutputStream().flush();
                    idle.add(socket);
                }
            }
            assertFalse(idle.isEmpty(), "the replica listens on loopback");
            String path = Files.writeString(TestReplicas.FILES.resolve(run + "g12.txt"), "held").toString();
            assertEquals(201, asEditor("POST", "/v1/kafka-connect/clusters/default/secrets", Map.of("name", "G12_PATH",
                    "secret_data", Base64.getEncoder().encodeToString(path.getBytes(StandardCharsets.UTF_8)))).status());
            Http.Response created = asEditor("POST", "/connectors", spec("g12", Map.of("connector.class", WallProbeSource.class.getName(),
                    "tasks.max", "1", WallProbeSource.PATHS, "${secretsManager:G12_PATH}")));
            assertEquals(201, created.status(), created.body());
            String trace = Await.atMost(Duration.ofSeconds(120)).poll(() -> Http.get(app.url(), "/connectors/g12/status").json()
                    .path("tasks").path(0).path("trace").asText(""), t -> t.contains("opened [") || t.contains("does not answer"));
            // The path the secret resolved to, which the worker masks where it quotes it, was opened.
            assertTrue(trace.contains("opened [") && !trace.contains("opened [] of"), "the task opened its secret through the channel: " + trace);
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    /** The ports this process listens on at 127.0.0.1, from /proc/net/tcp and its own descriptors. */
    private static List<Integer> loopbackListeners() throws Exception {
        java.util.Set<String> mine = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        mine.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (Exception e) {
                    // gone
                }
            }
        }
        List<Integer> ports = new ArrayList<>();
        // Java's sockets are dual-stack: a listener on 127.0.0.1 shows in tcp6 as ::ffff:127.0.0.1.
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines = Files.readAllLines(Path.of(table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String[] local = f[1].split(":");
                boolean loopback = local[0].equals("0100007F") || local[0].equals("0000000000000000FFFF00000100007F");
                if (f[3].equals("0A") && loopback && mine.contains(f[9])) {
                    ports.add(Integer.parseInt(local[1], 16));
                }
            }
        }
        return ports;
    }

    /**
     * A file connector whose file, accepted at its create, is swapped for a link into the data
     * directory and restarted, copies nothing of what the link names.
     */
    @Test
    void aFileConnectorsFileSwappedForALinkToTheKeyringReadsNothingOfIt() throws Exception {
        Path file = Files.writeString(TestReplicas.FILES.resolve(run + "swapped.txt"), "mine\n");
        Path out = TestReplicas.FILES.resolve(run + "swapped-out.txt");
        assertEquals(201, asEditor("POST", "/connectors", spec("swap-source", fileSource(file, "swap-lines"))).status());
        assertEquals(201, asEditor("POST", "/connectors", spec("swap-sink", fileSink("topics", "swap-lines", out))).status());
        Await.atMost(Duration.ofSeconds(120)).until("the file's line copied", () -> Files.exists(out) && Files.readString(out).contains("mine"));

        Path swap = TestReplicas.FILES.resolve(run + "swapped.txt.new");
        Files.createSymbolicLink(swap, data.resolve("secrets.key"));
        Files.move(swap, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Http.Response restarted = asEditor("POST", "/connectors/swap-source/restart?includeTasks=true", null);
        assertTrue(restarted.status() / 100 == 2, restarted.status() + " " + restarted.body());
        List<String> keyring = Files.readAllLines(data.resolve("secrets.key")).stream().map(String::strip).filter(l -> l.length() > 8).toList();
        assertFalse(keyring.isEmpty());
        Await.holds("nothing of the keyring copied", Duration.ofSeconds(15), () -> {
            String copied = Files.readString(out);
            return keyring.stream().noneMatch(copied::contains) && copied.strip().equals("mine");
        });
    }

    private static boolean holds(Path entry, String resource) {
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve(resource));
        }
        if (!Files.isRegularFile(entry)) {
            return false;
        }
        try (ZipFile jar = new ZipFile(entry.toFile())) {
            return jar.getEntry(resource) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
