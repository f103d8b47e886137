package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectorPoliciesTest {
    /** A deployment with the default prefix, its topics as the application names them. */
    static final ControlPlane CONTROL_PLANE = new ControlPlane("switchboard",
            Set.of("switchboard.commands", "switchboard.decisions", "switchboard.lifecycle", "switchboard.observations",
                    "switchboard.replica-keys", "switchboard.secrets", "switchboard-connectors-changelog",
                    "switchboard-connect-configs", "switchboard-connect-offsets", "switchboard-connect-status"),
            Set.of("switchboard-connect"), "switchboard-pipeline-notifications");
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final String SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

    private static Map<String, String> config(String connectorClass, String... keysAndValues) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", connectorClass);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    private static ConnectorPolicies.Refusal refusal(Map<String, String> config) {
        return ConnectorPolicies.refusal(CONTROL_PLANE, config);
    }

    private static void assertRefused(String policy, String key, String named, Map<String, String> config) {
        ConnectorPolicies.Refusal refusal = refusal(config);
        assertNotNull(refusal, "refused: " + config);
        assertEquals(policy, refusal.policy(), refusal.message());
        assertEquals(key, refusal.key(), refusal.message());
        assertTrue(refusal.message().startsWith("Connector config refused by policy " + policy + ": "), refusal.message());
        assertTrue(refusal.message().contains(named), refusal.message());
    }

    @Test
    void aTopicOfTheControlPlaneIsRefusedWhereverTheConfigNamesIt() {
        ConnectorPolicies.Refusal direct = refusal(config(SOURCE, "file", "/tmp/x", "topic", "switchboard.commands"));
        assertEquals("Connector config refused by policy control-plane-topics: topic switchboard.commands belongs to the "
                + "control plane (topic)", direct.message());
        assertRefused("control-plane-topics", "topics", "switchboard.replica-keys",
                config(SINK, "file", "/tmp/x", "topics", "orders, switchboard.replica-keys ,payments"));
        assertRefused("control-plane-topics", "topics.regex", "switchboard.", config(SINK, "topics.regex", "switchboard\\..*"));
        assertRefused("control-plane-topics", "topics.regex", "switchboard", config(SINK, "topics.regex", ".*"));
        assertRefused("control-plane-topics", "topics.regex", "switchboard-connectors-changelog",
                config(SINK, "topics.regex", "switchboard-.*-changelog"));
        assertRefused("control-plane-topics", "errors.deadletterqueue.topic.name", "switchboard.decisions",
                config(SINK, "topics", "orders", "errors.deadletterqueue.topic.name", "switchboard.decisions"));
        assertRefused("control-plane-topics", "offsets.storage.topic", "switchboard-connect-offsets",
                config(SOURCE, "topic", "orders", "offsets.storage.topic", "switchboard-connect-offsets"));
        // Under the prefix, even where no topic is yet: the namespace is the control plane's.
        assertRefused("control-plane-topics", "topic", "switchboard.future", config(SOURCE, "topic", "switchboard.future"));
        assertRefused("control-plane-topics", "topic", "switchboard-history-changelog", config(SOURCE, "topic", "switchboard-history-changelog"));
    }

    @Test
    void debeziumPrefixesAreRefusedWhenTheirTopicsWouldLandUnderThePrefix() {
        assertRefused("control-plane-topics", "topic.prefix", "switchboard", config("io.debezium.connector.postgresql.PostgresConnector",
                "topic.prefix", "switchboard"));
        assertRefused("control-plane-topics", "topic.prefix", "switchboard.commands", config("io.debezium.connector.postgresql.PostgresConnector",
                "topic.prefix", "switchboard.commands"));
        assertRefused("control-plane-topics", "topic.prefix", "switch", config("io.debezium.connector.postgresql.PostgresConnector",
                "topic.prefix", "switch", "topic.delimiter", "board."));
        assertRefused("control-plane-topics", "heartbeat.topics.prefix", "switchboard", config("io.debezium.connector.postgresql.PostgresConnector",
                "topic.prefix", "pg", "heartbeat.topics.prefix", "switchboard"));
        assertRefused("control-plane-topics", "schema.history.internal.kafka.topic", "switchboard.lifecycle",
                config("io.debezium.connector.mysql.MySqlConnector", "topic.prefix", "my", "schema.history.internal.kafka.topic", "switchboard.lifecycle"));
        assertNull(refusal(config("io.debezium.connector.postgresql.PostgresConnector", "topic.prefix", "switchboardx")));
        assertNull(refusal(config("io.debezium.connector.postgresql.PostgresConnector", "topic.prefix", "pg", "heartbeat.topics.prefix",
                "__debezium-heartbeat")));
    }

    @Test
    void routingTransformsAreRefusedWhenTheyMayRouteToTheControlPlane() {
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard.commands", config(SOURCE, "topic", "orders",
                "transforms", "r", "transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter",
                "transforms.r.regex", ".*", "transforms.r.replacement", "switchboard.commands"));
        // A name built from the record's own text may be any name.
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard", config(SOURCE, "topic", "orders",
                "transforms", "r", "transforms.r.type", "RegexRouter", "transforms.r.regex", "(.*)", "transforms.r.replacement", "$1"));
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard.", config(SOURCE, "topic", "orders",
                "transforms", "r", "transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter",
                "transforms.r.regex", "orders(.*)", "transforms.r.replacement", "switchboard.$1"));
        assertRefused("control-plane-topics", "transforms.t.topic.format", "switchboard.commands", config(SOURCE, "topic", "orders",
                "transforms", "t", "transforms.t.type", "org.apache.kafka.connect.transforms.TimestampRouter",
                "transforms.t.topic.format", "switchboard.commands"));
        // A date format's quoted text is text the format writes.
        assertRefused("control-plane-topics", "transforms.t.topic.format", "${timestamp}", config(SOURCE, "topic", "switchboard-connectors",
                "transforms", "t", "transforms.t.type", "org.apache.kafka.connect.transforms.TimestampRouter",
                "transforms.t.timestamp.format", "'changelog'"));
        assertRefused("control-plane-topics", "transforms.l.topic.replacement", "switchboard.commands", config(SOURCE, "topic", "orders",
                "transforms", "l", "transforms.l.type", "io.debezium.transforms.ByLogicalTableRouter",
                "transforms.l.topic.regex", "(.*)", "transforms.l.topic.replacement", "switchboard.commands"));
        assertRefused("control-plane-topics", "transforms.o.route.topic.replacement", "switchboard.", config(SOURCE, "topic", "orders",
                "transforms", "o", "transforms.o.type", "io.debezium.transforms.outbox.EventRouter",
                "transforms.o.route.topic.replacement", "switchboard.${routedByValue}"));
        // A template that begins with the record's own text may make any name, a control plane's too.
        assertRefused("control-plane-topics", "transforms.t.topic.format", "${topic}-${timestamp}", config(SOURCE, "topic", "orders",
                "transforms", "t", "transforms.t.type", "org.apache.kafka.connect.transforms.TimestampRouter"));
        assertRefused("control-plane-topics", "transforms.r.replacement", "$1-copy", config(SOURCE, "topic", "orders",
                "transforms", "r", "transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter",
                "transforms.r.regex", "(.*)", "transforms.r.replacement", "$1-copy"));
        // A literal start outside the namespace reaches no control-plane topic, whatever follows; nor do the defaults.
        assertNull(refusal(config(SOURCE, "topic", "orders", "transforms", "t", "transforms.t.type",
                "org.apache.kafka.connect.transforms.TimestampRouter", "transforms.t.topic.format", "archive.${topic}-${timestamp}")));
        assertNull(refusal(config(SOURCE, "topic", "orders", "transforms", "o", "transforms.o.type", "io.debezium.transforms.outbox.EventRouter")));
        assertNull(refusal(config(SOURCE, "topic", "orders", "transforms", "r", "transforms.r.type",
                "org.apache.kafka.connect.transforms.RegexRouter", "transforms.r.regex", "orders-(.*)", "transforms.r.replacement", "archive-$1")));
    }

    @Test
    void referencesAreRefusedInKeysThatChooseCodeOrRouteData() {
        ConnectorPolicies.Refusal topics = refusal(config(SINK, "file", "/tmp/x", "topics", "${secretsManager:T}"));
        assertEquals("Connector config refused by policy config-references: topics holds a config provider reference "
                + "(${provider:...}): a worker resolves it only when it runs the connector, after every policy judged the config, "
                + "so a key whose value a built-in policy reads (code, where data goes, a JDBC URL or driver property, a file, "
                + "a class) must hold its value itself", topics.message());
        assertEquals("topics", topics.key());
        for (String key : new String[] {"connector.class", "topic", "topics.regex", "transforms", "transforms.r.type",
                "transforms.r.x.replacement", "predicates.p.type", "errors.deadletterqueue.topic.name", "consumer.override.group.id",
                "group.id", "topic.prefix", "topic.naming.strategy", "topic.heartbeat.prefix", "topic.transaction",
                "schema.history.internal.kafka.topic", "signal.kafka.topic", "notification.sink.topic.name", "value.converter",
                "connector.plugin.version", "key.converter.plugin.version", "value.converter.plugin.version",
                "header.converter.plugin.version"}) {
            Map<String, String> config = config(SOURCE, "topic", "orders");
            config.put(key, "a-${file:/etc/passwd:x}");
            assertRefused("config-references", key, key, config);
            config.put(key, "${env:X}");
            assertRefused("config-references", key, key, config);
        }
        // A plugin version as such is no reference, and no policy's business.
        assertNull(refusal(config(SOURCE, "topic", "orders", "connector.plugin.version", "[1.0,2.0)",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter", "value.converter.plugin.version", "4.3.1")));
        // Passwords and other values are what references are for; a ${...} without a provider is no reference.
        assertNull(refusal(config(SINK, "topics", "orders", "connection.password", "${secretsManager:DB_PW}",
                "connection.user", "${switchboard:k1:abc}")));
        assertNull(refusal(config(SINK, "topics", "orders-${x}")));
        assertTrue(io.switchboard.secrets.ConfigReferences.holdsReference("x${a}${b:c}"));
        assertTrue(!io.switchboard.secrets.ConfigReferences.holdsReference("${a}:b}") && !io.switchboard.secrets.ConfigReferences.holdsReference("${a:b") && !io.switchboard.secrets.ConfigReferences.holdsReference("$"));
    }

    /** A RegexRouter to the worker's config topic, as an editor would write it. */
    private static Map<String, String> routedTo(String alias, String type, String target) {
        return config(SOURCE, "file", "/tmp/x", "topic", "plain", "transforms", alias,
                "transforms." + alias + ".type", type, "transforms." + alias + ".regex", ".*", "transforms." + alias + ".replacement", target);
    }

    @Test
    void transformsAreJudgedByTheClassConnectWillLoadUnderAnyAlias() {
        String router = "org.apache.kafka.connect.transforms.RegexRouter";
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard-connect-configs",
                routedTo("r", router, "switchboard-connect-configs"));
        // An alias with dots, a type with spaces around it, an alias with spaces in the list: Connect loads the router all the same.
        assertRefused("control-plane-topics", "transforms.r.x.replacement", "switchboard-connect-configs",
                routedTo("r.x", router, "switchboard-connect-configs"));
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard-connect-status",
                routedTo("r", router + " ", "switchboard-connect-status"));
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard-connect-status",
                routedTo("r", " " + router + "\t", "switchboard-connect-status"));
        Map<String, String> spaced = routedTo("r", router, "switchboard-connect-offsets");
        spaced.put("transforms", " h , r ");
        spaced.put("transforms.h.type", "org.apache.kafka.connect.transforms.HoistField$Value");
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard-connect-offsets", spaced);
        // Keys of an alias the list does not name are not loaded.
        Map<String, String> unlisted = routedTo("r", router, "switchboard-connect-configs");
        unlisted.put("transforms", "");
        assertNull(refusal(unlisted));
    }

    @Test
    void valuesAreJudgedAsTheWorkerReadsThemTrimmedAndInItsRegexDialect() {
        String router = "org.apache.kafka.connect.transforms.RegexRouter";
        // Connect trims a STRING config: the router writes to the notifications topic, leading space or not.
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard-pipeline-notifications",
                routedTo("r", router, " switchboard-pipeline-notifications"));
        assertRefused("control-plane-topics", "transforms.r.replacement", "switchboard.",
                config(SOURCE, "topic", "orders", "transforms", "r", "transforms.r.type", router, "transforms.r.regex", "(.*)",
                        "transforms.r.replacement", "\tswitchboard.$1"));
        assertRefused("control-plane-topics", "transforms.t.topic.format", "switchboard.commands", config(SOURCE, "topic", "orders",
                "transforms", "t", "transforms.t.type", "org.apache.kafka.connect.transforms.TimestampRouter",
                "transforms.t.topic.format", "switchboard.commands "));
        assertRefused("control-plane-topics", "topics.regex", "switchboard.", config(SINK, "topics.regex", " switchboard\\..*"));
        // Debezium reads EventRouter's regex as given: a space makes it match no value, which then is the topic.
        assertRefused("control-plane-topics", "transforms.o.route.topic.regex", "routed value", config(SOURCE, "topic", "orders",
                "transforms", "o", "transforms.o.type", "io.debezium.transforms.outbox.EventRouter",
                "transforms.o.route.topic.regex", " (?<routedByValue>.*)"));
        // java.util.regex reads [[:space:]] as one of ":space", RE2/J as whitespace: it would match switchboard.commands.
        ConnectorPolicies.Refusal posix = refusal(config(SINK, "topics.regex", "[[:space:]]witchboard\\..*"));
        assertEquals("topics.regex", posix.key());
        assertTrue(posix.message().contains("differently"), posix.message());
        assertRefused("control-plane-topics", "topics.regex", "differently", config(SINK, "topics.regex", "[a-z&&[^x]]witchboard\\..*"));
        assertRefused("control-plane-topics", "topics.regex", "differently", config(SINK, "topics.regex", "orders\\1"));
        // What both read alike is judged as before.
        assertNull(refusal(config(SINK, "topics.regex", "\\Qorders.\\E[a-z]+")));
        assertNull(refusal(config(SINK, "topics.regex", "[]a-z]+-orders")));
    }

    @Test
    void debeziumsTopicSettingKeysAreJudged() {
        String outbox = "io.debezium.transforms.outbox.EventRouter";
        assertRefused("control-plane-topics", "transforms.o.route.topic.replacement", "${x}", config(SOURCE, "topic", "orders",
                "transforms", "o", "transforms.o.type", outbox, "transforms.o.route.topic.regex", "(?<x>.*)",
                "transforms.o.route.topic.replacement", "${x}"));
        assertRefused("control-plane-topics", "transforms.o.route.topic.replacement", "$1", config(SOURCE, "topic", "orders",
                "transforms", "o", "transforms.o.type", outbox, "transforms.o.route.topic.replacement", "$1"));
        assertRefused("control-plane-topics", "transforms.o.route.topic.regex", "routed value", config(SOURCE, "topic", "orders",
                "transforms", "o", "transforms.o.type", outbox, "transforms.o.route.topic.regex", "orders-(.*)",
                "transforms.o.route.topic.replacement", "outbox.$1"));
        assertNull(refusal(config(SOURCE, "topic", "orders", "transforms", "o", "transforms.o.type", outbox,
                "transforms.o.route.topic.regex", "(?<routedByValue>.*)", "transforms.o.route.topic.replacement", "outbox.${routedByValue}")));
        assertRefused("control-plane-topics", "transforms.u.route.by.field", "from its data", config(SOURCE, "topic", "orders",
                "transforms", "u", "transforms.u.type", "io.debezium.transforms.ExtractNewRecordState", "transforms.u.route.by.field", "t"));
        assertNull(refusal(config(SOURCE, "topic", "orders", "transforms", "u", "transforms.u.type", "io.debezium.transforms.ExtractNewRecordState")));

        String pg = "io.debezium.connector.postgresql.PostgresConnector";
        assertRefused("control-plane-topics", "topic.replacement", "switchboard.commands", config(pg, "topic.prefix", "pg",
                "topic.naming.strategy", "io.debezium.schema.DefaultRegexTopicNamingStrategy", "topic.regex", "^.*",
                "topic.replacement", "switchboard.commands"));
        assertRefused("control-plane-topics", "topic.regex", "anchor", config(pg, "topic.prefix", "s",
                "topic.naming.strategy", "io.debezium.schema.DefaultRegexTopicNamingStrategy", "topic.regex", "\\..*",
                "topic.replacement", "witchboard.commands"));
        assertNull(refusal(config(pg, "topic.prefix", "pg", "topic.naming.strategy", "io.debezium.schema.DefaultRegexTopicNamingStrategy",
                "topic.regex", "^pg\\.(.*)_shard_[0-9]+", "topic.replacement", "pg.$1")));
        assertRefused("control-plane-topics", "topic.heartbeat.name", "switchboard-connect-status",
                config(pg, "topic.prefix", "pg", "topic.heartbeat.name", "switchboard-connect-status"));
        assertRefused("control-plane-topics", "topic.heartbeat.prefix", "switchboard",
                config(pg, "topic.prefix", "pg", "topic.heartbeat.prefix", "switchboard"));
        assertNull(refusal(config(pg, "topic.prefix", "pg", "topic.heartbeat.prefix", "__debezium-heartbeat")));
    }

    @Test
    void controlPlaneGroupsAreRefused() {
        assertRefused("control-plane-topics", "consumer.override.group.id", "switchboard",
                config(SINK, "topics", "orders", "consumer.override.group.id", "switchboard"));
        assertRefused("control-plane-topics", "consumer.override.group.id", "switchboard-reconciler-default",
                config(SINK, "topics", "orders", "consumer.override.group.id", "switchboard-reconciler-default"));
        assertRefused("control-plane-topics", "admin.override.group.id", "switchboard-connect",
                config(SINK, "topics", "orders", "admin.override.group.id", "switchboard-connect"));
        assertNull(refusal(config(SINK, "topics", "orders", "consumer.override.group.id", "orders-readers")));
    }

    @Test
    void clientOverridesOfWhereOrAsWhomAreRefused() {
        ConnectorPolicies.Refusal bootstrap = refusal(config(SINK, "topics", "orders", "consumer.override.bootstrap.servers", "evil:9092"));
        assertEquals("Connector config refused by policy client-overrides: consumer.override.bootstrap.servers would change where or "
                + "as whom the connector's Kafka client connects", bootstrap.message());
        assertRefused("client-overrides", "producer.override.sasl.jaas.config", "producer.override.sasl.jaas.config",
                config(SOURCE, "topic", "orders", "producer.override.sasl.jaas.config", "x"));
        assertRefused("client-overrides", "admin.override.security.protocol", "admin.override.security.protocol",
                config(SOURCE, "topic", "orders", "admin.override.security.protocol", "PLAINTEXT"));
        assertRefused("client-overrides", "consumer.override.ssl.truststore.location", "ssl.truststore.location",
                config(SINK, "topics", "orders", "consumer.override.ssl.truststore.location", "/tmp/t"));
        assertRefused("client-overrides", "producer.override.client.dns.lookup", "client.dns.lookup",
                config(SOURCE, "topic", "orders", "producer.override.client.dns.lookup", "resolve_canonical_bootstrap_servers_only"));
        assertNull(refusal(config(SINK, "topics", "orders", "consumer.override.max.poll.records", "10",
                "consumer.override.auto.offset.reset", "earliest", "consumer.override.metadata.max.age.ms", "2000")));
        assertNull(refusal(config(SOURCE, "topic", "orders", "producer.override.max.request.size", "16777216",
                "producer.override.compression.type", "zstd", "producer.override.linger.ms", "5")));
    }

    @Test
    void kafkaClientSettingsAreJudgedByAllowlists() {
        // Connect's overrides: tunables only; a class or a file is not among them.
        assertRefused("client-overrides", "consumer.override.interceptor.classes", "not among the client settings",
                config(SINK, "topics", "orders", "consumer.override.interceptor.classes", "com.example.Spy"));
        assertRefused("client-overrides", "producer.override.metric.reporters", "not among the client settings",
                config(SOURCE, "topic", "orders", "producer.override.metric.reporters", "com.example.Spy"));
        assertRefused("client-overrides", "producer.override.transactional.id", "not among the client settings",
                config(SOURCE, "topic", "orders", "producer.override.transactional.id", "switchboard-x"));
        assertNull(refusal(config(SINK, "topics", "orders", "consumer.override.group.id", "orders-readers",
                "consumer.override.session.timeout.ms", "30000")));

        // Debezium's own clients (a signal consumer, the schema history): where and as whom, without a file or a class.
        String postgres = "io.debezium.connector.postgresql.PostgresConnector";
        assertNull(refusal(config(postgres, "topic.prefix", "pg", "signal.kafka.bootstrap.servers", "signals:9092",
                "signal.consumer.security.protocol", "SASL_SSL", "signal.consumer.sasl.mechanism", "SCRAM-SHA-512",
                "signal.consumer.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" "
                        + "password=\"${secretsManager:pw}\";",
                "signal.consumer.ssl.truststore.type", "PEM", "signal.consumer.ssl.truststore.certificates", "-----BEGIN CERTIFICATE-----",
                "signal.consumer.max.poll.records", "10")));
        assertRefused("client-overrides", "signal.consumer.ssl.keystore.location", "not among the Kafka client settings",
                config(postgres, "topic.prefix", "pg", "signal.consumer.ssl.keystore.location", "/data/secrets.key"));
        assertRefused("client-overrides", "schema.history.internal.consumer.sasl.jaas.config", "login module com.sun.security.auth.module.Krb5LoginModule",
                config(postgres, "topic.prefix", "pg", "schema.history.internal.consumer.sasl.jaas.config",
                        "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true keyTab=\"/data/secrets.key\";"));
        assertRefused("client-overrides", "schema.history.internal.producer.sasl.login.callback.handler.class", "not among",
                config(postgres, "topic.prefix", "pg", "schema.history.internal.producer.sasl.login.callback.handler.class", "com.example.X"));
        assertRefused("client-overrides", "signal.consumer.sasl.mechanism", "GSSAPI",
                config(postgres, "topic.prefix", "pg", "signal.consumer.sasl.mechanism", "GSSAPI"));
        assertRefused("client-overrides", "signal.consumer.ssl.truststore.type", "inline",
                config(postgres, "topic.prefix", "pg", "signal.consumer.ssl.truststore.type", "JKS"));
        assertRefused("client-overrides", "signal.consumer.sasl.jaas.config", "${secretsManager:m}",
                config(postgres, "topic.prefix", "pg", "signal.consumer.sasl.jaas.config", "${secretsManager:m}"));

        // MirrorMaker's clusters, in a MirrorMaker connector's config.
        String mirror = "org.apache.kafka.connect.mirror.MirrorSourceConnector";
        assertNull(refusal(config(mirror, "source.cluster.alias", "eu", "target.cluster.alias", "us",
                "source.cluster.bootstrap.servers", "eu:9092", "source.cluster.security.protocol", "SASL_SSL",
                "source.cluster.sasl.mechanism", "PLAIN", "source.cluster.consumer.max.poll.records", "500",
                "target.cluster.bootstrap.servers", "us:9092", "consumer.override.max.poll.records", "10")));
        assertRefused("client-overrides", "source.cluster.ssl.truststore.location", "not among the Kafka client settings",
                config(mirror, "source.cluster.alias", "eu", "source.cluster.ssl.truststore.location", "/data/kafka-identities.properties"));
        assertRefused("client-overrides", "source.consumer.interceptor.classes", "not among the Kafka client settings",
                config(mirror, "source.cluster.alias", "eu", "source.consumer.interceptor.classes", "com.example.Spy"));
        assertRefused("client-overrides", "target.cluster.producer.sasl.jaas.config", "login module",
                config(mirror, "target.cluster.producer.sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"));
        // Not a MirrorMaker connector: its own "source." keys are its own.
        assertNull(refusal(config(SOURCE, "topic", "orders", "source.cluster.ssl.truststore.location", "/x")));
    }

    @Test
    void namesOfTheUsersAreNotRefused() {
        assertNull(refusal(config(SOURCE, "topic", "switchboardx")));
        assertNull(refusal(config(SOURCE, "topic", "orders")));
        assertNull(refusal(config(SOURCE, "topic", "switchboard-orders")));
        assertNull(refusal(config(SINK, "topics", "orders, payments")));
        assertNull(refusal(config(SINK, "topics.regex", "orders-.*")));
        assertNull(refusal(config(SINK, "topics.regex", "switchboardx\\..*")));
        assertNull(refusal(config(SINK, "topics", "orders", "errors.deadletterqueue.topic.name", "orders-dlq")));
        // Not a pattern: the worker refuses it in its own words.
        assertNull(refusal(config(SINK, "topics.regex", "(")));
    }

    @Test
    void aPipelinesSourceNamesTheNotificationsTopicAndNoOtherConnectorDoes() {
        Map<String, String> source = config("io.debezium.connector.postgresql.PostgresConnector", "topic.prefix", "pl_p1",
                "notification.sink.topic.name", "switchboard-pipeline-notifications");
        assertRefused("control-plane-topics", "notification.sink.topic.name", "switchboard-pipeline-notifications", source);
        source.put(PipelineOwnership.PIPELINE_ID, "p1");
        assertNull(refusal(source));
        source.put("notification.sink.topic.name", "switchboard.commands");
        assertRefused("control-plane-topics", "notification.sink.topic.name", "switchboard.commands", source);
    }

    @Test
    void thePrefixIsTheDeploymentsOwn() {
        ControlPlane other = new ControlPlane("team-a-sb", Set.of("team-a-sb.commands"), Set.of(), "team-a-sb-pipeline-notifications");
        assertNull(ConnectorPolicies.refusal(other, config(SOURCE, "topic", "switchboard.commands")));
        assertEquals("topic", ConnectorPolicies.refusal(other, config(SOURCE, "topic", "team-a-sb.commands")).key());
    }

    private static ConnectorCommand command(String connector, Object action) {
        return ConnectorCommand.newBuilder().setCommandId("c-" + connector + "-" + action.getClass().getSimpleName()).setCluster("default")
                .setConnector(connector).setIssuedAt(1L).setAction(action).build();
    }

    @Test
    void theDeciderRefusesACreateOrPatchThatBreaksAPolicyAndStillDeletesAConnectorThatDoes() {
        Decision created = CommandDecider.decide(CONTROL_PLANE, null, command("f", new CreateConnector(
                config(SOURCE, "topic", "switchboard.commands"), TargetState.RUNNING, null)));
        assertEquals(Outcome.REJECTED, created.outcome());
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, created.reason());
        assertTrue(created.message().contains("switchboard.commands"), created.message());
        assertNull(created.event());

        // Stored before the policy: kept, refused again as it is, changed to obey, or deleted.
        ConnectorState stored = ConnectorState.newBuilder().setCluster("default").setName("f")
                .setConfig(new HashMap<>(config(SOURCE, "topic", "switchboard.commands"))).setTargetState(TargetState.RUNNING)
                .setVersion(1).setCreatedAt(1L).setUpdatedAt(1L).setLastCommandId("old").build();
        Map<String, String> patch = new HashMap<>();
        patch.put("consumer.override.bootstrap.servers", "evil:9092");
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, CommandDecider.decide(CONTROL_PLANE, stored,
                command("f", new PatchConnectorConfig(patch, null))).reason());
        Decision fixed = CommandDecider.decide(CONTROL_PLANE, stored, command("f", new PatchConnectorConfig(Map.of("topic", "orders"), null)));
        assertEquals(Outcome.UPDATED, fixed.outcome());
        assertEquals(Outcome.DELETED, CommandDecider.decide(CONTROL_PLANE, stored, command("f", new DeleteConnector())).outcome());
    }
}
