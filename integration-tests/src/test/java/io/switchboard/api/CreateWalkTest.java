package io.switchboard.api;

import io.switchboard.walk.WalkRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How many of Switchboard's source files a create runs through in each dialect, from the route's
 * handler to the {@code KafkaProducer.send} of its command (issue 48: at most 12, and the same walk
 * for every dialect once it has decoded the request). A Java agent hooks every method and
 * constructor of the product's classes ({@link WalkRecorder}); what is counted is every product
 * class entered on the request's thread from its handler on, and on the pre-flight thread, until
 * the command is given to the producer, grouped by source file (nested classes and lambdas count
 * as their file). The product's own main code only: JDK and library classes are not hooked, and
 * test code is left out. Data (records, exceptions and the Avro classes generated from the
 * schemas) is counted and also shown apart. Work the walk hands to other threads (the worker
 * client's I/O) is listed, not counted. The walks are written to {@code target/create-walk.md}.
 * On the test JVM's replica with a worker ({@link SharedReplica#withWorker}), whose classes already
 * loaded the agent hooks too, under connector names of its own ({@code warm-} and {@code walk-}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CreateWalkTest {
    /**
     * The most files a create may run through, as measured once the early owner check read the
     * active copy here directly ({@code query/CopyAtHand}; 33 to 34 before, through the whole read
     * path, and 36 to 37 before the write path was one pre-flight). Issue 48 aims at 12; what is
     * left is the decoding, the ports' work (the copy at hand, the worker's validation, the
     * secrets) and the command bus, which a change here should bring down, never up. 35 since
     * issue 59: the connector policies of the control plane's boundary run in the pre-flight (the
     * rule and its two data files), and commands are signed (the command is serialized before the
     * producer's send, so the serializer's two files, run inside the send before and uncounted, are
     * counted now, beside the signature's): six files. Since issue 63 the benchmark's tracer
     * (CommandHops) is gone: the hops are OpenTelemetry spans, of which nothing runs here while
     * tracing is off; the desired config is decided in one file (DesiredConfig) for every write.
     * 36 since the built-in policy on JDBC URLs' driver properties, a rule of its own
     * (JdbcDriverProperties) beside the control plane's. 37 since commands are bound to their
     * partition: the gateway sends each to the partition its key maps to (CommandRecords). 40
     * since the built-in policies became allowlists with rules of their own: the bounds on a config
     * (ResourceBounds), Debezium's keys (DebeziumKeys) and the classes a key may name
     * (ConnectorClasses); a write of one task reads no other connector for the cluster's bound.
     * 41 with the Kafka client settings' allowlists (KafkaClientKeys).
     */
    private static final int MOST_FILES = 41;
    /**
     * The most files from the core's service on (the walk after decoding, data included; 26 before
     * the direct copy at hand, 22 before the boundary policies and the signature's six files; 29
     * with the JDBC driver properties' policy; 30 with the command's partition; 33 with the
     * allowlists' and bounds' rules; 34 with the Kafka client settings' allowlists).
     */
    private static final int MOST_AFTER_DECODING = 34;
    /** The most layers: the handler, the connector service, the pre-flight and the command bus. */
    private static final int MOST_LAYERS = 4;
    private static final Pattern MODULE = Pattern.compile("/([a-z-]+)/target/(?:test-)?classes/?$|/switchboard-([a-z-]+)-[^/]*\\.jar$");

    private SwitchboardFixture fx;
    private String confluentBase;
    private static final String ACTION_OF_CREATE = "schemas/CreateConnector.java";
    private static final String ACTION_OF_PUT = "schemas/PutConnectorConfig.java";
    /** Where a write enters the core: the connector service. */
    private static final Set<String> CORE = Set.of("io.switchboard.core.ConnectorService", "io.switchboard.core.ConnectorCore");
    private final Map<String, List<String>> files = new LinkedHashMap<>();
    private final Map<String, Set<String>> afterDecoding = new LinkedHashMap<>();
    private final Map<String, Set<String>> layers = new LinkedHashMap<>();
    private final StringBuilder report = new StringBuilder("# Files from a dialect's create handler to producer.send\n\n"
            + "Measured by `CreateWalkTest` (see its documentation for what is counted).\n");

    @BeforeAll
    void start() {
        WalkRecorder.install();
        fx = SharedReplica.withWorker();
        confluentBase = "/connect/v1/environments/env-default/clusters/"
                + fx.call("GET", "/", null).json().path("kafka_cluster_id").asText();
    }

    @AfterAll
    void stop() throws IOException {
        if (fx != null) {
            fx.close();
        }
        WalkRecorder.uninstall();
        Path out = Path.of("target", "create-walk.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
    }

    private static String config(String name) {
        return SwitchboardFixture.json(Map.of("connector.class", "FileStreamSource", "file", "/tmp/switchboard-test-files/walk-" + name + ".txt",
                "topic", "walk-" + name, "tasks.max", "1"));
    }

    private static String named(String name) {
        return "{\"name\":\"" + name + "\",\"config\":" + config(name) + "}";
    }

    @Test
    void everyDialectsCreateWalksTheSameFewFilesAfterDecoding() throws Exception {
        walk("Kafka Connect POST /connectors", "io.switchboard.dialects.connect.ConnectorsResource",
                name -> fx.call("POST", "/connectors", named(name)), 201);
        walk("Kafka Connect PUT /connectors/{name}/config", "io.switchboard.dialects.connect.ConnectorsResource",
                name -> fx.call("PUT", "/connectors/" + name + "/config", config(name)), 201);
        walk("Confluent connect/v1 POST .../connectors", "io.switchboard.dialects.confluent.ConnectorsRoutes",
                name -> fx.call("POST", confluentBase + "/connectors", named(name)), 201);
        walk("Redpanda POST /v1/kafka-connect/clusters/default/connectors", "io.switchboard.dialects.redpanda.ConnectorsRoutes",
                name -> fx.call("POST", "/v1/kafka-connect/clusters/default/connectors", named(name)), 201);

        report.append("\n## Summary\n\n| create | files | of which data | after decoding | layers |\n|---|---|---|---|---|\n");
        files.forEach((dialect, walked) -> report.append("| ").append(dialect).append(" | ").append(walked.size())
                .append(" | ").append(walked.stream().filter(f -> f.contains("(data")).count())
                .append(" | ").append(afterDecoding.get(dialect).size())
                .append(" | ").append(layers.get(dialect).size()).append(" |\n"));
        files.forEach((dialect, walked) -> assertTrue(walked.size() <= MOST_FILES,
                dialect + " runs through " + walked.size() + " files, more than " + MOST_FILES + ": " + walked));
        afterDecoding.forEach((dialect, walked) -> assertTrue(walked.size() <= MOST_AFTER_DECODING,
                dialect + " runs through " + walked.size() + " files after decoding, more than " + MOST_AFTER_DECODING + ": " + walked));
        layers.forEach((dialect, walked) -> assertTrue(walked.size() <= MOST_LAYERS,
                dialect + " passes " + walked.size() + " layers, more than " + MOST_LAYERS + ": " + walked));
        // The same walk once decoded, but for the command's action (a create's or a put's).
        Map<String, Set<String>> sameButAction = new LinkedHashMap<>();
        afterDecoding.forEach((dialect, walked) -> sameButAction.put(dialect, walked.stream()
                .filter(f -> !f.startsWith(ACTION_OF_PUT) && !f.startsWith(ACTION_OF_CREATE))
                .collect(Collectors.toCollection(LinkedHashSet::new))));
        Set<String> first = sameButAction.values().iterator().next();
        sameButAction.forEach((dialect, walked) -> assertEquals(first, walked,
                dialect + " walks other files than " + sameButAction.keySet().iterator().next() + " once decoded"));
    }

    private interface Create {
        SwitchboardFixture.Answer send(String name);
    }

    /** Creates one connector to warm the path, then records the walk of a second one. */
    private void walk(String dialect, String handler, Create create, int created) throws InterruptedException {
        String slug = dialect.replaceAll("[^a-zA-Z]+", "-").toLowerCase().replaceAll("^-|-$", "");
        slug = slug.length() > 40 ? slug.substring(0, 40) : slug;
        assertEquals(created, create.send("warm-" + slug).status());
        WalkRecorder.open(handler, CORE);
        SwitchboardFixture.Answer answer = create.send("walk-" + slug);
        assertTrue(WalkRecorder.awaitSend(30), dialect + ": no command was sent; answered " + answer.status() + " " + answer.body());
        assertEquals(created, answer.status(), answer.body());

        Map<String, List<String>> walked = WalkRecorder.walk();
        Set<String> sources = new LinkedHashSet<>();
        walked.values().forEach(types -> types.forEach(type -> {
            String source = describe(type);
            if (source != null) {
                sources.add(source);
            }
        }));
        files.put(dialect, new ArrayList<>(sources));
        Set<String> core = new LinkedHashSet<>();
        WalkRecorder.core().forEach(type -> {
            String source = describe(type);
            // What the dialect does once the core has answered (AsyncAnswers, its entities) is its encoding.
            if (source != null && !source.startsWith("dialects/") && !source.startsWith("http/")) {
                core.add(source);
            }
        });
        afterDecoding.put(dialect, core);
        report.append("\n## ").append(dialect).append(": ").append(sources.size()).append(" files\n\n");
        int i = 0;
        for (String source : sources) {
            report.append(++i).append(". ").append(source).append('\n');
        }
        report.append("\nFrom the core's service on (the walk after decoding, less the dialect's encoding): ")
                .append(core.size()).append(" files: ").append(core).append(".\n");
        // The layers a create passes through: the product frames on the request's stack as it enters
        // the pre-flight, and on the stack that gives the command to the producer.
        Set<String> layers = new LinkedHashSet<>();
        for (StackTraceElement[] stack : List.of(WalkRecorder.coreStack(), WalkRecorder.sendStack())) {
            // From the route's handler in (what wraps it, such as the method override, is not the route's).
            boolean fromHandler = stack == WalkRecorder.sendStack();
            for (int f = stack.length - 1; f >= 0; f--) {
                String type = stack[f].getClassName();
                fromHandler |= type.startsWith(handler);
                String source = !fromHandler || !type.startsWith("io.switchboard.") || type.startsWith("io.switchboard.walk.")
                        ? null : describe(type);
                if (source != null) {
                    layers.add(source.substring(0, source.indexOf(' ')));
                }
            }
        }
        this.layers.put(dialect, layers);
        report.append("\nLayers (the files on the request's stack entering the pre-flight, then on the sending stack): ")
                .append(layers.size()).append(": ").append(String.join(" -> ", layers)).append(".\n");
        report.append("\nThreads counted: ").append(walked.keySet()).append("; the command sent on ")
                .append(WalkRecorder.sendThread()).append(".\n\nStack at send (product frames):\n\n```\n");
        for (StackTraceElement frame : WalkRecorder.sendStack()) {
            if (frame.getClassName().startsWith("io.switchboard.") && !frame.getClassName().startsWith("io.switchboard.walk.")) {
                report.append(frame).append('\n');
            }
        }
        report.append("```\n\nOther threads' product classes in the window (not counted):\n\n");
        WalkRecorder.elsewhere().forEach((thread, types) -> {
            Set<String> other = new TreeSet<>();
            types.forEach(type -> {
                String source = describe(type);
                if (source != null) {
                    other.add(source);
                }
            });
            if (!other.isEmpty()) {
                report.append("- ").append(thread).append(": ").append(other).append('\n');
            }
        });
    }

    /**
     * "package/File.java" with its module, and "(data: ...)" for a record, an exception or a
     * generated Avro class; null for a class that is not the product's main code.
     */
    private static String describe(String type) {
        String top = type.contains("$") ? type.substring(0, type.indexOf('$')) : type;
        Class<?> c;
        try {
            c = Class.forName(top, false, CreateWalkTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
        String module = module(c);
        if (module == null || module.equals("testkit") || module.equals("integration-tests")) {
            return null;
        }
        String file = top.substring("io.switchboard.".length()).replace('.', '/') + ".java";
        String kind = null;
        if (org.apache.avro.specific.SpecificRecord.class.isAssignableFrom(c) || c.isEnum() && c.isAnnotationPresent(
                org.apache.avro.specific.AvroGenerated.class)) {
            kind = "data: generated Avro";
        } else if (c.isRecord()) {
            kind = "data: record";
        } else if (Throwable.class.isAssignableFrom(c)) {
            kind = "data: exception";
        }
        return file + " [" + module + "]" + (kind == null ? "" : " (" + kind + ")");
    }

    private static String module(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        if (source == null) {
            return null;
        }
        URL location = source.getLocation();
        Matcher m = MODULE.matcher(location.getPath());
        if (!m.find()) {
            throw new UncheckedIOException(new IOException("Where " + c + " comes from is not a module: " + location));
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }
}
