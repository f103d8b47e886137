package io.switchboard.secrets;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A viewer's scrub of a trace: what an alternation of the values, longest first, hid, in linear time. */
class LiteralScrubTest {
    private static final String M = Redactor.MASK;

    /** The alternation the scrub was: every value quoted, longest first, in any case, between the lookarounds given. */
    private static String alternation(String text, Set<String> values, String before, String after) {
        if (values.isEmpty()) {
            return text;
        }
        String alternatives = values.stream().sorted(Comparator.comparingInt(String::length).reversed().thenComparing(v -> v))
                .map(Pattern::quote).collect(Collectors.joining("|"));
        return Pattern.compile(before + "(?:" + alternatives + ")" + after, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                .matcher(text).replaceAll(Matcher.quoteReplacement(M));
    }

    @Test
    void hidesWhatTheAlternationHid() {
        Random random = new Random(79);
        String alphabet = "abAB1 :/-é";
        for (int n = 0; n < 20_000; n++) {
            Set<String> values = new HashSet<>();
            Set<String> words = new HashSet<>();
            for (int v = random.nextInt(5); v > 0; v--) {
                values.add(random(random, alphabet, 1 + random.nextInt(5)));
                String word = random(random, "abAB1é", 1 + random.nextInt(3));
                if (word.chars().anyMatch(Character::isLetter)) {
                    words.add(word);
                }
            }
            String text = random(random, alphabet, random.nextInt(30));
            assertEquals(alternation(text, values, "", ""), LiteralScrub.anywhere(text, values, M), text + " " + values);
            assertEquals(alternation(text, words, "(?<![\\p{L}\\p{N}])", "(?![\\p{L}\\p{N}])"), LiteralScrub.wholeWords(text, words, M),
                    text + " " + words);
        }
        assertEquals("x" + M + "y", LiteralScrub.anywhere("xHunter2y", Set.of("hunter", "hunter2"), M));
        assertEquals(M + " " + M + " dbs " + M + ".hosts", LiteralScrub.wholeWords("db DB dbs s.hosts", Set.of("db", "s"), M));
    }

    /**
     * A config of many short parts and a long trace: the alternation tried every part at every
     * place of the trace (parts × trace length, per status read); the scrub is linear.
     */
    @Test
    void manyPartsAndALongTraceAreScrubbedInLinearTime() {
        Map<String, String> config = new HashMap<>();
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            list.append(String.format("p%06d,", i));
        }
        config.put("topics", list.toString());
        String trace = "at org.example.Task.run(Task.java:12) p000042 ".repeat(3_000);
        String scrubbed = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> Redactor.scrubValues(trace, config, Set.of()), "a linear scrub");
        assertFalse(scrubbed.contains("p000042"));
        assertTrue(scrubbed.contains("Task.java:12"));
    }

    private static String random(Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
