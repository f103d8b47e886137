package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class ValidationAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String entry(String name, String type, String value) {
        return "{\"definition\":{\"name\":\"" + name + "\",\"type\":\"" + type + "\"},"
                + "\"value\":{\"name\":\"" + name + "\",\"value\":" + (value == null ? "null" : "\"" + value + "\"")
                + ",\"recommended_values\":[],\"errors\":[],\"visible\":true}}";
    }

    @Test
    void valuesResolvedFromReferencesAndSecretKeysAreNotEchoed() throws Exception {
        JsonNode answer = JSON.readTree("{\"name\":\"x\",\"error_count\":0,\"groups\":[],\"configs\":["
                + entry("file", "STRING", "/tmp/hunter2") + ","
                + entry("db.password", "STRING", "opened") + ","
                + entry("topic", "STRING", "orders") + ","
                + entry("tasks.max", "INT", "1") + ","
                + entry("batch.size", "INT", null) + "]}");
        Map<String, String> given = Map.of("file", "/tmp/${secretsManager:DB_PW}", "db.password", "opened", "topic", "orders");

        JsonNode shown = ValidationAnswers.asGiven(answer, given, Redactor.DEFAULT);

        assertFalse(shown.toString().contains("hunter2"), shown.toString());
        assertEquals("/tmp/${secretsManager:DB_PW}", shown.at("/configs/0/value/value").asText());
        assertEquals(Redactor.MASK, shown.at("/configs/1/value/value").asText());
        assertEquals("orders", shown.at("/configs/2/value/value").asText());
        assertEquals("1", shown.at("/configs/3/value/value").asText());
        assertEquals(true, shown.at("/configs/4/value/value").isNull());
    }

    @Test
    void anErrorQuotingAResolvedValueQuotesTheReferenceInstead() throws Exception {
        JsonNode answer = JSON.readTree("{\"configs\":[{\"definition\":{\"name\":\"file\",\"type\":\"STRING\"},"
                + "\"value\":{\"name\":\"file\",\"value\":\"/tmp/hunter2\",\"errors\":[\"Cannot read /tmp/hunter2\"]}}]}");

        JsonNode shown = ValidationAnswers.asGiven(answer, Map.of("file", "/tmp/${secretsManager:DB_PW}"), Redactor.DEFAULT);

        assertFalse(shown.toString().contains("hunter2"), shown.toString());
        assertEquals("Cannot read /tmp/${secretsManager:DB_PW}", shown.at("/configs/0/value/errors/0").asText());
    }

    /** A value that does not parse as its type: the worker shows none, and its error quotes what the reference resolved to. */
    @Test
    void anErrorOnAReferenceTheWorkerShowsNoValueForQuotesNoResolvedValue() throws Exception {
        JsonNode answer = JSON.readTree("{\"configs\":[{\"definition\":{\"name\":\"batch.size\",\"type\":\"INT\"},"
                + "\"value\":{\"name\":\"batch.size\",\"value\":null,\"errors\":[\"Invalid value hunter2 for configuration"
                + " batch.size: Not a number of type INT\"]}}]}");

        JsonNode shown = ValidationAnswers.asGiven(answer, Map.of("batch.size", "${secretsManager:DB_PW}"), Redactor.DEFAULT);

        assertFalse(shown.toString().contains("hunter2"), shown.toString());
        assertEquals(1, shown.at("/configs/0/value/errors").size(), "the error is still there");
    }
}
