package io.switchboard.rules;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users' patterns and templates are judged in linear time, or refused as beyond the bounds. */
class LinearPatternsTest {
    private static final String CATASTROPHIC = ".*".repeat(24) + "Z";
    private static final String SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

    private static ConnectorPolicies.Refusal refusal(String... keysAndValues) {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConnectorPolicies.refusal(ConnectorPoliciesTest.CONTROL_PLANE, config);
    }

    @Test
    void aCatastrophicTopicsRegexIsJudgedAtOnce() {
        // java.util.regex takes about C(n+24, 24) steps for a name of n characters: longer than any test runs.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 8; i++) {
                assertNull(refusal("connector.class", SINK, "topics.regex", CATASTROPHIC));
            }
            assertNotNull(refusal("connector.class", SINK, "topics.regex", ".*".repeat(24) + "configs"));
        });
    }

    @Test
    void aRouterTemplateIsJudgedByItsLiteralPrefixInLinearTime() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ConnectorPolicies.Refusal repeated = refusal("connector.class", SOURCE, "topic", "orders", "transforms", "r",
                    "transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter", "transforms.r.regex", "(.*)",
                    "transforms.r.replacement", "$1".repeat(20) + "X");
            assertNotNull(repeated);
            assertEquals("transforms.r.replacement", repeated.key());
            assertTrue(repeated.message().contains("literal text"), repeated.message());
            assertNull(refusal("connector.class", SOURCE, "topic", "orders", "transforms", "r",
                    "transforms.r.type", "org.apache.kafka.connect.transforms.RegexRouter", "transforms.r.regex", "(.*)",
                    "transforms.r.replacement", "archive." + "$1".repeat(20) + "X"));
            assertNotNull(refusal("connector.class", SOURCE, "topic", "orders", "transforms", "t",
                    "transforms.t.type", "org.apache.kafka.connect.transforms.TimestampRouter",
                    "transforms.t.topic.format", "${topic}".repeat(20) + "X"));
        });
    }

    @Test
    void patternsBeyondTheBoundsOrBeyondRe2AreRefusedNamingWhy() {
        assertTrue(LinearPatterns.compile("a".repeat(LinearPatterns.MAX_LENGTH + 1)).problem().contains("characters long"));
        assertTrue(LinearPatterns.compile("((a{100}){100}){100}").problem().contains("counted repetitions"));
        assertNotNull(LinearPatterns.compile("[0-9]{4}-[0-9]{2}").pattern());
        // A lookahead java.util.regex would run by backtracking: refused rather than guessed at.
        ConnectorPolicies.Refusal lookahead = refusal("connector.class", SINK, "topics.regex", "(?=orders).*");
        assertEquals("topics.regex", lookahead.key());
        assertTrue(lookahead.message().contains("backtracking"), lookahead.message());
        // No pattern for Kafka Connect either: the worker refuses it in its own words.
        assertNull(LinearPatterns.compile("(").pattern());
        assertNull(LinearPatterns.compile("(").problem());
    }

    @Test
    void constructsTheTwoEnginesReadDifferentlyAreNamed() {
        for (String regex : new String[] {"[[:digit:]]", "[a[b]]", "[^a[b]]", "[a-z&&[^x]]", "(a)\\1", "\\0101", "\\101", "a\\v",
                "(?U)a+", "(?iU:a)"}) {
            assertNotNull(LinearPatterns.readDifferently(regex), regex);
            assertTrue(LinearPatterns.compile(regex).problem() == null || LinearPatterns.compile(regex).problem().contains("differently"), regex);
        }
        for (String regex : new String[] {"[]a]", "[^]a]", "\\[\\[:digit:]]", "\\Q[[:digit:]]\\E", "[a-]", "(?i)orders", "(?<name>a)",
                "\\d+", "a&&b", "[\\[]"}) {
            assertNull(LinearPatterns.readDifferently(regex), regex);
        }
    }

    @Test
    void manyStarredGlobsMatchInLinearTime() {
        String glob = "*a".repeat(30) + "b";
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertTrue(!UserPolicies.glob(glob).matcher("a".repeat(200)).matches());
            assertTrue(UserPolicies.glob(glob).matcher("a".repeat(200) + "b").matches());
        });
    }
}
