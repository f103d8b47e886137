package io.switchboard.rules;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Debezium's signal channels, file keys and class keys hold only what the allowlists name. */
class DebeziumKeysTest {
    private static final String PG = "io.debezium.connector.postgresql.PostgresConnector";
    private static final String SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";

    private static ConnectorPolicies.Refusal refusal(String connectorClass, String... keysAndValues) {
        Map<String, String> config = new HashMap<>(Map.of("connector.class", connectorClass, "topic.prefix", "pg"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConnectorPolicies.refusal(ConnectorPoliciesTest.CONTROL_PLANE, config);
    }

    private static void assertRefused(String key, String named, ConnectorPolicies.Refusal refusal) {
        assertTrue(refusal != null, key + " refused");
        assertEquals(DebeziumKeys.POLICY, refusal.policy(), refusal.message());
        assertEquals(key, refusal.key(), refusal.message());
        assertTrue(refusal.message().contains(named), refusal.message());
    }

    @Test
    void theFileAndJmxSignalChannelsAreRefused() {
        // The file channel reads any text file the worker can, then empties it.
        ConnectorPolicies.Refusal file = refusal(PG, "signal.enabled.channels", "source,file", "signal.file", "../secrets.key");
        assertEquals("Connector config refused by policy debezium-classes-and-files: signal.enabled.channels lists the channel file: "
                + "only kafka and source are allowed (the file channel reads, then empties, any file the worker can; others are a "
                + "plugin's)", file.message());
        assertRefused("signal.enabled.channels", "jmx", refusal(PG, "signal.enabled.channels", " jmx "));
        assertRefused("signal.enabled.channels", "custom", refusal("PostgresConnector", "signal.enabled.channels", "source, custom"));
        assertRefused("signal.file", "names a file on the worker", refusal(PG, "signal.enabled.channels", "source", "signal.file", "x.txt"));
        assertRefused("openlineage.integration.config.file.path", "file", refusal(PG, "openlineage.integration.config.file.path", "/x"));
        // Under an alias of a connector the list does not bundle, a Debezium connector's file keys are refused too.
        assertRefused("custom.store.filename", "file", refusal("MySql", "custom.store.filename", "/x"));
        assertNull(refusal(PG, "signal.enabled.channels", " source , KAFKA ", "signal.kafka.topic", "pg-signals"));
        // A reference would be resolved after every check.
        ConnectorPolicies.Refusal reference = refusal(PG, "signal.enabled.channels", "${secretsManager:C}");
        assertEquals(ConnectorPolicies.CONFIG_REFERENCES, reference.policy());
        assertEquals("signal.enabled.channels", reference.key());
    }

    @Test
    void aClassKeyNamesOnlyAClassOnItsAllowlist() {
        assertRefused("topic.naming.strategy", "com.acme.Naming", refusal(PG, "topic.naming.strategy", "com.acme.Naming"));
        assertRefused("schema.history.internal", "FileSchemaHistory", refusal("io.debezium.connector.mysql.MySqlConnector",
                "schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory"));
        assertRefused("connection.provider", "DataSourceConnectionProvider", refusal(SINK, "connection.provider",
                "org.hibernate.engine.jdbc.connections.internal.DataSourceConnectionProvider"));
        assertRefused("column.naming.strategy", "com.sun.rowset.JdbcRowSetImpl", refusal(SINK, "column.naming.strategy",
                "com.sun.rowset.JdbcRowSetImpl"));
        assertRefused("sourceinfo.struct.maker", "only Debezium's own", refusal(PG, "sourceinfo.struct.maker", "com.acme.Maker"));
        assertRefused("memory.management.tables.class", "only Debezium's own", refusal(PG, "memory.management.tables.class", "x.Y"));
        assertRefused("c.type", "only Debezium's own", refusal(PG, "converters", "c", "c.type", "com.acme.Converter"));
        assertRefused("p.type", "only Debezium's own", refusal(PG, "post.processors", "p", "p.type", "com.acme.Processor"));
        for (String allowed : List.of("io.debezium.schema.DefaultTopicNamingStrategy", " io.debezium.schema.SchemaTopicNamingStrategy ")) {
            assertNull(refusal(PG, "topic.naming.strategy", allowed), allowed);
        }
        assertNull(refusal(SINK, "connection.provider", "org.hibernate.agroal.internal.AgroalConnectionProvider", "collection.naming.strategy",
                "io.debezium.sink.naming.DefaultCollectionNamingStrategy"));
        assertNull(refusal(PG, "converters", "c", "c.type", "io.debezium.connector.binlog.converters.TinyIntOneToBooleanConverter",
                "post.processors", "p", "p.type", "io.debezium.processors.reselect.ReselectColumnsPostProcessor"));
    }

    @Test
    void otherPluginsKeysAreTheirs() {
        assertNull(refusal("io.confluent.connect.s3.S3SinkConnector", "format.class", "io.confluent.connect.s3.format.json.JsonFormat",
                "topics.dir", "topics", "storage.class", "io.confluent.connect.s3.storage.S3Storage"));
        assertTrue(PolicyDecider.BUILT_IN.contains(DebeziumKeys.POLICY));
    }
}
