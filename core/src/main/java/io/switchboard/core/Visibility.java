package io.switchboard.core;

import io.switchboard.secrets.Redactor;

import java.util.Map;
import java.util.Set;

/**
 * How much of a connector's config a caller sees. Secret values are hidden from everyone by the
 * {@link Redactor} (sealed values and secret keys show as {@value Redactor#MASK}); on top of that a
 * caller who may only view a cluster sees which keys a config has, not their values, also where a
 * worker quotes them in a trace ({@link #shapeText}). The core shapes every view it returns with the
 * caller's visibility, so no answer is rewritten after it is built.
 */
public enum Visibility {
    /** Every value but secrets. */
    FULL,
    /** Keys only: every value shows as {@value Redactor#MASK}. */
    KEYS_ONLY;

    /** The config as this caller may see it (already hidden of secrets when given to it). */
    public Map<String, String> shape(Map<String, String> config) {
        return this == FULL ? config : Redactor.keysOnly(config);
    }

    /**
     * A text a worker wrote about a connector (a trace, an error) as this caller may see it: for
     * {@link #KEYS_ONLY}, with every value of the connector's config in it shown as
     * {@value Redactor#MASK}, but the connector's name, which the caller addressed it by. Secrets
     * were hidden for everyone before the text was stored.
     */
    public String shapeText(String text, Map<String, String> config) {
        return this == FULL ? text : Redactor.scrubValues(text, config, Set.of(ConnectorConfigValidator.NAME));
    }
}
