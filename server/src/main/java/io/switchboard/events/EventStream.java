package io.switchboard.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.LifecycleViews;
import io.switchboard.core.Visibility;
import io.switchboard.schemas.LifecycleEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One client of {@code GET /events}: its own reader of the lifecycle topic ({@link LifecycleLog},
 * every partition), each event written as one Server-Sent Event. It ends when the
 * client goes away (a write fails; a comment is written when nothing else was for a while, so a
 * silent client is noticed too) or when the server stops.
 */
final class EventStream implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    /**
     * A client that left is noticed only when a write fails: this often at the latest, so that its
     * place among the streams (and its consumer and thread) is free again within seconds.
     */
    static final Duration HEARTBEAT = Duration.ofSeconds(3);
    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * Which events the client wants (null matches any) among those of the clusters it may see; in
     * which clusters it sees config values rather than keys only.
     */
    record Filter(String cluster, String connector, Predicate<String> mayView, Predicate<String> seesValues) {
        Filter(String cluster, String connector) {
            this(cluster, connector, any -> true, any -> true);
        }

        boolean matches(LifecycleEvent event) {
            return (cluster == null || cluster.equals(event.getCluster()))
                    && (connector == null || connector.equals(event.getConnector()))
                    && mayView.test(event.getCluster());
        }
    }

    private final LifecycleLog log;
    private final ObjectMapper json;
    private final StreamPosition start;
    private final Filter filter;
    private final LifecycleViews views;
    private final OutputStream out;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean stopping;
    /** For {@code ?set=}: the set's connectors only, each event followed by its progress; null otherwise. */
    private SetFeed sets;
    private volatile LifecycleLog.Reader reader;

    EventStream(LifecycleLog log, ObjectMapper json, StreamPosition start, Filter filter, LifecycleViews views, OutputStream out) {
        this.log = log;
        this.json = json;
        this.start = start;
        this.filter = filter;
        this.views = views;
        this.out = out;
    }

    /** Keeps one connector set's events, each followed by the connector's progress in the set's latest change. */
    EventStream forSet(SetFeed feed) {
        this.sets = feed;
        return this;
    }

    /** Completes when the stream has ended and its reader is closed. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Ends the stream from another thread. */
    void stop() {
        stopping = true;
        LifecycleLog.Reader current = reader;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public void run() {
        try (LifecycleLog.Reader opened = log.open(start)) {
            reader = opened;
            if (stopping) {
                return;
            }
            Map<Integer, Long> positions = new HashMap<>(opened.positions());
            write(": lifecycle events from " + StreamPosition.format(positions) + "\n\n");
            long lastWrite = System.nanoTime();
            while (!stopping) {
                for (LifecycleLog.Entry entry : opened.poll(POLL)) {
                    positions.put(entry.partition(), entry.offset() + 1);
                    LifecycleEvent event = entry.event();
                    if (event != null && filter.matches(event) && (sets == null || sets.includes(event.getConnector()))) {
                        String id = StreamPosition.format(positions);
                        write(message(event, entry, id));
                        if (sets != null) {
                            Optional<Map<String, Object>> progress = sets.progress(event.getConnector());
                            if (progress.isPresent()) {
                                write("id: " + id + "\nevent: SetProgress\ndata: " + json.writeValueAsString(progress.get()) + "\n\n");
                            }
                        }
                        lastWrite = System.nanoTime();
                    }
                }
                if (System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
                    write(": keep-alive\n\n");
                    lastWrite = System.nanoTime();
                }
            }
        } catch (IOException gone) {
            LOG.debug("Event stream client went away: {}", gone.toString());
        } catch (RuntimeException e) {
            if (!stopping) {
                LOG.warn("Event stream ended: {}", e.toString());
            }
        } finally {
            reader = null;
            try {
                out.close();
            } catch (IOException | RuntimeException ignored) {
                // already gone
            }
            done.complete(null);
        }
    }

    private String message(LifecycleEvent event, LifecycleLog.Entry entry, String id) {
        // As the core shows it: secrets hidden, and to a viewer of the event's cluster keys without values.
        Map<String, Object> data = LifecycleJson.of(views.shape(event,
                filter.seesValues().test(event.getCluster()) ? Visibility.FULL : Visibility.KEYS_ONLY));
        data.put("partition", entry.partition());
        data.put("offset", entry.offset());
        try {
            return "id: " + id + "\nevent: " + LifecycleJson.kind(event) + "\ndata: " + json.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Waits for the stream to end after {@link #stop}. */
    void awaitEnd(Duration timeout) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("Event stream did not end in {}", timeout);
        }
    }
}
