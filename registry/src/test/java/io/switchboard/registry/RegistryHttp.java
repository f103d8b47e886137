package io.switchboard.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to a registry, for asserting on exact statuses and bodies. */
final class RegistryHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The writer's password the tests' registries take ({@link EmbeddedSchemaRegistry.Settings#writers}). */
    static final String PASSWORD = "test-writer-password";
    static final String USER_INFO = EmbeddedSchemaRegistry.WRITER + ":" + PASSWORD;

    private final String baseUrl;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    /** Calls with the writer's credentials. */
    RegistryHttp(String baseUrl) {
        this(baseUrl, USER_INFO);
    }

    /** @param userInfo {@code USER:PASSWORD} sent with HTTP Basic; null: none */
    RegistryHttp(String baseUrl, String userInfo) {
        this.baseUrl = baseUrl;
        this.authorization = userInfo == null ? null
                : "Basic " + java.util.Base64.getEncoder().encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A registry's client with the writer's credentials. */
    static io.switchboard.schemas.wire.HttpSchemaRegistryClient client(String baseUrl) {
        return io.switchboard.schemas.wire.HttpSchemaRegistryClient.authenticated(baseUrl, USER_INFO);
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + body, e);
            }
        }

        int errorCode() {
            return json().path("error_code").asInt(-1);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    static String schemaBody(Schema schema) {
        return schemaBody(schema.toString());
    }

    static String schemaBody(String schemaText) {
        ObjectNode body = JSON.createObjectNode().put("schema", schemaText);
        return body.toString();
    }

    Response get(String path) {
        return send(request(path).GET());
    }

    Response post(String path, String body) {
        return post(path, body, "application/vnd.schemaregistry.v1+json");
    }

    Response post(String path, String body, String contentType) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response put(String path, String body) {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Response delete(String path) {
        return send(request(path).DELETE());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT);
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
