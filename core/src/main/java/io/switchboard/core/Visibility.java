package io.switchboard.core;

import io.switchboard.secrets.ConfigReferences;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How much of a connector's config a caller sees. Secret values are hidden from everyone (sealed
 * values and secret keys show as {@value SecretKeys#REDACTED}); on top of that a caller who may only
 * view a cluster sees which keys a config has, not their values, also where a worker quotes them
 * in a trace ({@link #shapeText}). The core shapes every view it returns with the caller's
 * visibility, so no answer is rewritten after it is built.
 */
public enum Visibility {
    /** Every value but secrets. */
    FULL,
    /** Keys only: every value shows as {@value SecretKeys#REDACTED}. */
    KEYS_ONLY;

    /** The config as this caller may see it (already hidden of secrets when given to it). */
    public Map<String, String> shape(Map<String, String> config) {
        if (this == FULL || config == null) {
            return config;
        }
        Map<String, String> keys = new LinkedHashMap<>();
        config.keySet().forEach(key -> keys.put(key, SecretKeys.REDACTED));
        return keys;
    }

    /**
     * Values shorter than this are left in a text: a trace's own words and numbers ({@code 1},
     * {@code sink}) cannot be told from them, and hiding them would hide the whole trace.
     */
    public static final int SHORTEST_HIDDEN_IN_TEXT = 4;

    /**
     * A text a worker wrote about a connector (a trace, an error) as this caller may see it: for
     * {@link #KEYS_ONLY}, with every value of the connector's config in it (the text of a value
     * between its references, which a worker passes as it is) shown as {@value SecretKeys#REDACTED},
     * but the connector's name, which the caller addressed it by. Secrets were hidden for everyone
     * before the text was stored.
     */
    public String shapeText(String text, Map<String, String> config) {
        if (this == FULL || text == null || config == null) {
            return text;
        }
        Set<String> values = new HashSet<>();
        config.forEach((key, value) -> {
            if (!ConnectorConfigValidator.NAME.equals(key)) {
                ConfigReferences.literals(value).stream().filter(v -> v.length() >= SHORTEST_HIDDEN_IN_TEXT).forEach(values::add);
            }
        });
        return SecretKeys.scrub(text, values);
    }
}
