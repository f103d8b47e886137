package io.switchboard.dataplane;

import io.switchboard.worker.ExitBlame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The embedded worker's quarantine: a connector that made the worker's process exit
 * {@value #EXITS} times within {@link #WITHIN} (named by the worker, {@link ExitBlame}) is stopped,
 * rather than take the worker, and every team's connectors on it, down again at each start. It is
 * stopped twice over: by the worker itself before it joins its group at its next start (the
 * connector is handed over in {@link #SETTING}), and by a stop command the replica sends
 * ({@link #onQuarantine}), which the processor decides as any other, so that the connector stays
 * stopped and its history says who stopped it. A user resumes it as any stopped connector.
 *
 * <p>Concurrency: called by the worker's supervising thread; the listener is set once the replica's
 * API is ready, and is given what was quarantined before.
 */
public final class WorkerQuarantine {
    private static final Logger log = LoggerFactory.getLogger(WorkerQuarantine.class);
    /** Exits named on one connector that quarantine it. */
    public static final int EXITS = 2;
    /** Within this long. */
    public static final Duration WITHIN = Duration.ofMinutes(10);
    /** The worker's setting naming the connectors it stops before it starts (see the worker's {@code StopAtStart}). */
    public static final String SETTING = io.switchboard.worker.StopAtStart.CONFIG;
    /** The most exits remembered. */
    static final int KEPT = 64;

    record Exit(String connector, Instant at) {
    }

    private final Deque<Exit> exits = new ArrayDeque<>();
    private final Set<String> stopAtNextStart = new LinkedHashSet<>();
    private final List<String> unannounced = new ArrayList<>();
    private Consumer<String> listener;

    /**
     * Whether {@code exits} (oldest first, the newest last) quarantine the newest one's connector:
     * {@value #EXITS} of them name it within {@link #WITHIN} of the newest.
     */
    static boolean quarantines(List<Exit> exits) {
        if (exits.isEmpty()) {
            return false;
        }
        Exit newest = exits.get(exits.size() - 1);
        long named = exits.stream().filter(e -> e.connector().equals(newest.connector()))
                .filter(e -> !e.at().isBefore(newest.at().minus(WITHIN))).count();
        return named >= EXITS;
    }

    /**
     * After the worker's process exited: reads (and removes) the connector it named in
     * {@code directory}, if any, and quarantines it when {@link #quarantines}.
     */
    public Optional<String> afterExit(Path directory, Instant now) {
        Optional<String> named = read(directory.resolve(ExitBlame.FILE));
        if (named.isEmpty()) {
            return Optional.empty();
        }
        String connector = named.get();
        Consumer<String> announce;
        synchronized (this) {
            exits.addLast(new Exit(connector, now));
            while (exits.size() > KEPT) {
                exits.removeFirst();
            }
            if (!quarantines(List.copyOf(exits))) {
                log.warn("The embedded worker exited at the request of connector {}; it is quarantined if it does so again within {}",
                        connector, WITHIN);
                return Optional.empty();
            }
            exits.removeIf(e -> e.connector().equals(connector));
            stopAtNextStart.add(connector);
            announce = listener;
            if (announce == null) {
                unannounced.add(connector);
            }
        }
        log.error("Connector {} made the embedded worker exit {} times within {}: quarantined (stopped; resume it once fixed)",
                connector, EXITS, WITHIN);
        if (announce != null) {
            announce.accept(connector);
        }
        return Optional.of(connector);
    }

    /** The setting that hands the worker the connectors to stop at its next start; each is handed over once. */
    public synchronized Optional<String> nextStart() {
        if (stopAtNextStart.isEmpty()) {
            return Optional.empty();
        }
        String value = stopAtNextStart.stream().map(n -> URLEncoder.encode(n, StandardCharsets.UTF_8)).collect(Collectors.joining(","));
        stopAtNextStart.clear();
        return Optional.of(value);
    }

    /** Who stops a quarantined connector for good (the replica's stop command); given what was quarantined before. */
    public void onQuarantine(Consumer<String> stop) {
        List<String> before;
        synchronized (this) {
            listener = stop;
            before = List.copyOf(unannounced);
            unannounced.clear();
        }
        before.forEach(stop);
    }

    private static Optional<String> read(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                bytes = in.readNBytes(ExitBlame.MAX_NAME * 4);
            }
            Files.delete(file);
            String name = new String(bytes, StandardCharsets.UTF_8).strip();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (IOException e) {
            log.warn("Cannot read which connector the embedded worker exited for: {}", e.getMessage());
            return Optional.empty();
        }
    }
}
