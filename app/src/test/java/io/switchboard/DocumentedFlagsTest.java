package io.switchboard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every flag docs/configuration.md describes is one the replica takes: each is parsed with a valid
 * value, and none may be an "Unknown flag" (as {@code --tracing} once was, though the page and
 * {@code --help} described it).
 */
class DocumentedFlagsTest {
    static final Path PAGE = Path.of("..", "docs", "configuration.md");

    /** Values of the flags whose value has a form of its own; any other takes its documented default, or a word. */
    private static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("tracing", "otlp"),
            Map.entry("connect-cluster", "prod=http://connect:8083;status-topic=connect-status"),
            Map.entry("confluent-scope", "prod=env-1/lkc-1"),
            Map.entry("kafka-property", "security.protocol=SASL_SSL"),
            Map.entry("worker-kafka-property", "security.protocol=SASL_SSL"),
            Map.entry("rate-limit", "100/60"),
            Map.entry("trusted-proxies", "10.0.12.0/24,fd00:12::/64"),
            Map.entry("advertised-url", "http://replica-1:8083"),
            Map.entry("oidc-issuer", "https://issuer.example"),
            Map.entry("full-pass-interval-ms", "500"));

    @TempDir
    Path dir;

    @Test
    void everyFlagThePageDescribesParses() throws IOException {
        Path kafkaConfig = Files.writeString(dir.resolve("client.properties"), "sasl.mechanism=PLAIN\n");
        Set<String> flags = documentedFlags();
        assertTrue(flags.contains("tracing") && flags.contains("port"), flags::toString);
        List<String> refused = new ArrayList<>();
        for (String flag : flags) {
            String value = flag.endsWith("kafka-config") ? kafkaConfig.toString() : sample(flag);
            try {
                SwitchboardOptions.parse(new String[]{"--" + flag, value}, Map.of());
            } catch (IllegalArgumentException e) {
                refused.add("--" + flag + " " + value + ": " + e.getMessage());
            }
        }
        if (!refused.isEmpty()) {
            fail("flags docs/configuration.md describes that the replica refuses:\n" + String.join("\n", refused));
        }
    }

    @Test
    void tracingOtlpIsTaken() {
        assertEquals("otlp", SwitchboardOptions.parse(new String[]{"--tracing", "otlp"}, Map.of()).tracing().mode());
        assertEquals("otlp", SwitchboardOptions.parse(new String[]{"--tracing=otlp"}, Map.of()).tracing().mode());
        assertEquals("otlp", SwitchboardOptions.parse(new String[0], Map.of("SWITCHBOARD_TRACING", "otlp")).tracing().mode());
        assertEquals("off", SwitchboardOptions.parse(new String[0], Map.of()).tracing().mode());
    }

    /** Every {@code `--name`} on the page: the table of flags, and the flags its other sections name. */
    static Set<String> documentedFlags() throws IOException {
        Matcher flag = Pattern.compile("`--([a-z0-9-]+)").matcher(Files.readString(PAGE));
        Set<String> flags = new TreeSet<>();
        while (flag.find()) {
            flags.add(flag.group(1));
        }
        return flags;
    }

    /** The flag's sample value, else its default as the page's table gives it when that is one word, else a word. */
    private static String sample(String flag) throws IOException {
        if (SAMPLES.containsKey(flag)) {
            return SAMPLES.get(flag);
        }
        for (String line : Files.readAllLines(PAGE)) {
            if (line.startsWith("| `--" + flag + "` |")) {
                String[] cells = line.split("\\s*\\|\\s*");
                for (String cell : cells) {
                    String value = cell.replace("`", "");
                    if (value.matches("[0-9]+|true|false")) {
                        return value;
                    }
                }
            }
        }
        return "sample";
    }
}
