package io.switchboard.dataplane;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The wall between the embedded worker's process and the replica, drawn by the operating system
 * rather than by a list of refused settings: a connector is code an editor chooses, and whatever it
 * can be talked into opening, it opens as its process may. On Linux the worker runs in namespaces
 * of its own, made without privileges as {@code unshare} and bubblewrap make them: a user namespace
 * (it is root there, the replica's user outside, with every capability dropped before the worker
 * starts), a mount namespace whose root file system holds only the system's programs and libraries,
 * the JVM, the worker's class path and plugins (read-only), its own directory and the file
 * connectors' directory (writable), and a PID namespace, so that no process of the replica's is
 * there to read ({@code /proc/<pid>/environ}, {@code cmdline}, {@code root}). The replica's data
 * directory (its keyring, Kafka identities, session key segments, Streams state) and its users file
 * are not in the worker's file system at all.
 *
 * <p>Where the host makes no such namespace (not Linux, no {@code unshare}, user namespaces turned
 * off), {@link #probe} says why, the worker runs as the replica's user with the policies as its
 * only line, and the replica says so when it starts and in {@code /health}.
 */
public final class WorkerWall {
    private static final Logger log = LoggerFactory.getLogger(WorkerWall.class);
    /** Where the worker's root file system is built, in its own directory (empty outside the namespace). */
    static final String ROOT = ".root";
    private static final String SCRIPT = script();

    /** What the worker's process is walled off by: {@code walled} or not, and in a sentence why. */
    public record Isolation(boolean walled, String description) {
        /** The word the start line and {@code /health} show. */
        public String mode() {
            return walled ? "namespaces" : "none";
        }
    }

    /** The system's directories, bound read-only whole: what is under them needs no binding of its own. */
    private static final List<String> SYSTEM = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc");

    private final Path directory;
    private final List<String> readOnly;
    private final List<String> writable;
    /** What a bound path holds that the worker must not see: hidden in place, before its own directory is bound. */
    private final List<String> hidden;

    /**
     * @param directory the worker's own directory (its working directory, writable)
     * @param readOnly  what it reads beside the system: the JVM, its class path, its plugins
     * @param writable  what it writes beside its directory: the file connectors' directory
     * @param hidden    what must stay out of its reach, the replica's data directory, keyring and users
     *                  file: where a path given to bind holds one, it is hidden there (an empty
     *                  directory or file in its place), and the worker's own directory bound again
     * @throws IllegalArgumentException when a path to bind lies inside a hidden one (but the worker's directory)
     */
    public WorkerWall(Path directory, Collection<Path> readOnly, Collection<Path> writable, Collection<Path> hidden) {
        this.directory = directory.toAbsolutePath().normalize();
        this.writable = distinct(writable);
        // Made before each start (WorkerProcess), so bound whether or not it is there yet.
        this.writable.removeIf(path -> under(path, List.of(this.directory.toString())));
        this.readOnly = distinct(readOnly);
        this.readOnly.removeIf(path -> under(path, this.writable) || under(path, SYSTEM));
        this.hidden = new ArrayList<>();
        for (Path secret : hidden) {
            String kept = secret.toAbsolutePath().normalize().toString();
            List<String> bound = new ArrayList<>(this.readOnly);
            bound.addAll(this.writable);
            bound.stream().filter(path -> under(path, List.of(kept))).findFirst().ifPresent(path -> {
                throw new IllegalArgumentException("The embedded worker would be given " + path + ", which lies in " + kept
                        + ": keep the plugin path, the class path and the file connectors' directory out of the data directory");
            });
            if (under(kept, bound) || under(kept, SYSTEM)) {
                this.hidden.add(kept);
            }
        }
    }

    /** The command, run behind the wall. */
    public List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of("unshare", "--user", "--map-root-user", "--mount", "--pid", "--ipc", "--uts",
                "--fork", "--kill-child", "sh", "-c", SCRIPT, "worker-wall", directory.resolve(ROOT).toString(), directory.toString()));
        readOnly.forEach(path -> wrapped.addAll(List.of("r", path)));
        writable.forEach(path -> wrapped.addAll(List.of("w", path)));
        hidden.forEach(path -> wrapped.addAll(List.of("h", path)));
        wrapped.addAll(List.of("w", directory.toString()));
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Whether the host draws the wall: the wall is built once around {@code true}, at most 20 s.
     * Nothing is thrown; what failed is in the answer.
     */
    public Isolation probe() {
        try {
            Files.createDirectories(directory);
            Process process = new ProcessBuilder(wrap(List.of("true"))).directory(directory.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] said = process.getInputStream().readNBytes(4096);
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Isolation(false, "the worker's namespaces were not made within 20 s");
            }
            if (process.exitValue() == 0) {
                return new Isolation(true, "the worker runs in namespaces of its own (user, mount, PID): it sees none of the replica's files or processes");
            }
            String why = new String(said, StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElse("exit " + process.exitValue());
            return new Isolation(false, "this host makes no unprivileged namespaces for the worker (" + why + ")");
        } catch (IOException e) {
            return new Isolation(false, "this host cannot wall the worker off (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Isolation(false, "interrupted while walling the worker off");
        }
    }

    /**
     * The worker's command: behind the wall when the host draws it, else as it is, said in the log.
     */
    public List<String> command(List<String> command, Isolation isolation) {
        if (isolation.walled()) {
            return wrap(command);
        }
        log.warn("The embedded worker runs as this replica's OS user with no wall around it: {}. Its connectors can read "
                + "whatever this process can; see docs/security.md#what-a-connector-can-reach", isolation.description());
        return command;
    }

    private static List<String> distinct(Collection<Path> paths) {
        TreeSet<String> sorted = new TreeSet<>();
        for (Path path : paths) {
            Path absolute = path.toAbsolutePath().normalize();
            if (Files.exists(absolute)) {
                sorted.add(absolute.toString());
            }
        }
        // A path under another given one is bound with it.
        List<String> kept = new ArrayList<>();
        for (String path : sorted) {
            if (!under(path, kept)) {
                kept.add(path);
            }
        }
        return kept;
    }

    private static boolean under(String path, List<String> parents) {
        return parents.stream().anyMatch(parent -> path.equals(parent) || path.startsWith(parent.endsWith("/") ? parent : parent + "/"));
    }

    private static String script() {
        try (InputStream in = WorkerWall.class.getResourceAsStream("worker-wall.sh")) {
            if (in == null) {
                throw new IllegalStateException("worker-wall.sh is missing from the data plane's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
