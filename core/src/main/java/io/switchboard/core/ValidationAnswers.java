package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.secrets.ConfigReferences;

import java.util.Map;

/**
 * What a worker's validation (Kafka Connect's ConfigInfos) may show. A worker resolves config
 * provider references ({@code ${secretsManager:DB_PW}}, {@code ${env:...}}, {@code ${file:...}})
 * before its plugin validates, and echoes each value it validated, so its answer would carry the
 * values the references stand for. The caller gets back, for each key, the value it gave when that
 * value holds a reference, and {@link Redactor#REDACTED} for a key the secret-key rule matches (a
 * key the plugin declares as PASSWORD the worker shows as {@code [hidden]} itself). Errors, recommended values and definitions are
 * the plugin's, except that an error quoting a hidden value quotes it as shown.
 */
public final class ValidationAnswers {
    private ValidationAnswers() {
    }

    /**
     * @param infos the worker's answer, changed in place and returned
     * @param given the config the caller sent
     */
    public static JsonNode asGiven(JsonNode infos, Map<String, String> given, Redactor keys) {
        for (JsonNode config : infos.path("configs")) {
            if (!(config.path("value") instanceof ObjectNode shown)) {
                continue;
            }
            String key = shown.path("name").asText(config.path("definition").path("name").asText());
            String as = given.get(key);
            boolean referenced = ConfigReferences.holdsReference(as);
            String resolved = shown.hasNonNull("value") ? shown.path("value").asText() : "";
            String instead = keys.matches(key) ? Redactor.MASK : referenced ? as : null;
            if (instead == null) {
                continue;
            }
            // A PASSWORD the plugin declares the worker itself shows as "[hidden]".
            if (shown.hasNonNull("value")) {
                shown.put("value", instead);
            }
            if (shown.path("errors") instanceof ArrayNode errors) {
                for (int i = 0; i < errors.size(); i++) {
                    // A plugin's error may quote the value it refused: what a reference resolved to is never shown,
                    // also where the worker shows no value (one that does not parse as the key's type).
                    String error = errors.get(i).asText();
                    if (!resolved.isEmpty()) {
                        errors.set(i, error.replace(resolved, instead));
                    } else if (referenced) {
                        errors.set(i, "Invalid value for configuration " + key + ": the plugin refuses what its reference"
                                + " resolves to (not shown)");
                    }
                }
            }
        }
        return infos;
    }
}
