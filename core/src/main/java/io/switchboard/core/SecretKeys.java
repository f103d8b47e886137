package io.switchboard.core;

import io.switchboard.secrets.ConfigReferences;
import io.switchboard.secrets.SecretBox;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which config keys hold secrets, by name: always passwords, secrets, API keys, private keys,
 * tokens and credentials (the built-in rule), and also any of the operator's own globs
 * ({@code *.pass,*dsn*}), which add to the built-in rule and never narrow it. Values of such keys,
 * and values Switchboard sealed, are shown as {@value #REDACTED}. A placeholder, a value that is
 * exactly one config provider reference ({@code ${file:...}}, read by {@link ConfigReferences}), is
 * not a secret itself and is shown as it is.
 */
public final class SecretKeys {
    public static final String REDACTED = "****************";
    private static final Pattern BUILT_IN = Pattern.compile(
            "(^|[._-])(password|passwd|secret|credentials?)([._-]|$)|api[._-]?key|private[._-]?key|token($|[._-])");
    public static final SecretKeys DEFAULT = new SecretKeys(BUILT_IN, "the built-in rule");

    private final Pattern pattern;
    private final String description;

    private SecretKeys(Pattern pattern, String description) {
        this.pattern = pattern;
        this.description = description;
    }

    /**
     * Keys the built-in rule matches, and also keys matching any of the comma-separated globs
     * ({@code *} is any text), case-insensitively; null or blank: the built-in rule alone.
     */
    public static SecretKeys fromGlobs(String globs) {
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
        return new SecretKeys(Pattern.compile("(" + BUILT_IN.pattern() + ")|" + regex), "the built-in rule and " + globs);
    }

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

    /** The value as it may be shown: a value holding a sealed value anywhere is hidden whole. */
    public String hide(String key, String value) {
        if (value == null) {
            return null;
        }
        if (ConfigReferences.in(value).stream().anyMatch(ConfigReferences.Reference::isSealed)) {
            return REDACTED;
        }
        return isPlaceholder(value) || !matches(key) ? value : REDACTED;
    }

    /** A copy of the config, in the order Kafka Connect prints it, with secret values hidden. */
    public Map<String, String> hideAll(Map<String, String> config) {
        Map<String, String> hidden = new LinkedHashMap<>();
        config.forEach((k, v) -> hidden.put(k, hide(k, v)));
        // Copied as Kafka Connect copies a config, so that it prints in the same order.
        return new HashMap<>(hidden);
    }

    /**
     * The text with every occurrence of the given secret values replaced by {@value #REDACTED},
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
            scrubbed = scrubbed.replace(value, REDACTED);
        }
        return scrubbed;
    }

    public static boolean isSecret(String key) {
        return DEFAULT.matches(key);
    }

    public static String redact(String key, String value) {
        return DEFAULT.hide(key, value);
    }

    public static Map<String, String> redacted(Map<String, String> config) {
        return DEFAULT.hideAll(config);
    }

    @Override
    public String toString() {
        return description;
    }
}
