package io.switchboard.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.Roles;
import io.switchboard.access.Access;
import io.switchboard.core.ReadConsistency;
import jakarta.servlet.DispatcherType;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Javalin server: the routes of every {@link Dialect}, JSON by Jackson, bodies up to 1 MiB,
 * trailing slashes ignored, and every error answered as JSON in the shape of the dialect that owns
 * the path: by {@link ErrorResponses} for what the routes refuse, by {@link JsonErrorHandler} for
 * what Jetty refuses before any route sees it.
 */
public final class HttpServer implements AutoCloseable {
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private final Javalin app;
    private final List<Route> routes;

    /** A route as registered: its method, its path template, and the access it declared. */
    public record Route(String method, String path, Access access) {
    }

    /**
     * @param routes what is served besides the dialects' own routes (health, internal endpoints),
     *               answered in the root dialect's error shape
     */
    public HttpServer(String host, int port, ObjectMapper json, Dialects dialects, Consumer<JavalinConfig> routes) {
        this(host, port, json, dialects, null, routes);
    }

    /** @param tls HTTPS from this keystore, and no plain HTTP; null: HTTP */
    public HttpServer(String host, int port, ObjectMapper json, Dialects dialects, Tls tls, Consumer<JavalinConfig> routes) {
        this.app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            config.router.ignoreTrailingSlashes = true;
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            // Connections that keep the start of each request line: see RequestLines.
            config.jetty.addConnector((server, http) -> {
                // A line ends with CRLF only: a bare LF (which RFC 9112 lets a server accept) is a 400,
                // so that no proxy in front, splitting lines differently, reads another request.
                http.setHttpCompliance(http.getHttpCompliance().without("CRLF_ONLY",
                        org.eclipse.jetty.http.HttpCompliance.Violation.LF_HEADER_TERMINATION));
                // On every answer, Jetty's own refusals too: no content sniffing by browsers.
                http.addCustomizer((request, responseHeaders) -> {
                    responseHeaders.put("X-Content-Type-Options", "nosniff");
                    return request;
                });
                return tls == null ? RequestLines.plainConnector(server, http, host, port) : tls.connector(server, http, host, port);
            });
            // What Jetty answers itself (bad request lines, headers too large, paths it refuses) is
            // JSON in the shape of the dialect that owns the path too.
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(dialects)));
            config.jetty.modifyServletContextHandler(context -> {
                context.setErrorHandler(new JsonErrorHandler(dialects));
                context.addFilter(MethodOverrides.class, "/*", EnumSet.of(DispatcherType.REQUEST));
            });
            ErrorResponses.install(config, dialects);
            config.routes.before(RequestContexts::requestId);
            config.routes.before(MethodOverrides::refuse);
            // A query string that cannot be decoded would otherwise read as if the parameter were absent.
            config.routes.before(ctx -> requireWellFormedQuery(ctx.queryString()));
            // Every request's consistency is parsed before any route runs, so that a bad one is a 400 on
            // every route; the request's scopes carry it to the store (RequestContexts.scope).
            config.routes.before(ctx -> RequestContexts.keepConsistency(ctx,
                    readConsistency(ctx.method().name(), ctx.queryParam(ReadConsistency.PARAMETER))));
            routes.accept(config);
            dialects.all().forEach(dialect -> dialect.register(config));
        });
        this.routes = declaredRoutes(app);
    }

    /**
     * Every HTTP route with the access it declared where it was registered; a route that declared
     * none, or more than one, stops the server from being built.
     */
    private static List<Route> declaredRoutes(Javalin app) {
        List<Route> routes = new ArrayList<>();
        for (ParsedEndpoint parsed : app.unsafe.internalRouter.allHttpHandlers()) {
            Endpoint endpoint = parsed.endpoint;
            if (!endpoint.method.isHttpMethod()) {
                continue;
            }
            Roles roles = endpoint.metadata(Roles.class);
            String route = endpoint.method.name() + " " + endpoint.path;
            routes.add(new Route(endpoint.method.name(), endpoint.path,
                    Access.declaredBy(roles == null ? Set.of() : roles.getRoles(), route)));
        }
        return List.copyOf(routes);
    }

    /** Every route this server answers, with its declared access: the route table. */
    public List<Route> routes() {
        return routes;
    }

    /** Every '%' in the query string starts a percent-encoded byte; otherwise a 400. */
    static void requireWellFormedQuery(String query) {
        if (query == null) {
            return;
        }
        for (int i = query.indexOf('%'); i >= 0; i = query.indexOf('%', i + 1)) {
            if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                    || Character.digit(query.charAt(i + 2), 16) < 0) {
                throw new BadRequestResponse("The query string is not valid: a % must start a percent-encoded byte such as %2C");
            }
        }
    }

    /**
     * What a request's {@code consistency} parameter asks for (docs/reads.md); a 400 for a value
     * that names none, or for {@code local} on a request that is not a read (a write's checks read
     * the current state, whatever it asks).
     */
    static ReadConsistency readConsistency(String method, String value) {
        ReadConsistency consistency = ReadConsistency.named(value).orElseThrow(() -> new BadRequestResponse(
                "The query parameter consistency must be linearizable (the default) or local"));
        if (consistency == ReadConsistency.LOCAL && !method.equals("GET") && !method.equals("HEAD")) {
            throw new BadRequestResponse("consistency=local applies to reads (GET) only");
        }
        return consistency;
    }

    public HttpServer start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
