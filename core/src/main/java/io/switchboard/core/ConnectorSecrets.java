package io.switchboard.core;

import io.switchboard.secrets.SecretBox;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;

/**
 * Secret config values on their way in and out. Before a command leaves the API, the value of
 * every secret key (named so by {@link SecretKeys}, or declared PASSWORD by the plugin) is sealed;
 * placeholders such as {@code ${file:...}} pass untouched. Every answer shows secrets as
 * {@value SecretKeys#REDACTED}.
 */
public final class ConnectorSecrets {
    private final SecretBox box;
    private final SecretKeys keys;

    public ConnectorSecrets(SecretBox box, SecretKeys keys) {
        this.box = box;
        this.keys = keys;
    }

    /**
     * Refuses a value written in Switchboard's sealed form that this keyring cannot open: stored,
     * it could never be given to a connector, and the worker would fail it on every start.
     */
    public void requireOpenable(Map<String, String> config) {
        config.forEach((key, value) -> {
            if (SecretBox.isSealed(value)) {
                try {
                    box.open(value);
                } catch (SecretBox.SecretException e) {
                    throw new ServiceException.InvalidRequest(key, "The value of " + key + " is in Switchboard's sealed form ("
                            + SecretBox.PREFIX + "KEY-ID:CIPHERTEXT}) but cannot be opened: " + e.getMessage());
                }
            }
        });
    }

    /**
     * The config with its secret values sealed. A value equal to what the current config holds keeps
     * the current sealed text, so an update that changes nothing stays a no-op across key rotations.
     *
     * @param passwordKeys keys the plugin declares PASSWORD
     * @param current      the connector's current (sealed) config, or an empty map
     */
    public Map<String, String> seal(Map<String, String> config, Set<String> passwordKeys, Map<String, String> current) {
        Map<String, String> sealed = new LinkedHashMap<>();
        config.forEach((key, value) -> sealed.put(key, sealValue(key, value, passwordKeys, current)));
        return sealed;
    }

    private String sealValue(String key, String value, Set<String> passwordKeys, Map<String, String> current) {
        if (value == null || SecretBox.isSealed(value) || SecretKeys.isPlaceholder(value)
                || !(keys.matches(key) || passwordKeys.contains(key))) {
            return value;
        }
        String existing = current.get(key);
        if (SecretBox.isSealed(existing)) {
            try {
                if (box.open(existing).equals(value)) {
                    return existing;
                }
            } catch (SecretBox.SecretException e) {
                // sealed with a key that is gone: seal anew
            }
        }
        return box.seal(key, value);
    }

    /**
     * Refuses a config that holds a secret (a sealed value, or a named secret's reference) for a
     * cluster whose workers cannot open it: Switchboard never sends a worker a secret in the clear,
     * where it would sit in the worker's config topic and come back in its answers. Such a value can
     * be given through a config provider the workers have ({@code ${file:...}}, {@code ${env:...}}).
     */
    public void requireDeliverable(String cluster, Map<String, String> config, boolean workersOpenSecrets) {
        if (workersOpenSecrets) {
            return;
        }
        config.forEach((key, value) -> {
            if (value != null && (SecretBox.isSealed(value) || NamedSecrets.REFERENCE.matcher(value).find())) {
                throw new ServiceException.InvalidRequest(key, "The workers of Connect cluster " + cluster + " cannot open "
                        + "Switchboard's secrets, and Switchboard never sends them a secret in the clear: give " + key
                        + " through a config provider those workers have, such as ${file:PATH:KEY} or ${env:NAME}");
            }
        });
    }

    /** The config with sealed values opened, leaving sealed what no key in the keyring opens (for validation only). */
    public Map<String, String> openWherePossible(Map<String, String> config) {
        Map<String, String> opened = new LinkedHashMap<>();
        config.forEach((key, value) -> {
            String shown = value;
            if (SecretBox.isSealed(value)) {
                try {
                    shown = box.open(value);
                } catch (SecretBox.SecretException e) {
                    // kept sealed
                }
            }
            opened.put(key, shown);
        });
        return opened;
    }

    /**
     * What a worker may quote back from a connector's config: the opened value of every sealed
     * value, every named secret's value, and every plain value of a secret key. A connector that
     * fails while it signs in often puts the credential in its exception message, which the worker
     * reports as the status's trace.
     *
     * @param named a named secret's value by its name, or empty when this replica cannot read it
     */
    public Set<String> quotable(Map<String, String> config, Function<String, Optional<String>> named) {
        Set<String> values = new HashSet<>();
        config.forEach((key, value) -> {
            if (value == null) {
                return;
            }
            if (SecretBox.isSealed(value)) {
                try {
                    values.add(box.open(value));
                } catch (SecretBox.SecretException e) {
                    // No key here opens it: no worker got it from this keyring either.
                }
                return;
            }
            Matcher reference = NamedSecrets.REFERENCE.matcher(value);
            while (reference.find()) {
                try {
                    named.apply(reference.group(1)).ifPresent(values::add);
                } catch (RuntimeException e) {
                    // Not readable now (the store is loading, or its key is gone): nothing to hide by it.
                }
            }
            if (keys.matches(key) && !SecretKeys.isPlaceholder(value)) {
                values.add(value);
            }
        });
        return values;
    }

    /** The config as it may be shown. */
    public Map<String, String> hidden(Map<String, String> config) {
        Map<String, String> shown = new LinkedHashMap<>();
        config.forEach((key, value) -> shown.put(key, keys.hide(key, value)));
        return shown;
    }

    public SecretKeys keys() {
        return keys;
    }
}
