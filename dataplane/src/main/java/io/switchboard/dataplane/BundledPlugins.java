package io.switchboard.dataplane;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The connector plugins the build ships next to Switchboard (Debezium's PostgreSQL source and JDBC
 * sink, which typed pipelines compile to): {@code plugins/} beside {@code switchboard.jar}, or
 * beside the application's classes directory when run from the build. The application module
 * unpacks them, so the place is found from one of its classes (the anchor), never from this
 * module's own location, which is a different directory when run from the build.
 */
public final class BundledPlugins {
    /** The application's entry point: the class whose jar, or classes directory, the plugins sit beside. */
    public static final String APPLICATION_CLASS = "io.switchboard.Switchboard";

    private BundledPlugins() {
    }

    /** {@code plugins/} beside the jar or classes directory the anchor class was loaded from. */
    public static Optional<Path> beside(Class<?> anchor) {
        try {
            Path code = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path plugins = code.getParent().resolve("plugins");
            return Files.isDirectory(plugins) ? Optional.of(plugins) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Beside the application, when it is on the class path (tests and benchmarks that run workers). */
    public static Optional<Path> besideApplication() {
        try {
            return beside(Class.forName(APPLICATION_CLASS, false, BundledPlugins.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The plugin path the embedded worker gets: the bundled directory and then whatever was given. */
    public static String withBundled(Class<?> anchor, String given) {
        String bundled = beside(anchor).map(Path::toString).orElse(null);
        if (bundled == null) {
            return given;
        }
        return given == null || given.isBlank() ? bundled : bundled + "," + given;
    }
}
