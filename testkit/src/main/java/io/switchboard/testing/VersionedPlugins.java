package io.switchboard.testing;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** A test plugin in the version a test asks for, built into a plugin directory of a worker's plugin path (KIP-891). */
public final class VersionedPlugins {
    /** The plugin's connector class. */
    public static final String CLASS = "com.example.versioned.VersionedSource";

    private VersionedPlugins() {
    }

    /**
     * A plugin directory holding one jar: {@value #CLASS} and its task, whose {@code version()} is
     * {@code version}, compiled now against this JVM's Kafka Connect, with the service file that
     * Kafka Connect's service loading finds it by; its task fails after {@code failAfterPolls} polls
     * (0: never), naming its version.
     */
    public static void build(Path dir, String version, int failAfterPolls) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src/com/example/versioned"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.writeString(sources.resolve("VersionedSource.java"), """
                package com.example.versioned;
                import java.util.List;
                import java.util.Map;
                import org.apache.kafka.common.config.ConfigDef;
                import org.apache.kafka.connect.connector.Task;
                import org.apache.kafka.connect.source.SourceConnector;
                public class VersionedSource extends SourceConnector {
                    public String version() { return "%1$s"; }
                    public void start(Map<String, String> props) { }
                    public Class<? extends Task> taskClass() { return VersionedTask.class; }
                    public List<Map<String, String>> taskConfigs(int max) { return List.of(Map.of()); }
                    public void stop() { }
                    public ConfigDef config() { return new ConfigDef(); }
                }
                """.formatted(version));
        Files.writeString(sources.resolve("VersionedTask.java"), """
                package com.example.versioned;
                import java.util.List;
                import java.util.Map;
                import org.apache.kafka.connect.source.SourceRecord;
                import org.apache.kafka.connect.source.SourceTask;
                public class VersionedTask extends SourceTask {
                    private int polls;
                    public String version() { return "%1$s"; }
                    public void start(Map<String, String> props) { }
                    public List<SourceRecord> poll() throws InterruptedException {
                        Thread.sleep(200);
                        if (%2$d > 0 && ++polls >= %2$d) {
                            throw new org.apache.kafka.connect.errors.ConnectException("VersionedTask %1$s broke after " + polls + " polls");
                        }
                        return null;
                    }
                    public void stop() { }
                }
                """.formatted(version, failAfterPolls));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = javac.run(null, null, errors, "--release", "17", "-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), sources.resolve("VersionedSource.java").toString(), sources.resolve("VersionedTask.java").toString());
        if (compiled != 0) {
            throw new IllegalStateException(errors.toString(StandardCharsets.UTF_8));
        }
        Path jar = dir.resolve("versioned-" + version + ".jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(classes)) {
            for (Path c : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(c));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector"));
            out.write((CLASS + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        deleteQuietly(dir.resolve("src"));
        deleteQuietly(classes);
    }

    private static void deleteQuietly(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
