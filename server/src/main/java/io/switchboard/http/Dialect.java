package io.switchboard.http;

import io.javalin.config.JavalinConfig;

import java.util.List;

/**
 * One API Switchboard speaks: its routes under its base paths, and the shape of its errors, which
 * every failure under those paths is answered in (also an unknown route, or what Jetty refuses).
 */
public interface Dialect {
    /**
     * The path prefixes this dialect owns, such as {@code "/connect/v1/"}. The dialect that owns
     * {@code "/"} also answers every path no other owns.
     */
    List<String> basePaths();

    ErrorFormat errors();

    void register(JavalinConfig config);
}
