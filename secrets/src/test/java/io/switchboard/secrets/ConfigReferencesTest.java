package io.switchboard.secrets;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** References read as a Kafka Connect worker reads them, checked against Kafka's own ConfigTransformer. */
class ConfigReferencesTest {

    @Test
    void bothFormsOfANamedSecretNameTheKey() {
        assertEquals(List.of("NAME"), ConfigReferences.namedSecrets("${secretsManager:NAME}"));
        assertEquals(List.of("NAME"), ConfigReferences.namedSecrets("${secretsManager:x:NAME}"));
        assertEquals(List.of("LEAK2"), ConfigReferences.namedSecrets("/nonexistent-dir/${secretsManager:x:LEAK2}"));
        assertEquals(List.of("A", "B"), ConfigReferences.namedSecrets("${secretsManager:A}-${secretsManager:p/q:B}"));
        assertEquals(List.of(), ConfigReferences.namedSecrets("${file:/etc/creds:secretsManager}"));
        assertEquals(List.of(), ConfigReferences.namedSecrets("$secretsManager:A}"));
        assertEquals(List.of(), ConfigReferences.namedSecrets(null));
    }

    @Test
    void aPlaceholderIsExactlyOneReference() {
        assertTrue(ConfigReferences.isReference("${env:X}"));
        assertTrue(ConfigReferences.isReference("${file:/etc/creds.properties:db.password}"));
        assertTrue(ConfigReferences.isReference("${secretsManager:x:NAME}"));
        assertFalse(ConfigReferences.isReference("${env:X}hunter2}"));
        assertFalse(ConfigReferences.isReference("${env:X}${env:Y}"));
        assertFalse(ConfigReferences.isReference("x${env:X}"));
        assertFalse(ConfigReferences.isReference("${nocolon}"));
        assertFalse(ConfigReferences.isReference("${env:X"));
        assertTrue(ConfigReferences.holdsReference("${env:X}hunter2}"));
        assertEquals(List.of("hunter2}"), ConfigReferences.literals("${env:X}hunter2}"));
        assertEquals(List.of("/nonexistent-dir/"), ConfigReferences.literals("/nonexistent-dir/${secretsManager:x:LEAK2}"));
    }

    @Test
    void sealedValuesAreReferencesToTheSwitchboardProvider() {
        SecretBox box = new SecretBox(Keyring.parse(Keyring.newKeyLine()));
        String sealed = box.seal("db.password", "hunter2");
        assertTrue(SecretBox.isSealed(sealed));
        assertTrue(ConfigReferences.holdsSecret("x" + sealed));
        assertFalse(SecretBox.isSealed(sealed + "}"), "a sealed value with text after it is not one");
        assertFalse(SecretBox.isSealed("${switchboard:k1:abc}hunter2}"));
        assertTrue(ConfigReferences.holdsSecret("${secretsManager:x:NAME}"));
        assertFalse(ConfigReferences.holdsSecret("${env:X}hunter2}"));
    }

    /** What this parser finds is exactly what Kafka's ConfigTransformer asks its providers for. */
    @Test
    void whatIsFoundIsWhatAWorkerResolves() {
        for (String value : List.of("${secretsManager:NAME}", "${secretsManager:x:NAME}", "/dir/${secretsManager:x:NAME}/more",
                "${secretsManager:a:b:c}", "${secretsManager::NAME}", "${secretsManager:NAME}}", "${env:X}hunter2}",
                "${secretsManager:A}${secretsManager:B}", "pre${secretsManager:p/q:B}post", "${ secretsManager:NAME}",
                "${secretsManager: NAME}", "$${secretsManager:NAME}", "${{secretsManager:NAME}")) {
            Map<String, Set<String>> asked = new HashMap<>();
            ConfigProvider recording = new ConfigProvider() {
                @Override
                public ConfigData get(String path) {
                    return new ConfigData(Map.of());
                }

                @Override
                public ConfigData get(String path, Set<String> keys) {
                    asked.computeIfAbsent(path, p -> new java.util.TreeSet<>()).addAll(keys);
                    return new ConfigData(Map.of());
                }

                @Override
                public void configure(Map<String, ?> configs) {
                }

                @Override
                public void close() {
                }
            };
            new ConfigTransformer(Map.of("secretsManager", recording)).transform(Map.of("k", value));
            Set<String> askedKeys = new java.util.TreeSet<>();
            asked.values().forEach(askedKeys::addAll);
            assertEquals(askedKeys, new java.util.TreeSet<>(ConfigReferences.namedSecrets(value)), value);
        }
    }

    /**
     * The scanner finds exactly the triples, and the spans, of Kafka's own pattern, on many short
     * strings of the characters that matter ({@code $ { } :}) and a few others.
     */
    @Test
    void theScannerFindsWhatKafkasPatternFinds() {
        java.util.regex.Pattern kafka = ConfigTransformer.DEFAULT_PATTERN;
        char[] alphabet = {'$', '{', '}', ':', ':', 'a', 'b', '/', ' '};
        java.util.Random random = new java.util.Random(79);
        int withReferences = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(24);
            for (int i = 0; i < length; i++) {
                text.append(random.nextInt(4) == 0 ? "${" : String.valueOf(alphabet[random.nextInt(alphabet.length)]));
            }
            String value = text.toString();
            List<String> expected = new java.util.ArrayList<>();
            java.util.regex.Matcher m = kafka.matcher(value);
            while (m.find()) {
                expected.add(m.group(1) + "|" + (m.group(3) == null ? "" : m.group(3)) + "|" + m.group(4) + "@" + m.start() + "-" + m.end());
            }
            List<String> found = ConfigReferences.in(value).stream()
                    .map(r -> r.provider() + "|" + r.path() + "|" + r.key() + "@" + r.start() + "-" + r.end()).toList();
            assertEquals(expected, found, value);
            assertEquals(kafka.matcher(value).matches(), ConfigReferences.isReference(value), value);
            assertEquals(!expected.isEmpty(), ConfigReferences.holdsReference(value), value);
            withReferences += expected.isEmpty() ? 0 : 1;
        }
        assertTrue(withReferences > 10_000, "the strings exercise references: " + withReferences);
    }

    /** Kafka's pattern takes hours on this (cubic backtracking); the scanner, milliseconds. */
    @Test
    void aValueBuiltToBacktrackIsScannedInLinearTime() {
        String colons = "${" + ":".repeat(30_000);
        String manyOpen = "${a".repeat(20_000) + ":" + "b".repeat(10);
        String manyClosed = "${a}".repeat(20_000) + "${" + ":".repeat(10_000);
        // Preemptive: a backtracking scan would not return for hours, and its thread is left behind.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 10; i++) {
                assertEquals(List.of(), ConfigReferences.in(colons));
                assertFalse(ConfigReferences.isReference(colons));
                assertFalse(ConfigReferences.holdsSecret(manyOpen));
                assertEquals(List.of(manyClosed), ConfigReferences.literals(manyClosed));
            }
        }, "ten scans of each, in milliseconds each (the bound is a busy machine's, far from hours)");
    }
}
