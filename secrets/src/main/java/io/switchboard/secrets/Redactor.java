package io.switchboard.secrets;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one redactor: every place a config leaves Switchboard (answers, history, lifecycle events and
 * their JSON, the event stream, logs) hides secrets with it. It holds the mask ({@value #MASK}),
 * reads sealed values and references with {@link ConfigReferences} (the sealed prefix is
 * {@link SecretBox#PREFIX}), and the key rule: always passwords, secrets, API keys, private keys,
 * tokens and credentials (the built-in rule), and also any of the operator's own globs
 * ({@code *.pass,*dsn*}), which add to the built-in rule and never narrow it. Values of such keys,
 * and values holding a sealed value anywhere, are shown as {@value #MASK}. A placeholder, a value
 * that is exactly one config provider reference ({@code ${file:...}}), is not a secret itself and
 * is shown as it is. On top of that, a caller who may only view a cluster sees keys and no values
 * ({@link #keysOnly}, {@link #scrubValues}).
 */
public final class Redactor {
    /** What a hidden value shows as, everywhere. */
    public static final String MASK = io.switchboard.worker.ResolvedSecrets.MASK;
    private static final Pattern BUILT_IN = Pattern.compile(
            "(^|[._-])(password|passwd|secret|credentials?)([._-]|$)|api[._-]?key|private[._-]?key|token($|[._-])");
    /** The built-in key rule alone. */
    public static final Redactor DEFAULT = new Redactor(BUILT_IN, "the built-in rule");
    /**
     * Values shorter than this are left in a text by {@link #scrubValues}: a trace's own words and
     * numbers ({@code 1}, {@code sink}) cannot be told from them, and hiding them would hide the whole trace.
     */
    public static final int SHORTEST_HIDDEN_IN_TEXT = io.switchboard.worker.ResolvedSecrets.SHORTEST_HIDDEN_IN_TEXT;

    private final Pattern pattern;
    private final String description;

    private Redactor(Pattern pattern, String description) {
        this.pattern = pattern;
        this.description = description;
    }

    /**
     * Keys the built-in rule matches, and also keys matching any of the comma-separated globs
     * ({@code *} is any text), case-insensitively; null or blank: the built-in rule alone.
     */
    public static Redactor fromGlobs(String globs) {
        if (globs == null || globs.isBlank()) {
            return DEFAULT;
        }
        String regex = Arrays.stream(globs.split(","))
                .map(String::trim).filter(g -> !g.isEmpty())
                .map(g -> "^" + Arrays.stream(g.toLowerCase(Locale.ROOT).split("\\*", -1))
                        .map(Pattern::quote).collect(Collectors.joining(".*")) + "$")
                .collect(Collectors.joining("|"));
        if (regex.isEmpty()) {
            return DEFAULT;
        }
        return new Redactor(Pattern.compile("(" + BUILT_IN.pattern() + ")|" + regex), "the built-in rule and " + globs);
    }

    /** Whether the key holds a secret by this rule. */
    public boolean matches(String key) {
        return key != null && pattern.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * A value that stands for a value kept elsewhere: the whole value is exactly one config provider
     * reference ({@code ${file:...}}) and not a sealed value. {@code ${env:X}hunter2}} is not one.
     */
    public static boolean isPlaceholder(String value) {
        return ConfigReferences.isReference(value) && !SecretBox.isSealed(value);
    }

    /** Whether a sealed value is anywhere in the value ({@code jdbc:x?p=${switchboard:...}} too). */
    public static boolean holdsSealed(String value) {
        return ConfigReferences.in(value).stream().anyMatch(ConfigReferences.Reference::isSealed);
    }

    /** The value as it may be shown: a value holding a sealed value anywhere is hidden whole. */
    public String hide(String key, String value) {
        return hidden(value, matches(key)) ? MASK : value;
    }

    /**
     * The one rule of what is hidden: a value holding a sealed value anywhere, or a secret key's
     * value that is not a placeholder. Views that show only whether a value changed ask it too.
     *
     * @param secretKey whether the value's key holds a secret ({@link #matches}, or a key the plugin declares PASSWORD)
     */
    public static boolean hidden(String value, boolean secretKey) {
        return value != null && (holdsSealed(value) || secretKey && !isPlaceholder(value));
    }

    /** A copy of the config, in the order Kafka Connect prints it, with secret values hidden. */
    public Map<String, String> hideAll(Map<String, String> config) {
        if (config == null) {
            return null;
        }
        Map<String, String> hidden = new LinkedHashMap<>();
        config.forEach((k, v) -> hidden.put(k, hide(k, v)));
        // Copied as Kafka Connect copies a config, so that it prints in the same order.
        return new HashMap<>(hidden);
    }

    /**
     * What lifecycle events keep of a config, which the command processor writes without knowing
     * the operator's key rule: every value holding a sealed value anywhere as {@value #MASK} (the
     * API seals the values of secret keys before they reach it), sorted by key.
     */
    public static Map<String, String> hideSealed(Map<String, String> config) {
        Map<String, String> shown = new TreeMap<>();
        config.forEach((key, value) -> shown.put(key, holdsSealed(value) ? MASK : value));
        return shown;
    }

    /** The config as a caller who may see keys only sees it: every value as {@value #MASK}. */
    public static Map<String, String> keysOnly(Map<String, String> config) {
        if (config == null) {
            return null;
        }
        Map<String, String> keys = new LinkedHashMap<>();
        config.keySet().forEach(key -> keys.put(key, MASK));
        return keys;
    }

    /**
     * A text a worker wrote about a connector (a trace, an error) as a caller who may see keys only
     * sees it: every value of the config in it (the text of a value between its references, which a
     * worker passes as it is) shown as {@value #MASK}, but the values of the keys given as shown
     * (the connector's name, which the caller addressed it by). A worker often quotes a value
     * changed, so besides: in any case; the parts of a value a worker parses out of it (the host,
     * port, path or query parts of a URL or connection string, the items of a list) of
     * {@value #SHORTEST_HIDDEN_IN_TEXT} characters or more; and a value shorter than that with a
     * letter in it where it stands as a word of its own. What stays: short numbers (a trace's own
     * line numbers cannot be told from them), and values a plugin quotes rewritten beyond this.
     */
    public static String scrubValues(String text, Map<String, String> config, Set<String> shownKeys) {
        if (text == null || config == null) {
            return text;
        }
        Set<String> values = new HashSet<>();
        Set<String> words = new HashSet<>();
        config.forEach((key, value) -> {
            if (shownKeys.contains(key)) {
                return;
            }
            for (String literal : ConfigReferences.literals(value)) {
                if (literal.length() >= SHORTEST_HIDDEN_IN_TEXT) {
                    values.add(literal);
                } else if (literal.chars().anyMatch(Character::isLetter) && literal.chars().allMatch(Character::isLetterOrDigit)) {
                    words.add(literal);
                }
                for (String part : VALUE_PARTS.split(literal)) {
                    if (part.length() >= SHORTEST_HIDDEN_IN_TEXT) {
                        values.add(part);
                    }
                }
            }
        });
        // Linear in the text and the values (LiteralScrub), not an alternation tried at every place of the text.
        return LiteralScrub.wholeWords(LiteralScrub.anywhere(text, values, MASK), words, MASK);
    }

    /** Where a worker splits a value into parts: a URL's or connection string's separators, a list's commas, spaces. */
    private static final Pattern VALUE_PARTS = Pattern.compile("[/:@?&=,;\\s]+");

    /**
     * The text with every occurrence of the given secret values replaced by {@value #MASK},
     * longest first, so that a value containing another is hidden whole.
     */
    public static String scrub(String text, Collection<String> secretValues) {
        if (text == null || secretValues.isEmpty()) {
            return text;
        }
        String scrubbed = text;
        List<String> longestFirst = secretValues.stream().filter(v -> v != null && !v.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String value : longestFirst) {
            scrubbed = scrubbed.replace(value, MASK);
        }
        return scrubbed;
    }

    @Override
    public String toString() {
        return description;
    }
}
