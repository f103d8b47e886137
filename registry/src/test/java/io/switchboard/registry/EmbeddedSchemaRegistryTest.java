package io.switchboard.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.switchboard.registry.RegistryHttp.schemaBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST API over real HTTP, with the registry's log in a real Kafka topic. */
class EmbeddedSchemaRegistryTest {
    private static final String TOPIC = "_schemas_api_test";
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static EmbeddedSchemaRegistry registry;
    private static RegistryHttp http;

    @BeforeAll
    static void start() {
        registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(TestKafka.shared().bootstrapServers(),
                TestKafka.shared().registrySettings(), TOPIC, "127.0.0.1", 0, java.util.Set.of(RegistryHttp.PASSWORD))).start();
        http = new RegistryHttp(registry.url());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    /** Each test works in subjects of its own, as the registry is shared by the class. */
    private static String subject(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "-value";
    }

    static Schema record(String name, String... optionalFields) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(name).namespace("test").fields().requiredString("key");
        for (String field : optionalFields) {
            fields = fields.optionalString(field);
        }
        return fields.endRecord();
    }

    private static int register(String subject, Schema schema) {
        RegistryHttp.Response response = http.post("/subjects/" + subject + "/versions", schemaBody(schema));
        assertEquals(200, response.status(), response.toString());
        return response.json().get("id").intValue();
    }

    /** Loopback is no trust boundary: every change needs the writer's credentials; reads need none. */
    @Test
    void writesNeedTheWritersCredentialsAndReadsDoNot() {
        String subject = subject("guarded");
        int id = register(subject, record("Guarded"));
        for (String userInfo : new String[] {null, EmbeddedSchemaRegistry.WRITER + ":wrong", "someone:" + RegistryHttp.PASSWORD}) {
            RegistryHttp stranger = new RegistryHttp(registry.url(), userInfo);
            for (RegistryHttp.Response refused : List.of(
                    stranger.post("/subjects/" + subject + "/versions", schemaBody(record("Guarded", "extra"))),
                    stranger.delete("/subjects/" + subject + "?permanent=true"),
                    stranger.delete("/subjects/" + subject),
                    stranger.put("/config", "{\"compatibility\": \"NONE\"}"),
                    stranger.put("/config/" + subject, "{\"compatibility\": \"NONE\"}"))) {
                assertEquals(401, refused.status(), userInfo + ": " + refused);
                assertEquals(40101, refused.errorCode(), refused.toString());
            }
            assertEquals(200, stranger.get("/subjects/" + subject + "/versions/1").status());
            assertEquals(200, stranger.get("/schemas/ids/" + id).status());
        }
        assertEquals("[1]", http.get("/subjects/" + subject + "/versions").body(), "nothing changed");
        assertEquals("BACKWARD", http.get("/config").json().get("compatibilityLevel").asText());
    }

    @Test
    void createsACompactedSinglePartitionTopic() throws Exception {
        try (Admin admin = Admin.create(TestKafka.shared().client())) {
            TopicDescription topic = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(60, TimeUnit.SECONDS).get(TOPIC);
            assertEquals(1, topic.partitions().size());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            Config config = admin.describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS).get(resource);
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        }
    }

    @Test
    void registersAndReadsBackVersions() {
        String subject = subject("orders");
        Schema v1 = record("Order");
        Schema v2 = record("Order", "note");
        int id1 = register(subject, v1);
        int id2 = register(subject, v2);
        assertTrue(id2 > id1);

        RegistryHttp.Response versions = http.get("/subjects/" + subject + "/versions");
        assertEquals(200, versions.status());
        assertTrue(versions.contentType().startsWith(CONTENT_TYPE), versions.contentType());
        assertEquals("[1,2]", versions.body());

        RegistryHttp.Response latest = http.get("/subjects/" + subject + "/versions/latest");
        assertEquals(200, latest.status());
        assertEquals("{\"subject\":\"" + subject + "\",\"version\":2,\"id\":" + id2 + ",\"schema\":"
                + RegistryHttp.JSON.getNodeFactory().textNode(v2.toString()) + "}", latest.body());
        assertFalse(latest.json().has("schemaType"), "AVRO is the default and is not named");

        JsonNode first = http.get("/subjects/" + subject + "/versions/1").json();
        assertEquals(id1, first.get("id").intValue());
        assertEquals(v1, new Schema.Parser().parse(first.get("schema").textValue()));
        assertEquals(v1, new Schema.Parser().parse(http.get("/subjects/" + subject + "/versions/1/schema").body()));

        assertTrue(http.get("/subjects").json().toString().contains("\"" + subject + "\""));
    }

    @Test
    void theSameSchemaGetsTheSameIdWhateverItsWhitespace() {
        String subject = subject("same");
        Schema schema = record("Same");
        int id = register(subject, schema);
        String spaced = "{ \"type\" : \"record\",\n  \"name\" : \"Same\", \"namespace\": \"test\",\n"
                + "  \"fields\" : [ { \"name\" : \"key\", \"type\" : \"string\" } ] }";
        RegistryHttp.Response again = http.post("/subjects/" + subject + "/versions", schemaBody(spaced));
        assertEquals("{\"id\":" + id + "}", again.body());
        assertEquals("[1]", http.get("/subjects/" + subject + "/versions").body(), "no new version");

        String other = subject("other");
        assertEquals(id, register(other, schema), "another subject reuses the global id");
        assertEquals(1, http.get("/subjects/" + other + "/versions/latest").json().get("version").intValue());

        JsonNode uses = http.get("/schemas/ids/" + id + "/versions").json();
        assertEquals(2, uses.size(), uses.toString());
        assertTrue(uses.toString().contains("{\"subject\":\"" + other + "\",\"version\":1}"), uses.toString());
    }

    @Test
    void findsSchemasById() {
        Schema schema = record("ById");
        int id = register(subject("byid"), schema);
        RegistryHttp.Response found = http.get("/schemas/ids/" + id);
        assertEquals(200, found.status());
        assertEquals(schema, new Schema.Parser().parse(found.json().get("schema").textValue()));
        assertEquals(1, found.json().size(), "only the schema, no schemaType for AVRO");

        RegistryHttp.Response missing = http.get("/schemas/ids/99999");
        assertEquals(404, missing.status());
        assertEquals("{\"error_code\":40403,\"message\":\"Schema 99999 not found\"}", missing.body());
        assertEquals(40403, http.get("/schemas/ids/99999/versions").errorCode());
    }

    @Test
    void looksUpASchemaUnderASubject() {
        String subject = subject("lookup");
        Schema schema = record("Lookup");
        int id = register(subject, schema);

        RegistryHttp.Response found = http.post("/subjects/" + subject, schemaBody(schema));
        assertEquals(200, found.status(), found.toString());
        assertEquals(subject, found.json().get("subject").textValue());
        assertEquals(id, found.json().get("id").intValue());
        assertEquals(1, found.json().get("version").intValue());
        assertEquals(schema.toString(), found.json().get("schema").textValue());

        RegistryHttp.Response notThere = http.post("/subjects/" + subject, schemaBody(record("Lookup", "extra")));
        assertEquals(404, notThere.status());
        assertEquals("{\"error_code\":40403,\"message\":\"Schema not found\"}", notThere.body());

        RegistryHttp.Response noSubject = http.post("/subjects/" + subject("nobody"), schemaBody(schema));
        assertEquals(404, noSubject.status());
        assertEquals(40401, noSubject.errorCode());
    }

    @Test
    void refusesAnIncompatibleSchema() {
        String subject = subject("compat");
        register(subject, record("Compat"));
        Schema breaking = SchemaBuilder.record("Compat").namespace("test").fields()
                .requiredString("key").requiredLong("size").endRecord();

        RegistryHttp.Response check = http.post("/compatibility/subjects/" + subject + "/versions/latest", schemaBody(breaking));
        assertEquals("{\"is_compatible\":false}", check.body());
        RegistryHttp.Response verbose = http.post("/compatibility/subjects/" + subject + "/versions/1?verbose=true", schemaBody(breaking));
        assertFalse(verbose.json().get("is_compatible").booleanValue());
        assertTrue(verbose.json().get("messages").toString().contains("size"), verbose.body());
        assertEquals("{\"is_compatible\":true}",
                http.post("/compatibility/subjects/" + subject + "/versions/latest", schemaBody(record("Compat", "note"))).body());

        RegistryHttp.Response refused = http.post("/subjects/" + subject + "/versions", schemaBody(breaking));
        assertEquals(409, refused.status());
        assertEquals(409, refused.errorCode());
        assertTrue(refused.json().get("message").textValue().contains("incompatible"), refused.body());
        assertEquals("[1]", http.get("/subjects/" + subject + "/versions").body());

        assertEquals(40401, http.post("/compatibility/subjects/" + subject("none") + "/versions/latest", schemaBody(breaking)).errorCode());
        assertEquals(40402, http.post("/compatibility/subjects/" + subject + "/versions/7", schemaBody(breaking)).errorCode());
    }

    @Test
    void aSubjectLevelOfNoneLetsAnythingThrough() {
        String subject = subject("loose");
        register(subject, record("Loose"));
        RegistryHttp.Response set = http.put("/config/" + subject, "{\"compatibility\": \"NONE\"}");
        assertEquals(200, set.status(), set.toString());
        assertEquals("{\"compatibility\":\"NONE\"}", set.body());
        assertEquals("{\"compatibilityLevel\":\"NONE\"}", http.get("/config/" + subject).body());
        assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", http.get("/config").body(), "the global level is untouched");

        register(subject, Schema.create(Schema.Type.LONG));
        assertEquals("[1,2]", http.get("/subjects/" + subject + "/versions").body());

        assertEquals("{\"compatibilityLevel\":\"NONE\"}", http.delete("/config/" + subject).body());
        assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", http.get("/config/" + subject).body());
    }

    @Test
    void transitiveLevelsCompareWithEveryVersion() {
        String subject = subject("transitive");
        http.put("/config/" + subject, "{\"compatibility\": \"NONE\"}");
        register(subject, record("T"));
        register(subject, SchemaBuilder.record("T").namespace("test").fields().requiredString("key").requiredInt("n").endRecord());
        // Reads version 2 (n is ignored) but not version 1 (n has no default).
        Schema third = SchemaBuilder.record("T").namespace("test").fields().requiredString("key").requiredInt("n").optionalString("x").endRecord();
        assertEquals("{\"compatibility\":\"BACKWARD\"}", http.put("/config/" + subject, "{\"compatibility\": \"backward\"}").body());
        assertEquals("{\"is_compatible\":true}", http.post("/compatibility/subjects/" + subject + "/versions/latest", schemaBody(third)).body());
        http.put("/config/" + subject, "{\"compatibility\": \"BACKWARD_TRANSITIVE\"}");
        assertEquals("{\"is_compatible\":false}", http.post("/compatibility/subjects/" + subject + "/versions/latest", schemaBody(third)).body());
        assertEquals(409, http.post("/subjects/" + subject + "/versions", schemaBody(third)).status());
    }

    @Test
    void theGlobalLevelCanBeChanged() {
        try {
            assertEquals("{\"compatibility\":\"FULL\"}", http.put("/config", "{\"compatibility\": \"FULL\"}").body());
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", http.get("/config").body());
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", http.get("/config/" + subject("unset")).body());
        } finally {
            http.put("/config", "{\"compatibility\": \"BACKWARD\"}");
        }
        RegistryHttp.Response bad = http.put("/config", "{\"compatibility\": \"SIDEWAYS\"}");
        assertEquals(422, bad.status());
        assertEquals(42203, bad.errorCode());
        assertEquals(42203, http.put("/config", "{}").errorCode());
    }

    @Test
    void softDeletesSubjectsAndVersions() {
        String subject = subject("deleted");
        int id1 = register(subject, record("D"));
        register(subject, record("D", "a"));
        register(subject, record("D", "a", "b"));

        RegistryHttp.Response deletedVersion = http.delete("/subjects/" + subject + "/versions/2");
        assertEquals("2", deletedVersion.body());
        assertEquals("[1,3]", http.get("/subjects/" + subject + "/versions").body());
        assertEquals("[1,2,3]", http.get("/subjects/" + subject + "/versions?deleted=true").body());
        assertEquals(40402, http.get("/subjects/" + subject + "/versions/2").errorCode());
        assertEquals(2, http.get("/subjects/" + subject + "/versions/2?deleted=true").json().get("version").intValue());
        assertEquals(40406, http.delete("/subjects/" + subject + "/versions/2").errorCode());
        assertEquals("3", http.delete("/subjects/" + subject + "/versions/latest").body());

        assertEquals("[1]", http.delete("/subjects/" + subject).body());
        assertEquals(40401, http.get("/subjects/" + subject + "/versions").errorCode());
        assertFalse(http.get("/subjects").body().contains(subject));
        assertTrue(http.get("/subjects?deleted=true").body().contains(subject));
        assertEquals(40404, http.delete("/subjects/" + subject).errorCode());
        assertEquals(200, http.get("/schemas/ids/" + id1).status(), "ids outlive soft deletes");

        assertEquals(id1, register(subject, record("D")), "registering again brings the schema back under its id");
        assertEquals(4, http.get("/subjects/" + subject + "/versions/latest").json().get("version").intValue(),
                "as a new version: versions are never reused");
    }

    @Test
    void answersConfluentErrorsForUnknownThings() {
        String subject = subject("unknown");
        RegistryHttp.Response noSubject = http.get("/subjects/" + subject + "/versions");
        assertEquals(404, noSubject.status());
        assertEquals("{\"error_code\":40401,\"message\":\"Subject '" + subject + "' not found.\"}", noSubject.body());
        assertTrue(noSubject.contentType().startsWith(CONTENT_TYPE));

        register(subject, record("U"));
        RegistryHttp.Response noVersion = http.get("/subjects/" + subject + "/versions/5");
        assertEquals(404, noVersion.status());
        assertEquals("{\"error_code\":40402,\"message\":\"Version 5 not found.\"}", noVersion.body());

        for (String bad : List.of("0", "-2", "abc", "99999999999")) {
            RegistryHttp.Response invalid = http.get("/subjects/" + subject + "/versions/" + bad);
            assertEquals(422, invalid.status(), bad);
            assertEquals(42202, invalid.errorCode(), bad);
        }
        assertEquals(200, http.get("/subjects/" + subject + "/versions/-1").status(), "-1 means latest");
    }

    @Test
    void refusesInvalidSchemasAndBodies() {
        String path = "/subjects/" + subject("invalid") + "/versions";
        RegistryHttp.Response notAvro = http.post(path, schemaBody("{\"type\": \"record\", \"name\": \"X\"}"));
        assertEquals(422, notAvro.status());
        assertEquals(42201, notAvro.errorCode());

        assertEquals(42201, http.post(path, schemaBody("{\"type\": \"record\", \"name\": \"X\", \"fields\": [{\"name\": \"a\", \"type\": \"int\", \"default\": \"x\"}]}")).errorCode(),
                "a default of the wrong type");
        assertEquals(42201, http.post(path, schemaBody("not json at all")).errorCode());
        assertEquals(42201, http.post(path, "{}").errorCode());
        assertEquals(42201, http.post(path, "{\"schema\": 12}").errorCode());
        assertEquals(42201, http.post(path, "{\"schema\": \"\\\"string\\\"\", \"schemaType\": \"PROTOBUF\"}").errorCode());

        for (String badJson : List.of("{\"schema\": ", "[1, 2]", "", "nonsense")) {
            RegistryHttp.Response response = http.post(path, badJson);
            assertEquals(400, response.status(), badJson + " -> " + response);
            assertEquals(400, response.errorCode(), badJson);
            assertFalse(response.body().contains("at io."), "no stack trace");
        }
    }

    @Test
    void acceptsTheUsualContentTypes() {
        String subject = subject("types");
        String body = schemaBody(Schema.create(Schema.Type.STRING));
        for (String contentType : List.of("application/json", "application/vnd.schemaregistry.v1+json",
                "application/vnd.schemaregistry+json", "application/octet-stream")) {
            RegistryHttp.Response response = http.post("/subjects/" + subject + "/versions", body, contentType);
            assertEquals(200, response.status(), contentType + " -> " + response);
        }
    }

    @Test
    void answersUnknownRoutesAndMethodsWithJson() {
        RegistryHttp.Response notFound = http.get("/nothing/here");
        assertEquals(404, notFound.status());
        assertEquals("{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", notFound.body());

        RegistryHttp.Response wrongMethod = http.put("/subjects", "{}");
        assertEquals(405, wrongMethod.status());
        assertEquals(405, wrongMethod.errorCode());

        assertEquals(40403, http.get("/schemas/ids/abc").errorCode());
        assertEquals("[\"AVRO\"]", http.get("/schemas/types").body());
    }

    @Test
    void subjectsMayHoldCharactersThatNeedEncoding() {
        String subject = "with space:" + UUID.randomUUID().toString().substring(0, 8);
        String encoded = subject.replace(" ", "%20");
        RegistryHttp.Response response = http.post("/subjects/" + encoded + "/versions", schemaBody(record("Spaced")));
        assertEquals(200, response.status(), response.toString());
        assertEquals(subject, http.get("/subjects/" + encoded + "/versions/1").json().get("subject").textValue());

        String slashed = "a/b-" + UUID.randomUUID().toString().substring(0, 8);
        String slashedPath = "/subjects/" + slashed.replace("/", "%2F");
        assertEquals(200, http.post(slashedPath + "/versions", schemaBody(record("Slashed"))).status());
        assertEquals(slashed, http.get(slashedPath + "/versions/1").json().get("subject").textValue());
    }
}
