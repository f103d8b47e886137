package io.switchboard.registry;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import static io.switchboard.registry.EmbeddedSchemaRegistryTest.record;
import static io.switchboard.registry.RegistryHttp.schemaBody;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Everything the registry knows lives in its topic: a new instance on the same topic knows it too. */
class RegistryRestartTest {

    @Test
    void idsVersionsDeletesAndConfigSurviveARestart() {
        String topic = "_schemas_restart_test";
        String bootstrap = TestKafka.shared().bootstrapServers();
        Schema v1 = record("Kept");
        Schema v2 = record("Kept", "extra");
        Schema other = record("Other");
        int id1;
        int id2;
        int idOther;
        String before;
        try (EmbeddedSchemaRegistry first = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(bootstrap,
                TestKafka.shared().registrySettings(), topic, "127.0.0.1", 0, java.util.Set.of(RegistryHttp.PASSWORD))).start()) {
            RegistryHttp http = new RegistryHttp(first.url());
            id1 = http.post("/subjects/kept-value/versions", schemaBody(v1)).json().get("id").intValue();
            id2 = http.post("/subjects/kept-value/versions", schemaBody(v2)).json().get("id").intValue();
            idOther = http.post("/subjects/other-value/versions", schemaBody(other)).json().get("id").intValue();
            http.post("/subjects/gone-value/versions", schemaBody(record("Gone")));
            http.delete("/subjects/gone-value");
            http.put("/config/kept-value", "{\"compatibility\": \"FULL\"}");
            http.put("/config/other-value", "{\"compatibility\": \"NONE\"}");
            http.put("/config/other-value", "{\"compatibility\": \"FORWARD\"}");
            before = http.get("/subjects").body();
        }

        try (EmbeddedSchemaRegistry second = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(bootstrap,
                TestKafka.shared().registrySettings(), topic, "127.0.0.1", 0, java.util.Set.of(RegistryHttp.PASSWORD))).start()) {
            RegistryHttp http = new RegistryHttp(second.url());
            assertEquals(before, http.get("/subjects").body());
            assertEquals("[\"gone-value\",\"kept-value\",\"other-value\"]", http.get("/subjects?deleted=true").body());
            assertEquals("[1,2]", http.get("/subjects/kept-value/versions").body());
            assertEquals(id1, http.get("/subjects/kept-value/versions/1").json().get("id").intValue());
            assertEquals(id2, http.get("/subjects/kept-value/versions/2").json().get("id").intValue());
            assertEquals(v2, new Schema.Parser().parse(http.get("/schemas/ids/" + id2).json().get("schema").textValue()));
            assertEquals(idOther, http.post("/subjects/other-value/versions", schemaBody(other)).json().get("id").intValue(),
                    "registering again answers the id from before");
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", http.get("/config/kept-value").body());
            assertEquals("{\"compatibilityLevel\":\"FORWARD\"}", http.get("/config/other-value").body());

            int next = http.post("/subjects/new-value/versions", schemaBody(record("New"))).json().get("id").intValue();
            assertEquals(Math.max(Math.max(id1, id2), idOther) + 2, next, "ids go on after the last one (Gone took one)");
        }
    }
}
