package io.switchboard.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.core.ConnectorSets;
import io.switchboard.core.LifecycleViews;
import io.switchboard.core.ServiceException;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.ProblemException;
import io.switchboard.http.RequestContexts;
import io.switchboard.secrets.Redactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
     * More clients than this at once are refused, 503 with Retry-After: each holds a reader of the
     * lifecycle topic (in Kafka, a consumer and its fetch buffer) and a thread.
     */
    public static final int MAX_STREAMS = 32;
    /**
     * Streams one principal may hold at once on a replica, an eighth of them, so that one viewer
     * cannot take them all and stop everyone else's live view; without credentials configured there
     * is no principal to count, and only {@link #MAX_STREAMS} applies. A stream whose client left is
     * noticed only at its next heartbeat, a few seconds on, so a client that reconnects (as a
     * browser's EventSource does) briefly counts twice: four leave room for that. Besides, the last
     * quarter of the streams is kept for principals holding none, and OIDC users share half of them
     * ({@link StreamShares}).
     */
    public static final int MAX_STREAMS_PER_PRINCIPAL = MAX_STREAMS / 8;
    /** Seconds a refused client is told to wait: streams are long-lived, so not just one. */
    static final int RETRY_AFTER_SECONDS = 10;

    private final LifecycleLog log;
    private final ObjectMapper json;
    private final int maxStreams;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    /** Streams admitted, counted before they are added to {@link #streams}, so that the bound holds under races. */
    private volatile StreamShares shares;
    private volatile boolean closed;
    /** For {@code ?set=}: the connector sets; null, and the parameter is refused. */
    private ConnectorSets sets;
    private LifecycleViews views = new LifecycleViews(Redactor.DEFAULT);

    /** @param log the lifecycle topic, each stream reading it on its own */
    public EventsResource(LifecycleLog log, ObjectMapper json) {
        this(log, json, MAX_STREAMS);
    }

    /** @param maxStreams how many clients may stream at once */
    public EventsResource(LifecycleLog log, ObjectMapper json, int maxStreams) {
        this.maxStreams = maxStreams;
        this.shares = new StreamShares(maxStreams, StreamShares.perPrincipalOf(maxStreams));
        this.log = log;
        this.json = json;
    }

    /** How events are shown: with the operator's key rule (the built-in rule unless given). */
    public EventsResource withViews(LifecycleViews views) {
        this.views = views;
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
        this.shares = new StreamShares(maxStreams, max);
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
        boolean shared = Boolean.TRUE.equals(ctx.attribute(RequestContexts.IDENTITY_PROVIDER_ATTRIBUTE));
        StreamShares admitting = shares;
        StreamShares.Refusal refusal = admitting.admit(principal, shared);
        if (refusal != null) {
            throw refused(ctx, refusal, principal, admitting);
        }
        Runnable leave = () -> admitting.leave(principal, shared);
        try {
            open(ctx, start, filter, leave, feed);
        } catch (RuntimeException e) {
            leave.run();
            throw e;
        }
    }

    private static RuntimeException refused(Context ctx, StreamShares.Refusal refusal, String principal, StreamShares shares) {
        ctx.header("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
        return switch (refusal) {
            case FULL -> new ServiceException.Unavailable(shares.max() + " event streams are open on this replica, as many as it "
                    + "serves at once; retry later or on another replica.", RETRY_AFTER_SECONDS);
            case PRINCIPAL -> new ProblemException(429, principal + " has " + shares.perPrincipal() + " event streams open on "
                    + "this replica, as many as one principal may; close one first.");
            case KEPT_FOR_OTHERS -> new ProblemException(429, principal + " has an event stream open on this replica, whose "
                    + "last places are kept for principals that have none; close one first or retry later.");
            case SHARED_POOL -> new ServiceException.Unavailable(shares.sharedPool() + " event streams of OIDC users are open on "
                    + "this replica, as many as they share; retry later or on another replica.", RETRY_AFTER_SECONDS);
        };
    }

    private void open(Context ctx, StreamPosition start, EventStream.Filter filter, Runnable leave, SetFeed feed) {
        ctx.status(200);
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setContentType("text/event-stream");
        ctx.res().setHeader("Cache-Control", "no-store");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        EventStream stream;
        try {
            stream = new EventStream(log, json, start, filter, views, ctx.res().getOutputStream()).forSet(feed);
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
                leave.run();
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
