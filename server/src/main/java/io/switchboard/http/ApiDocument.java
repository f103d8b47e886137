package io.switchboard.http;

import io.javalin.config.JavalinConfig;
import io.switchboard.access.Access;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** An API's OpenAPI document, served as it is shipped in the jar. */
public final class ApiDocument {
    private final String route;
    private final byte[] yaml;

    private ApiDocument(String route, byte[] yaml) {
        this.route = route;
        this.yaml = yaml;
    }

    /** The document at {@code resource} on the class path, to be served at {@code route}. */
    public static ApiDocument fromClasspath(String route, String resource) {
        try (InputStream in = ApiDocument.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The jar has no API document at " + resource);
            }
            return new ApiDocument(route, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(JavalinConfig config) {
        config.routes.get(route, ctx -> ctx.contentType("application/yaml").result(yaml), Access.open());
    }
}
