package io.switchboard.dataplane;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The embedded worker's class path: Kafka Connect, its libraries and the worker's own module,
 * never the control plane's classes. Run from {@code switchboard.jar}, that is
 * {@value #WORKER_JAR} beside it, built from the worker module alone. Run from the modules (the
 * tests, an IDE), it is this process's class path without the control plane's modules.
 */
public final class WorkerClassPath {
    /** The worker's jar, beside {@code switchboard.jar}. */
    public static final String WORKER_JAR = "switchboard-worker.jar";
    /** The modules of the control plane, by their directory and by their jar's artifact id ({@code switchboard-NAME}). */
    static final Set<String> CONTROL_PLANE = Set.of("kafka-io", "schemas", "registry", "secrets", "rules", "processor", "core",
            "dataplane", "pipelines", "server", "app");

    private WorkerClassPath() {
    }

    /** The worker's class path, absolute, for a process running on {@code replicaClassPath}. */
    public static List<Path> of(String replicaClassPath) {
        List<Path> entries = new ArrayList<>();
        for (String entry : replicaClassPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(Path.of(entry).toAbsolutePath().normalize());
            }
        }
        if (entries.size() == 1 && entries.get(0).toString().endsWith(".jar")) {
            Path beside = entries.get(0).resolveSibling(WORKER_JAR);
            if (!Files.isRegularFile(beside)) {
                throw new IllegalStateException("The embedded worker runs from " + WORKER_JAR + ", which is not beside " + entries.get(0)
                        + " (mvn package builds both into app/target)");
            }
            return List.of(beside);
        }
        return entries.stream().filter(entry -> !controlPlaneModule(entry)).toList();
    }

    /** This process's. */
    public static List<Path> current() {
        return of(System.getProperty("java.class.path"));
    }

    /**
     * What the worker's wall binds for {@code classPath}: each entry, but a local Maven repository's
     * artifacts as the repository (which holds only published artifacts), once.
     */
    public static List<Path> toBind(List<Path> classPath) {
        List<Path> bound = new ArrayList<>();
        for (Path entry : classPath) {
            Path at = entry;
            for (Path up = entry; up != null && up.getParent() != null; up = up.getParent()) {
                if (up.getFileName().toString().equals("repository") && up.getParent().getFileName() != null
                        && up.getParent().getFileName().toString().equals(".m2")) {
                    at = up;
                    break;
                }
            }
            if (!bound.contains(at)) {
                bound.add(at);
            }
        }
        return bound;
    }

    /** Whether a class path entry is one of the control plane's modules: its classes, or its jar. */
    static boolean controlPlaneModule(Path entry) {
        String name = entry.getFileName() == null ? "" : entry.getFileName().toString();
        if (name.equals("classes") && entry.getParent() != null && entry.getParent().getFileName().toString().equals("target")) {
            Path module = entry.getParent().getParent();
            return module != null && CONTROL_PLANE.contains(module.getFileName().toString());
        }
        return CONTROL_PLANE.stream().anyMatch(module -> name.startsWith("switchboard-" + module + "-") && name.endsWith(".jar"))
                || name.equals("switchboard.jar");
    }
}
