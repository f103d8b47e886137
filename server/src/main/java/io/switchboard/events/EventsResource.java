package io.switchboard.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.auth.Access;
import io.switchboard.core.ConnectorSets;
import io.switchboard.core.LifecycleViews;
import io.switchboard.core.ServiceException;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.ProblemException;
import io.switchboard.http.RequestContexts;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.secrets.Redactor;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Predicate;

/**
 * {@code GET /events}: the lifecycle topic as Server-Sent Events. Each event is one message whose
 * {@code id} is the stream position just after it, {@code event} its kind and {@code data} its JSON
 * (secrets masked). {@code ?connector=NAME} (and {@code ?cluster=NAME}) keep one connector's events;
 * the {@code Last-Event-ID} header, or else {@code ?from=}, resumes after a given event
 * ({@code from=earliest} replays every retained event; without either the stream starts at the end).
 */
public final class EventsResource implements AutoCloseable {
    /**
     * More clients than this at once are refused, 503 with Retry-After: each holds a Kafka consumer
     * (and its fetch buffer) and a thread.
     */
    public static final int MAX_STREAMS = 32;
    /**
     * Streams one principal may hold at once on a replica, so that one viewer cannot take them all
     * and stop everyone else's live view; without credentials configured there is no principal to
     * count, and only {@link #MAX_STREAMS} applies. A quarter of them: a stream whose client left is
     * noticed only at its next heartbeat, a few seconds on, so a client that reconnects or resumes
     * (as a browser's EventSource does) briefly counts twice, and a tighter cap refused such clients
     * their own streams; three principals still leave room for everyone else.
     */
    public static final int MAX_STREAMS_PER_PRINCIPAL = 8;
    /** Seconds a refused client is told to wait: streams are long-lived, so not just one. */
    static final int RETRY_AFTER_SECONDS = 10;

    private final String bootstrapServers;
    private Map<String, String> kafkaSettings = Map.of();
    private final String topic;
    private final Deserializer<LifecycleEvent> events;
    private final ObjectMapper json;
    private final int maxStreams;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    /** Streams admitted, counted before they are added to {@link #streams}, so that the bound holds under races. */
    private final Semaphore slots;
    private int maxPerPrincipal = MAX_STREAMS_PER_PRINCIPAL;
    /** Open streams by principal: bounded by {@link #maxStreams} entries, removed at zero. */
    private final Map<String, Integer> perPrincipal = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** For {@code ?set=}: the connector sets; null, and the parameter is refused. */
    private ConnectorSets sets;
    private LifecycleViews views = new LifecycleViews(Redactor.DEFAULT);

    public EventsResource(String bootstrapServers, String topic, Deserializer<LifecycleEvent> events, ObjectMapper json) {
        this(bootstrapServers, topic, events, json, MAX_STREAMS);
    }

    /** @param maxStreams how many clients may stream at once */
    public EventsResource(String bootstrapServers, String topic, Deserializer<LifecycleEvent> events, ObjectMapper json,
                          int maxStreams) {
        this.maxStreams = maxStreams;
        this.slots = new Semaphore(maxStreams);
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.events = events;
        this.json = json;
    }

    /** How events are shown: with the operator's key rule (the built-in rule unless given). */
    public EventsResource withViews(LifecycleViews views) {
        this.views = views;
        return this;
    }

    /** Settings every Kafka client gets (security, for one), under the stream's own. */
    public EventsResource withKafkaSettings(Map<String, String> settings) {
        this.kafkaSettings = Map.copyOf(settings);
        return this;
    }

    /** Serves {@code ?set=NAME}: a connector set's events and its latest change's progress (docs/apply.md). */
    public EventsResource withSets(ConnectorSets sets) {
        this.sets = sets;
        return this;
    }

    /** @param max how many streams one principal may hold at once on this replica */
    public EventsResource withMaxStreamsPerPrincipal(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("At least one event stream per principal, not " + max);
        }
        this.maxPerPrincipal = max;
        return this;
    }

    public void register(JavalinConfig config) {
        // Narrowed by ?cluster= to one cluster, whose grant is then needed; else any grant, the
        // stream holding only events of the clusters the grants cover.
        config.routes.get("/events", this::stream, Access.view(ctx -> {
            String cluster = nonEmptyParam(ctx, "cluster");
            return cluster == null ? Access.Target.ANY_GRANTED : Access.Target.cluster(cluster);
        }));
    }

    private void stream(Context ctx) {
        String resume = ctx.header("Last-Event-ID");
        if (resume == null || resume.isBlank()) {
            resume = ctx.queryParam("from");
        }
        StreamPosition start = resume == null ? StreamPosition.LATEST : StreamPosition.parse(resume);
        // Decided now, from what the access check found: the stream outlives the request's handling.
        Predicate<String> mayView = RequestContexts.mayView(ctx);
        Predicate<String> seesValues = RequestContexts.seesValues(ctx);
        EventStream.Filter filter = new EventStream.Filter(nonEmptyParam(ctx, "cluster"), nonEmptyParam(ctx, "connector"),
                mayView, seesValues);
        String set = nonEmptyParam(ctx, "set");
        SetFeed feed = null;
        if (set != null) {
            if (sets == null || filter.cluster() == null) {
                throw new ServiceException.InvalidRequest("set", sets == null ? "This server has no connector sets"
                        : "A set's events are asked with its cluster: ?cluster=NAME&set=NAME");
            }
            ConnectorSets.requireSetName(set);
            feed = new SetFeed(sets, filter.cluster(), set);
        }
        if (closed) {
            throw new ServiceException.Unavailable("The server is stopping");
        }
        String principal = ctx.attribute(RequestContexts.PRINCIPAL_ATTRIBUTE);
        if (principal != null && !admit(principal)) {
            ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
            throw new ProblemException(429, principal + " has " + maxPerPrincipal + " event streams open on this replica, "
                    + "as many as one principal may; close one first.");
        }
        if (!slots.tryAcquire()) {
            leave(principal);
            throw new ServiceException.Unavailable(maxStreams + " event streams are open on this replica, as many as it "
                    + "serves at once; retry later or on another replica.", RETRY_AFTER_SECONDS);
        }
        try {
            open(ctx, start, filter, principal, feed);
        } catch (RuntimeException e) {
            slots.release();
            leave(principal);
            throw e;
        }
    }

    private boolean admit(String principal) {
        boolean[] admitted = new boolean[1];
        perPrincipal.compute(principal, (p, n) -> {
            int open = n == null ? 0 : n;
            admitted[0] = open < maxPerPrincipal;
            return admitted[0] ? open + 1 : n;
        });
        return admitted[0];
    }

    private void leave(String principal) {
        if (principal != null) {
            perPrincipal.computeIfPresent(principal, (p, n) -> n <= 1 ? null : n - 1);
        }
    }

    private void open(Context ctx, StreamPosition start, EventStream.Filter filter, String principal, SetFeed feed) {
        ctx.status(200);
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setContentType("text/event-stream");
        ctx.res().setHeader("Cache-Control", "no-store");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        EventStream stream;
        try {
            stream = new EventStream(bootstrapServers, kafkaSettings, topic, events, json, start, filter, views, ctx.res().getOutputStream())
                    .forSet(feed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        streams.add(stream);
        // A stream mostly ends because its client left: nothing is written after that.
        AsyncAnswers.answerOnceStarted(ctx, () -> {
            Thread thread = new Thread(stream, "switchboard-events-" + System.identityHashCode(stream));
            thread.setDaemon(true);
            thread.start();
            return stream.done().whenComplete((ignored, error) -> {
                streams.remove(stream);
                slots.release();
                leave(principal);
            });
        }, ignored -> { });
    }

    /** How many clients are streaming now. */
    public int openStreams() {
        return streams.size();
    }

    private static String nonEmptyParam(Context ctx, String name) {
        List<String> values = ctx.queryParams(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1 || values.get(0).isBlank()) {
            throw new ServiceException.InvalidRequest(name, "Query parameter " + name + " must be given once, not empty");
        }
        return values.get(0);
    }

    @Override
    public void close() {
        closed = true;
        List<EventStream> open = List.copyOf(streams);
        open.forEach(EventStream::stop);
        open.forEach(stream -> stream.awaitEnd(Duration.ofSeconds(5)));
    }
}
