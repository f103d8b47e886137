package io.switchboard.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.json.JavalinJackson;

import java.util.function.Consumer;

/**
 * The Javalin server: JSON by Jackson, bodies up to 1 MiB, trailing slashes ignored, and every
 * error answered as JSON by {@link ErrorResponses}.
 */
public final class HttpServer implements AutoCloseable {
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private final Javalin app;

    public HttpServer(String host, int port, ObjectMapper json, Consumer<JavalinConfig> routes) {
        this.app = Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.http.prefer405over404 = true;
            config.router.ignoreTrailingSlashes = true;
            config.startup.showJavalinBanner = false;
            config.jetty.host = host;
            config.jetty.port = port;
            ErrorResponses.install(config);
            routes.accept(config);
        });
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
