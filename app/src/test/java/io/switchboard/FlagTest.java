package io.switchboard;

import io.switchboard.metrics.HealthOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The flags' one definition ({@link Flag}) is what the parser takes, {@code --help} prints and the docs' table says. */
class FlagTest {
    /** A value of each flag other than its default. */
    private static final Map<Flag, String> SAMPLES = Map.ofEntries(
            Map.entry(Flag.PORT, "18083"), Map.entry(Flag.KAFKA_PORT, "19092"), Map.entry(Flag.SCHEMA_REGISTRY_PORT, "18081"),
            Map.entry(Flag.COMMAND_PARTITIONS, "3"), Map.entry(Flag.COMMAND_TIMEOUT_MS, "5000"),
            Map.entry(Flag.IPV6_LIMIT_PREFIX, "48"), Map.entry(Flag.FULL_PASS_INTERVAL_MS, "500"),
            Map.entry(Flag.HEALTH_MAX_CONNECTORS, "500"), Map.entry(Flag.HEALTH_FLAPPING_WINDOW_S, "60"),
            Map.entry(Flag.HEALTH_FLAPPING_FAILURES, "5"), Map.entry(Flag.HEALTH_SINK_LAG_INTERVAL_S, "5"),
            Map.entry(Flag.HEALTH_SINK_LAG_AGE_PARTITIONS, "10"),
            Map.entry(Flag.EMBEDDED_WORKER, "false"), Map.entry(Flag.HEALTH_SERIES, "false"), Map.entry(Flag.TRACING, "otlp"),
            Map.entry(Flag.CONNECT_CLUSTER, "prod=http://connect:8083"), Map.entry(Flag.CONFLUENT_SCOPE, "prod=env-1/lkc-1"),
            Map.entry(Flag.KAFKA_PROPERTY, "security.protocol=SASL_SSL"),
            Map.entry(Flag.WORKER_KAFKA_PROPERTY, "security.protocol=SASL_SSL"),
            Map.entry(Flag.RATE_LIMIT, "100/60"), Map.entry(Flag.TRUSTED_PROXIES, "10.0.12.0/24"),
            Map.entry(Flag.ADVERTISED_URL, "http://replica-1:8083"), Map.entry(Flag.OIDC_ISSUER, "https://issuer.example"),
            Map.entry(Flag.MAX_TASKS_PER_CONNECTOR, "8"), Map.entry(Flag.MAX_TASKS_PER_CLUSTER, "80"),
            Map.entry(Flag.MAX_SECRET_BYTES, "1024"), Map.entry(Flag.MAX_SECRETS_PER_CLUSTER, "10"));

    @TempDir
    Path dir;

    @Test
    void theDocsTableOfFlagsIsTheDefinitions() throws IOException {
        String expected = Flag.docsTable();
        String table = docsTable(Files.readAllLines(DocumentedFlagsTest.PAGE));
        if (!expected.equals(table)) {
            fail("docs/configuration.md's table of flags differs from io.switchboard.Flag; its table should be:\n\n" + expected);
        }
    }

    @Test
    void thePageDescribesEveryFlagAndNoOther() throws IOException {
        Set<String> defined = Arrays.stream(Flag.values()).map(Flag::flagName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(defined, DocumentedFlagsTest.documentedFlags());
        assertEquals(defined, new TreeSet<>(OptionSource.KNOWN));
    }

    @Test
    void everyFlagAndItsVariableSetTheOptions() throws IOException {
        SwitchboardOptions defaults = SwitchboardOptions.parse(new String[0], Map.of());
        assertEquals(SwitchboardOptions.defaults(), defaults);
        List<String> unread = new ArrayList<>();
        for (Flag flag : Flag.values()) {
            String value = sample(flag);
            SwitchboardOptions given = SwitchboardOptions.parse(new String[]{"--" + flag.flagName(), value}, Map.of());
            if (given.equals(defaults)) {
                unread.add("--" + flag.flagName());
            }
            assertEquals(given, SwitchboardOptions.parse(new String[0], Map.of(flag.environmentVariable(), value)),
                    flag.environmentVariable() + " sets what --" + flag.flagName() + " does");
            assertEquals(given, SwitchboardOptions.parse(new String[]{"--" + flag.flagName() + "=" + value}, Map.of()));
        }
        assertTrue(unread.isEmpty(), "flags the options do not read: " + unread);
    }

    @Test
    void aDefaultGivenAsAValueIsTheOneTaken() {
        SwitchboardOptions defaults = SwitchboardOptions.defaults();
        for (Flag flag : Flag.values()) {
            if (flag.defaultValue() != null) {
                assertEquals(defaults, SwitchboardOptions.parse(new String[]{"--" + flag.flagName(), flag.defaultValue()}, Map.of()),
                        "--" + flag.flagName() + "'s default is " + flag.defaultValue());
            }
        }
        assertEquals(HealthOptions.DEFAULTS, defaults.health());
        assertEquals(SecurityOptions.NONE, defaults.security());
    }

    @Test
    void helpPrintsEveryFlagWithItsVariableAndDefault() {
        String usage = Switchboard.usage();
        for (Flag flag : Flag.values()) {
            assertTrue(usage.contains("--" + flag.flagName() + " (" + flag.environmentVariable() + ", "), usage);
        }
        assertTrue(usage.contains("  --schema-registry-port (SWITCHBOARD_SCHEMA_REGISTRY_PORT, integer)\n"
                + "      default 8081: the embedded registry's port"), usage);
        assertTrue(usage.contains("  --tracing (SWITCHBOARD_TRACING, string)\n      default off (otlp when"), usage);
    }

    @Test
    void repeatableFlagsKeepEveryValue() {
        SwitchboardOptions options = SwitchboardOptions.parse(new String[]{"--connect-cluster", "a=http://a:8083",
                "--connect-cluster", "b=http://b:8083", "--kafka-property", "ssl.enabled.protocols=TLSv1.2,TLSv1.3",
                "--kafka-property", "security.protocol=SSL", "--topic-prefix", "x", "--topic-prefix", "y"}, Map.of());
        assertEquals("a=http://a:8083,b=http://b:8083", options.connectClusters());
        assertEquals(Map.of("ssl.enabled.protocols", "TLSv1.2,TLSv1.3", "security.protocol", "SSL"), options.security().kafkaSettings());
        assertEquals("y", options.topicPrefix(), "a flag that is not repeatable takes its last value");
        assertEquals(Set.of(Flag.CONNECT_CLUSTER, Flag.CONFLUENT_SCOPE, Flag.KAFKA_PROPERTY, Flag.WORKER_KAFKA_PROPERTY),
                Arrays.stream(Flag.values()).filter(Flag::repeatable).collect(Collectors.toSet()));
    }

    @Test
    void flagsOverOptionsBuiltInCodeChangeOnlyWhatTheyName() {
        SwitchboardOptions base = SwitchboardOptions.defaults().withFlags("--port", "9999", "--oidc-issuer", "https://issuer.example",
                "--health-series", "false");
        SwitchboardOptions traced = base.withFlags("--tracing", "otlp", "--oidc-audience", "switchboard");
        assertEquals("otlp", traced.tracing().mode());
        assertEquals(9999, traced.port());
        assertEquals("https://issuer.example", traced.security().oidcIssuer());
        assertEquals("switchboard", traced.security().oidcAudience());
        assertEquals(false, traced.health().follow());
        assertEquals(base, base.withFlags());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> base.withFlags("--trace", "otlp"));
        assertTrue(unknown.getMessage().startsWith("Unknown flag --trace;"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> base.withFlags("--tracing", "jaeger"));
    }

    private String sample(Flag flag) throws IOException {
        if (flag == Flag.KAFKA_CONFIG || flag == Flag.WORKER_KAFKA_CONFIG) {
            return Files.writeString(dir.resolve(flag.flagName() + ".properties"), "sasl.mechanism=PLAIN\n").toString();
        }
        return SAMPLES.getOrDefault(flag, flag.type() == Flag.Type.PATH ? "/srv/" + flag.flagName() : "sample-" + flag.flagName());
    }

    /** The page's table of flags: from its header row to the first line that is not a row. */
    private static String docsTable(List<String> page) {
        StringBuilder table = new StringBuilder();
        boolean in = false;
        for (String line : page) {
            in = in ? line.startsWith("|") : line.startsWith("| flag |");
            if (in) {
                table.append(line).append('\n');
            } else if (table.length() > 0) {
                break;
            }
        }
        return table.toString();
    }
}
