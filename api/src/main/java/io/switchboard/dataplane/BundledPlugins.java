package io.switchboard.dataplane;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The connector plugins the build ships next to Switchboard (Debezium's PostgreSQL source and JDBC
 * sink, which typed pipelines compile to): {@code plugins/} beside {@code switchboard.jar}, or
 * beside the classes directory when run from the build.
 */
public final class BundledPlugins {
    private BundledPlugins() {
    }

    public static Optional<Path> directory() {
        try {
            Path code = Path.of(BundledPlugins.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path plugins = code.getParent().resolve("plugins");
            return Files.isDirectory(plugins) ? Optional.of(plugins) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The plugin path the embedded worker gets: the bundled directory and then whatever was given. */
    public static String withBundled(String given) {
        String bundled = directory().map(Path::toString).orElse(null);
        if (bundled == null) {
            return given;
        }
        return given == null || given.isBlank() ? bundled : bundled + "," + given;
    }
}
