package io.switchboard.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.secrets.Redactor;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A write's validation judges the plugin versions its config requires against the worker's plugins
 * before the worker validates it: a version the worker lacks is refused, naming the ones it has, and
 * the config is not sent; the plugins are asked only when a version is required.
 */
class PluginVersionsValidationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

    /** A worker listing FileStreamSource in 4.3.1, and what it was asked. */
    private static final class ListingWorker implements WorkerClient {
        final List<String> asked = new ArrayList<>();

        @Override
        public String url() {
            return "http://worker.test:8083";
        }

        @Override
        public JsonNode root() {
            return JSON.createObjectNode();
        }

        @Override
        public JsonNode plugins() {
            return JSON.createArrayNode();
        }

        @Override
        public String offsets(String name) {
            return "{\"offsets\":[]}";
        }

        @Override
        public List<String> activeTopics(String name) {
            return List.of();
        }

        @Override
        public JsonNode validate(String connectorClass, Map<String, String> config) {
            asked.add("validate");
            return JSON.createObjectNode().put("name", connectorClass).put("error_count", 0).set("configs", JSON.createArrayNode());
        }

        @Override
        public Answer exchange(String method, String pathAndQuery, byte[] jsonBody) {
            asked.add(method + " " + pathAndQuery);
            if (pathAndQuery.equals("/connector-plugins?connectorsOnly=false")) {
                return new Answer(200, ("[{\"class\":\"" + SOURCE + "\",\"type\":\"source\",\"version\":\"4.3.1\"},"
                        + "{\"class\":\"org.apache.kafka.connect.json.JsonConverter\",\"type\":\"converter\",\"version\":\"4.3.1\"}]")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return new Answer(404, new byte[0]);
        }
    }

    private final ListingWorker worker = new ListingWorker();
    private final ConnectorConfigValidator validator = new ConnectorConfigValidator(ConnectorPlugins.fromClasspath(),
            cluster -> worker, Redactor.DEFAULT);

    @Test
    void aVersionTheWorkerLacksIsRefusedNamingItsOwnAndNothingIsSent() {
        ServiceException.InvalidConfig refused = assertThrows(ServiceException.InvalidConfig.class, () -> validator.validate("default",
                Map.of("connector.class", "FileStreamSource", "connector.plugin.version", "9.9.9", "topic", "t")));
        assertEquals(List.of(new ServiceException.Violation("connector.plugin.version", "Invalid value 9.9.9 for configuration "
                + "connector.plugin.version: no such version is installed; the cluster's workers have " + SOURCE + " in version 4.3.1")),
                refused.violations());
        assertEquals(List.of("GET /connector-plugins?connectorsOnly=false"), worker.asked, "the config itself is not sent");
    }

    @Test
    void aVersionTheWorkerHasGoesOnToItsValidation() {
        validator.validate("default", Map.of("connector.class", SOURCE, "connector.plugin.version", "[4.0,5.0)",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter", "value.converter.plugin.version", "4.3.1"));
        assertEquals(List.of("GET /connector-plugins?connectorsOnly=false", "validate"), worker.asked);
    }

    @Test
    void aConfigRequiringNoVersionCostsNoRequestMore() {
        validator.validate("default", Map.of("connector.class", SOURCE, "topic", "t"));
        validator.validate("default", Map.of("connector.class", SOURCE, "connector.plugin.version", "latest"));
        assertEquals(List.of("validate", "validate"), worker.asked);
    }
}
