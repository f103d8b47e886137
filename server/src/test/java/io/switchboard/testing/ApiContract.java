package io.switchboard.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Holds every answer the tests receive from a Switchboard API to the OpenAPI document that the API
 * serves, so the document cannot drift from the code: an answer whose status, headers or body the
 * document does not allow fails the test that received it. Base URLs are watched once a test
 * starts a Switchboard at them; answers from anything else (a real Kafka Connect worker) are not
 * checked.
 */
public final class ApiContract {
    /** The Kafka Connect dialect, as served at {@code /openapi.yaml}. */
    private static final OpenApiInteractionValidator KAFKA_CONNECT = validator("/openapi/kafka-connect.yaml");
    /** Confluent Cloud's connect/v1 dialect, as served at {@code /connect/v1/openapi.yaml}. */
    private static final OpenApiInteractionValidator CONFLUENT = validator("/openapi/confluent-connect-v1.yaml");
    /** Redpanda Cloud's Kafka Connect dialect, as served at {@code /v1/kafka-connect/openapi.yaml}. */
    private static final OpenApiInteractionValidator REDPANDA = validator("/openapi/redpanda-kafka-connect.yaml");
    /** The typed pipeline dialect, as served at {@code /api/v1/openapi.yaml}. */
    private static final OpenApiInteractionValidator PIPELINES = validator("/openapi/typed-pipelines.yaml");
    private static final Set<String> WATCHED = ConcurrentHashMap.newKeySet();
    private static final Pattern CLUSTER_SCOPE = Pattern.compile("/clusters/[^/]+(/.*)?");

    private ApiContract() {
    }

    /** Checks every answer from now on whose URL starts with this base URL. */
    public static void watch(String baseUrl) {
        WATCHED.add(strip(baseUrl));
    }

    /**
     * Checks one answer if its base URL is watched.
     *
     * @throws AssertionError naming the call and each way its answer breaks the document
     */
    public static void check(String baseUrl, String method, String pathAndQuery, int status,
                             Map<String, List<String>> headers, String body) {
        try {
            checkOrThrow(baseUrl, method, pathAndQuery, status, headers, body);
        } catch (IOException e) {
            throw new AssertionError("The answer to " + method + " " + pathAndQuery + " says it is an error but is not JSON: " + body, e);
        }
    }

    private static void checkOrThrow(String baseUrl, String method, String pathAndQuery, int status,
                                     Map<String, List<String>> headers, String body) throws IOException {
        if (!WATCHED.contains(strip(baseUrl))) {
            return;
        }
        URI uri = URI.create("http://host" + pathAndQuery);
        SimpleResponse.Builder response = SimpleResponse.Builder.status(status);
        headers.forEach((name, values) -> response.withHeader(name, values));
        if (body != null && !body.isEmpty()) {
            response.withBody(body);
        }
        String path = uri.getRawPath();
        // The Kafka Connect API of one named cluster is the same API under /clusters/{cluster}.
        Matcher scoped = CLUSTER_SCOPE.matcher(path);
        if (scoped.matches()) {
            path = scoped.group(1) == null ? "/" : scoped.group(1);
        }
        OpenApiInteractionValidator document = path.startsWith("/connect/v1/") ? CONFLUENT
                : path.startsWith("/v1/kafka-connect/") ? REDPANDA : path.startsWith("/api/v1/") ? PIPELINES : KAFKA_CONNECT;
        ValidationReport report = document.validateResponse(path,
                Request.Method.valueOf(method.toUpperCase(Locale.ROOT)), response.build());
        if (document == CONFLUENT && headers.keySet().stream().noneMatch("X-Request-Id"::equalsIgnoreCase)) {
            throw new AssertionError("The answer to " + method + " " + pathAndQuery + " has no X-Request-Id: " + status + " " + body);
        }
        if (status >= 400 && document == REDPANDA) {
            String code = Http.JSON.readTree(body).path("code").asText();
            if (!RedpandaCodes.statusOf(code).contains(status)) {
                throw new AssertionError("The answer to " + method + " " + pathAndQuery + " is a " + status
                        + " whose code " + code + " gRPC-gateway answers with another status: " + body);
            }
        }
        if (status >= 400 && document == CONFLUENT) {
            int code = Http.JSON.readTree(body).path("error").path("code").asInt(-1);
            if (code != status) {
                throw new AssertionError("The answer to " + method + " " + pathAndQuery + " is a " + status
                        + " whose error.code says " + code + ": " + body);
            }
        }
        if (status >= 400 && body != null && body.startsWith("{\"error_code\"")) {
            int code = Http.JSON.readTree(body).path("error_code").asInt(-1);
            if (code != status) {
                throw new AssertionError("The answer to " + method + " " + pathAndQuery + " is a " + status
                        + " whose error_code says " + code + ": " + body);
            }
        }
        if (report.hasErrors()) {
            StringBuilder message = new StringBuilder("The answer to ").append(method).append(' ').append(pathAndQuery)
                    .append(" breaks the API's OpenAPI document: ").append(status).append(' ').append(body);
            report.getMessages().forEach(m -> message.append("\n  - ").append(m.getKey()).append(": ").append(m.getMessage()));
            throw new AssertionError(message.toString());
        }
    }

    private static String strip(String baseUrl) {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    private static OpenApiInteractionValidator validator(String resource) {
        String document;
        try (InputStream in = ApiContract.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no OpenAPI document at " + resource);
            }
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return OpenApiInteractionValidator.createForInlineApiSpecification(document)
                .withLevelResolver(LevelResolver.create()
                        // A route the document does not have (the tests probe unknown paths on
                        // purpose) is checked by its own tests, not here.
                        .withLevel("validation.request.path.missing", ValidationReport.Level.IGNORE)
                        .withLevel("validation.response.path.missing", ValidationReport.Level.IGNORE)
                        .withLevel("validation.request.operation.notAllowed", ValidationReport.Level.IGNORE)
                        .withLevel("validation.response.operation.notAllowed", ValidationReport.Level.IGNORE)
                        .build())
                .build();
    }
}
