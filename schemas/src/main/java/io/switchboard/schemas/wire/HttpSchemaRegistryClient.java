package io.switchboard.schemas.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the Confluent Schema Registry REST API. Ids are cached per (subject, schema) and schemas
 * per id, so once a schema has been seen serialisation makes no HTTP call. Safe for concurrent use.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    /** The Authorization header every request carries (HTTP Basic), if any. */
    private final Optional<String> authorization;

    /**
     * @param timeout  the limit on connecting and on each whole request
     * @param userInfo {@code USER:PASSWORD}, sent with HTTP Basic on every request (Confluent's
     *                 {@code basic.auth.user.info}); empty: no credentials. A registry that takes
     *                 writes only with credentials (Switchboard's embedded one) needs them to register a schema.
     */
    public HttpSchemaRegistryClient(String baseUrl, Duration timeout, Optional<String> userInfo) {
        if (baseUrl == null || baseUrl.isBlank()) {
            throw new IllegalArgumentException("A Schema Registry URL is required");
        }
        this.authorization = userInfo.map(user -> "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * A client that sends no credentials, waiting {@link #DEFAULT_TIMEOUT}: it reads, and registers
     * schemas only in a registry that takes writes from anyone.
     */
    public static HttpSchemaRegistryClient anonymous(String baseUrl) {
        return new HttpSchemaRegistryClient(baseUrl, DEFAULT_TIMEOUT, Optional.empty());
    }

    /** A client that sends {@code USER:PASSWORD} on every request (HTTP Basic), waiting {@link #DEFAULT_TIMEOUT}. */
    public static HttpSchemaRegistryClient authenticated(String baseUrl, String userInfo) {
        return new HttpSchemaRegistryClient(baseUrl, DEFAULT_TIMEOUT, Optional.of(userInfo));
    }

    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send(post("/subjects/" + encode(subject) + "/versions", schemaBody(schema)));
        int id = requiredInt(answer, "id");
        idsBySubjectSchema.putIfAbsent(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send(request("/schemas/ids/" + id).GET().build());
        String schemaType = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(schemaType)) {
            throw new SchemaRegistryException(200, -1, "Schema " + id + " is of type " + schemaType + ", not AVRO");
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(requiredText(answer, "schema"));
        } catch (SchemaParseException | AvroTypeException e) {
            throw new SchemaRegistryException(200, SchemaRegistryException.INVALID_SCHEMA,
                    "The registry's schema " + id + " is not valid Avro: " + e.getMessage());
        }
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        try {
            JsonNode answer = send(post("/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema)));
            JsonNode compatible = answer.get("is_compatible");
            if (compatible == null || !compatible.isBoolean()) {
                throw new SchemaRegistryException(200, -1, "The registry answered without is_compatible: " + answer);
            }
            return compatible.booleanValue();
        } catch (SchemaRegistryException e) {
            if (e.status() == 404 && e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND) {
                return true; // nothing registered yet: anything is compatible
            }
            throw e;
        }
    }

    private HttpRequest post(String path, String body) {
        return request(path)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        return authorization.map(value -> request.header("Authorization", value)).orElse(request);
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException("Schema Registry " + baseUrl + " did not answer " + request.method() + " "
                    + request.uri().getRawPath() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("Interrupted while calling Schema Registry " + baseUrl, e);
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status / 100 != 2) {
            int errorCode = body != null && body.path("error_code").isInt() ? body.get("error_code").intValue() : status;
            String message = body != null && body.path("message").isTextual() ? body.get("message").textValue() : response.body();
            throw new SchemaRegistryException(status, errorCode, "Schema Registry answered " + status + " (error code "
                    + errorCode + ") to " + request.method() + " " + request.uri().getRawPath() + ": " + message);
        }
        if (body == null) {
            throw new SchemaRegistryException(status, -1, "Schema Registry answered " + request.method() + " "
                    + request.uri().getRawPath() + " with a body that is not JSON: " + abbreviate(response.body()));
        }
        return body;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static int requiredInt(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isInt()) {
            throw new SchemaRegistryException(200, -1, "Schema Registry answered without an integer '" + field + "': " + answer);
        }
        return value.intValue();
    }

    private static String requiredText(JsonNode answer, String field) {
        JsonNode value = answer.get(field);
        if (value == null || !value.isTextual()) {
            throw new SchemaRegistryException(200, -1, "Schema Registry answered without a string '" + field + "': " + answer);
        }
        return value.textValue();
    }

    /** A path segment: subjects may hold any character, including '/' and spaces. */
    static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
