package io.switchboard.worker;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The secret values the config providers of this process resolved for a worker (sealed values and
 * named secrets), so that what a plugin quotes of them in the process's log can be replaced by the
 * mask ({@link #scrub}). Bounded: the {@value #MAX} values resolved last; values shorter than
 * {@value #SHORTEST_HIDDEN_IN_TEXT} characters are not kept (they cannot be told from a
 * log line's own words).
 */
public final class ResolvedSecrets {
    public static final int MAX = 1024;
    /** What every answer, log line and event shows in place of a secret value. */
    public static final String MASK = "****************";
    /** Values shorter than this are not hidden inside a longer text: they cannot be told from its own words. */
    public static final int SHORTEST_HIDDEN_IN_TEXT = 4;
    private static final Map<String, Boolean> VALUES = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX;
        }
    };
    /** The values, longest first, as the log reads them: replaced on each change. */
    private static volatile List<String> longestFirst = List.of();

    private ResolvedSecrets() {
    }

    public static void remember(String value) {
        if (value == null || value.length() < SHORTEST_HIDDEN_IN_TEXT) {
            return;
        }
        synchronized (VALUES) {
            if (VALUES.put(value, Boolean.TRUE) == null) {
                longestFirst = VALUES.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
            }
        }
    }

    /** How many values are kept now. */
    public static int size() {
        return longestFirst.size();
    }

    /** The text with every resolved secret value in it replaced by {@value #MASK}; the text itself when none is. */
    public static String scrub(String text) {
        List<String> values = longestFirst;
        if (text == null || values.isEmpty()) {
            return text;
        }
        String scrubbed = text;
        for (String value : values) {
            if (scrubbed.contains(value)) {
                scrubbed = scrubbed.replace(value, MASK);
            }
        }
        return scrubbed;
    }
}
