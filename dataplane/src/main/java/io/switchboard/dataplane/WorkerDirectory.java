package io.switchboard.dataplane;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * The embedded worker's directory, which the replica and the worker (its child process, or the
 * process in another container it hands over to) share: owner-only, each file in it written whole or
 * not at all, never through a link, and, handed over, the worker's report that its Kafka Connect is
 * still running ({@value #RUNNING_FILE}).
 */
final class WorkerDirectory {
    private static final Logger log = LoggerFactory.getLogger(WorkerDirectory.class);
    /** Handed over: the start id the worker's container took, there until its Kafka Connect has stopped. */
    static final String RUNNING_FILE = io.switchboard.worker.EmbeddedWorkerMain.RUNNING_FILE;
    /**
     * Handed over: how long the replica's stop waits for the worker's container to stop, before its
     * later stages (the embedded broker among them) go. Inside the chart's grace period (60 s, after a
     * 5 s preStop) with the replica's other stages; below the worker's own stop bound (40 s).
     */
    static final Duration HANDOFF_STOP_BOUND = Duration.ofSeconds(20);

    private final Path directory;

    WorkerDirectory(Path directory) {
        this.directory = directory;
    }

    /** Makes the directory owner-only; one another made for both containers (a volume's mount point) keeps its mode. */
    void prepare() throws IOException {
        if (Files.isDirectory(directory)) {
            try {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            } catch (IOException e) {
                // A directory another made for both containers: its files are owner-only.
            }
        } else {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /**
     * Writes {@code name}, owner-only, whole or not at all: a worker waiting for it never reads half.
     * Written under a random name that must not exist and is never followed if it is a link, then
     * moved into place.
     */
    Path writeWhole(String name, String text) throws IOException {
        Path target = directory.resolve(name);
        Path partial = directory.resolve(name + "." + UUID.randomUUID() + ".partial");
        try (SeekableByteChannel out = Files.newByteChannel(partial,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Deletes what was handed over (the settings and the start id), on which the other container's worker stops. */
    void takeBack(String... names) {
        try {
            for (String name : names) {
                Files.deleteIfExists(directory.resolve(name));
            }
        } catch (IOException e) {
            log.warn("Cannot remove the embedded worker's settings from {}: {}", directory, e.getMessage());
        }
    }

    /**
     * Handed over, once the start id went: waits, at most {@code bound}, for the worker's container to
     * report that its Kafka Connect stopped ({@value #RUNNING_FILE} no longer holding this start's id).
     * A worker that never took this start's settings (its file never held the id) is not waited for.
     * Returns whether it stopped in time (or was not running).
     */
    boolean awaitStop(String startId, Duration bound) {
        Path running = directory.resolve(RUNNING_FILE);
        if (!runs(running, startId)) {
            return true;
        }
        log.info("Waiting, at most {} s, for the embedded worker's container to stop", bound.toSeconds());
        long started = System.nanoTime();
        long deadline = started + bound.toNanos();
        while (runs(running, startId)) {
            if (System.nanoTime() - deadline >= 0) {
                log.warn("The embedded worker's container did not report its stop within {} s ({} still there): stopping without it",
                        bound.toSeconds(), running);
                return false;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Interrupted while waiting for the embedded worker's container to stop");
                return false;
            }
        }
        log.info("The embedded worker's container stopped in {} ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        return true;
    }

    private static boolean runs(Path running, String startId) {
        try {
            return Files.readString(running, StandardCharsets.UTF_8).strip().equals(startId);
        } catch (IOException e) {
            return false;
        }
    }
}
