package io.switchboard;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a replica runs, stopped in dependency order whatever order it was started in: the HTTP API
 * first (no new requests), then the data plane and the embedded worker (which still flush to Kafka),
 * then the command processor and the other Kafka clients, then the registry, and the broker last.
 * Each assembly of the replica owns what it starts through a {@link Part} of its own. Within a stage,
 * the parts close in the reverse of the order they were made in, and each part closes what it added
 * last first.
 */
final class ShutdownOrder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShutdownOrder.class);

    /** The stages, in the order they stop. */
    enum Stage {
        /** The HTTP server and what answers its requests (event streams, waiting offsets requests). */
        HTTP,
        /** The reconciler loops and what they write with. */
        DATA_PLANE,
        /** The embedded Kafka Connect worker. */
        WORKER,
        /** Kafka Streams, the command gateway, the decision listener, the admin client. */
        PROCESSOR,
        /** The embedded schema registry. */
        REGISTRY,
        /** The embedded broker. */
        BROKER
    }

    /** What one assembly owns, by the stage it stops in. */
    static final class Part {
        private final Map<Stage, Deque<AutoCloseable>> owned = new EnumMap<>(Stage.class);

        private Part() {
        }

        /** Owns {@code resource}, to be closed in its stage. */
        synchronized <T extends AutoCloseable> T add(Stage stage, T resource) {
            owned.computeIfAbsent(stage, s -> new ArrayDeque<>()).push(resource);
            return resource;
        }

        /** What is to close next in {@code stage}: the last added of what is left; null once none is. */
        private synchronized AutoCloseable next(Stage stage) {
            Deque<AutoCloseable> resources = owned.get(stage);
            return resources == null ? null : resources.poll();
        }
    }

    private final List<Part> parts = new CopyOnWriteArrayList<>();
    private final List<String> stopped = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** A new part, which closes in each stage before the parts made before it. */
    Part part() {
        Part part = new Part();
        parts.add(part);
        return part;
    }

    /** Closes everything, stage by stage; a failure to close one is logged and the rest still close. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Stage stage : Stage.values()) {
            long started = System.nanoTime();
            for (int i = parts.size() - 1; i >= 0; i--) {
                Part part = parts.get(i);
                for (AutoCloseable resource = part.next(stage); resource != null; resource = part.next(stage)) {
                    try {
                        resource.close();
                    } catch (Exception e) {
                        log.warn("Error while stopping {}: {}", resource, e.toString());
                    }
                    synchronized (this) {
                        stopped.add(stage + ":" + resource);
                    }
                }
            }
            log.info("Stopped {} in {} ms", stage, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** What was closed so far, as {@code STAGE:resource}, in the order it was closed. */
    synchronized List<String> stopped() {
        return List.copyOf(stopped);
    }
}
