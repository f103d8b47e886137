package io.switchboard.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much of a connector's config a caller sees. Secret values are hidden from everyone (sealed
 * values and secret keys show as {@value SecretKeys#REDACTED}); on top of that a caller who may only
 * view a cluster sees which keys a config has, not their values. The core shapes every view it
 * returns with the caller's visibility, so no answer is rewritten after it is built.
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
}
