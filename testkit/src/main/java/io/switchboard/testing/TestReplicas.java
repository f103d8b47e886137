package io.switchboard.testing;

import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.metrics.HealthOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The options a test replica starts from. */
public final class TestReplicas {
    private TestReplicas() {
    }

    /**
     * Where the FileStream connectors of test replicas' embedded workers read and write: a directory
     * of the test user's own (0700), as {@code --file-connectors-dir} must be, not the shared
     * temporary directory, which a replica refuses.
     */
    public static final Path FILES = privateFiles();

    private static Path privateFiles() {
        Path files = Path.of("/tmp/switchboard-test-files");
        try {
            if (!java.nio.file.Files.isDirectory(files)) {
                java.nio.file.Files.createDirectories(files, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            return files;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The product's defaults without the health series: following the lifecycle topic into them is
     * one more consumer per replica, which only the tests of health need (they set {@code health});
     * the FileStream connectors of an embedded worker read and write under {@link #FILES}.
     */
    public static OptionsBuilder defaults() {
        return OptionsBuilder.defaults().health(HealthOptions.DEFAULTS.following(false)).fileConnectorsDir(FILES);
    }

    /**
     * Lets this JVM's test calls ({@code Http}) reach {@code app}'s embedded worker directly, as its
     * operator would: its REST API answers only the token the replica left in its data directory.
     */
    public static void authorizeWorker(SwitchboardApp app, SwitchboardOptions options) {
        authorizeWorker(app, options.dataDir());
    }

    /** {@link #authorizeWorker(SwitchboardApp, SwitchboardOptions)} for a replica of data directory {@code dataDir}. */
    public static void authorizeWorker(SwitchboardApp app, Path dataDir) {
        String url = app.connectClusters().get(SwitchboardApp.DEFAULT_CLUSTER);
        Path token = dataDir.resolve("worker.token");
        if (url == null || !Files.isRegularFile(token)) {
            return;
        }
        try {
            Http.authorizeByDefault(url, "Bearer " + Files.readString(token, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
