package io.switchboard.connect;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which config keys hold secrets, by name: passwords, secrets, API keys and credentials.
 * Values of such keys are shown as {@value #REDACTED}. Externalised values such as
 * {@code ${file:...}} placeholders are not secrets themselves and are shown as they are.
 */
public final class SecretKeys {
    public static final String REDACTED = "****************";
    private static final Pattern SECRET = Pattern.compile(
            "(^|[._-])(password|passwd|secret|credentials?)([._-]|$)|api[._-]?key|private[._-]?key|token($|[._-])");

    private SecretKeys() {
    }

    public static boolean isSecret(String key) {
        return key != null && SECRET.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    public static String redact(String key, String value) {
        if (value == null || !isSecret(key) || (value.startsWith("${") && value.endsWith("}"))) {
            return value;
        }
        return REDACTED;
    }

    /** A copy of the config, in the order Kafka Connect prints it, with secret values hidden. */
    public static Map<String, String> redacted(Map<String, String> config) {
        Map<String, String> hidden = new java.util.LinkedHashMap<>();
        config.forEach((k, v) -> hidden.put(k, redact(k, v)));
        // Copied as Kafka Connect copies a config, so that it prints in the same order.
        return new java.util.HashMap<>(hidden);
    }

}
