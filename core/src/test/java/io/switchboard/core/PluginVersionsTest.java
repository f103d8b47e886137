package io.switchboard.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.PluginVersions.Installed;
import io.switchboard.core.PluginVersions.Unmet;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** KIP-891's version requirements judged against the plugins a cluster's workers list. */
class PluginVersionsTest {
    private static final String VERSIONED = "com.example.VersionedSourceConnector";
    private static final String JSON_CONVERTER = "org.apache.kafka.connect.json.JsonConverter";
    private static final List<Installed> INSTALLED = List.of(
            new Installed(VERSIONED, "source", "2.0.0"),
            new Installed(VERSIONED, "source", "1.0.0"),
            new Installed(VERSIONED, "source", "1.10.0"),
            new Installed(JSON_CONVERTER, "converter", "4.3.1"),
            new Installed(JSON_CONVERTER, "header_converter", "4.3.1"),
            new Installed("com.example.Unversioned", "sink", null));

    private static List<Unmet> unmet(String... keysAndValues) {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("connector.class", VERSIONED);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return PluginVersions.unmet(config, INSTALLED);
    }

    @Test
    void aVersionTheWorkersHaveIsMetAndOneTheyDoNotIsRefusedNamingTheirs() {
        assertEquals(List.of(), unmet("connector.plugin.version", "1.0.0"));
        assertEquals(List.of(), unmet("connector.plugin.version", "latest"));
        assertEquals(List.of(), unmet());
        List<Unmet> missing = unmet("connector.plugin.version", "9.9.9");
        assertEquals(1, missing.size());
        assertEquals("Invalid value 9.9.9 for configuration connector.plugin.version: no such version is installed; "
                + "the cluster's workers have " + VERSIONED + " in versions 1.0.0, 1.10.0, 2.0.0", missing.get(0).message());
        assertFalse(missing.get(0).malformed());
    }

    @Test
    void aRangeIsReadAsKafkaConnectReadsItAndOneVersionIsRequiredExactly() {
        assertEquals(List.of(), unmet("connector.plugin.version", "[1.0,2.0)"));
        assertEquals(1, unmet("connector.plugin.version", "[3.0,)").size());
        // One version alone is required exactly, not recommended: 1.5 is not installed.
        assertEquals(1, unmet("connector.plugin.version", "1.5").size());
        // An empty value requires nothing Kafka Connect can find either.
        assertEquals(1, unmet("connector.plugin.version", "").size());
        Unmet malformed = unmet("connector.plugin.version", "[1.0").get(0);
        assertTrue(malformed.malformed());
        assertTrue(malformed.message().contains("neither a version nor a version range"), malformed.message());
    }

    @Test
    void theVersionChosenIsTheLatestTheRequirementAllows() {
        List<String> versions = List.of("1.0.0", "1.10.0", "2.0.0");
        assertEquals("1.10.0", PluginVersions.chosen("[1.0,2.0)", versions));
        assertEquals("2.0.0", PluginVersions.chosen(null, versions));
        assertEquals("2.0.0", PluginVersions.chosen("latest", versions));
        assertEquals("1.0.0", PluginVersions.chosen("1.0.0", versions));
        assertNull(PluginVersions.chosen("9.9.9", versions));
    }

    @Test
    void theClassIsFoundUnderKafkaConnectsAliasesAndConvertersByTheirOwnKey() {
        assertEquals(1, PluginVersions.unmet(Map.of("connector.class", "VersionedSource", "connector.plugin.version", "9"),
                INSTALLED).size());
        assertEquals(1, PluginVersions.unmet(Map.of("connector.class", "VersionedSourceConnector", "connector.plugin.version", "9"),
                INSTALLED).size());
        List<Unmet> converter = PluginVersions.unmet(Map.of("connector.class", VERSIONED, "value.converter", "JsonConverter",
                "value.converter.plugin.version", "3.0.0", "header.converter", JSON_CONVERTER, "header.converter.plugin.version", "4.3.1"),
                INSTALLED);
        assertEquals(1, converter.size());
        assertEquals(PluginVersions.Key.VALUE_CONVERTER, converter.get(0).key());
        assertEquals(List.of("4.3.1"), converter.get(0).installed());
    }

    @Test
    void whatOnlyTheWorkerCanJudgeIsLeftToIt() {
        // No converter class in the config: the version is the worker's default converter's.
        assertEquals(List.of(), unmet("value.converter.plugin.version", "3.0.0"));
        // A class the workers do not have, or have with no version: unmet, but a write's refusal is the worker's
        // validation's, in its words.
        Map<String, String> nowhere = Map.of("connector.class", "com.example.Nowhere", "connector.plugin.version", "1");
        assertEquals("Invalid value 1 for configuration connector.plugin.version: no such version is installed; "
                + "the cluster's workers have no version of com.example.Nowhere", PluginVersions.unmet(nowhere, INSTALLED).get(0).message());
        assertEquals(List.of(), PluginVersions.violations(nowhere, INSTALLED));
        assertEquals(List.of(), PluginVersions.violations(Map.of("connector.class", "com.example.Unversioned",
                "connector.plugin.version", "1"), INSTALLED));
        // "1" is 1.0.0 to Maven, as to Kafka Connect; 3 is no version installed.
        assertEquals(List.of(), PluginVersions.violations(Map.of("connector.class", VERSIONED, "connector.plugin.version", "1"), INSTALLED));
        assertEquals(1, PluginVersions.violations(Map.of("connector.class", VERSIONED, "connector.plugin.version", "3"), INSTALLED).size());
    }

    @Test
    void aWorkersListIsReadWithUndefinedAsNoVersion() throws Exception {
        List<Installed> read = PluginVersions.installed(new ObjectMapper().readTree(
                "[{\"class\":\"a.B\",\"type\":\"source\",\"version\":\"1.0\"},{\"class\":\"a.C\",\"type\":\"sink\",\"version\":\"undefined\"},"
                        + "{\"class\":\"a.D\",\"type\":\"predicate\"}]"));
        assertEquals(List.of(new Installed("a.B", "source", "1.0"), new Installed("a.C", "sink", null),
                new Installed("a.D", "predicate", null)), read);
        assertTrue(PluginVersions.requiresAny(Map.of("key.converter.plugin.version", "1")));
        assertFalse(PluginVersions.requiresAny(Map.of("connector.plugin.version", "latest", "connector.class", "x")));
    }
}
