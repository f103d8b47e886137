package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import io.switchboard.secrets.ConfigReferences;
import io.switchboard.secrets.SecretBox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Secret config values on their way in and out. Before a command leaves the API, the value of
 * every secret key (named so by {@link Redactor}, or declared PASSWORD by the plugin) is sealed;
 * placeholders such as {@code ${file:...}} pass untouched. Every answer shows secrets as
 * {@value Redactor#REDACTED}. References are read by {@link ConfigReferences} only, as a worker
 * reads them.
 */
public final class ConnectorSecrets {
    private final SecretBox box;
    private final Redactor keys;

    public ConnectorSecrets(SecretBox box, Redactor keys) {
        this.box = box;
        this.keys = keys;
    }

    /**
     * Refuses a value written in Switchboard's sealed form that this keyring cannot open: stored,
     * it could never be given to a connector, and the worker would fail it on every start.
     */
    public void requireOpenable(Map<String, String> config) {
        config.forEach((key, value) -> {
            for (ConfigReferences.Reference sealed : sealedIn(value)) {
                try {
                    open(sealed);
                } catch (SecretBox.SecretException e) {
                    throw new ServiceException.InvalidRequest(key, "The value of " + key + " is in Switchboard's sealed form ("
                            + SecretBox.PREFIX + "KEY-ID:CIPHERTEXT}) but cannot be opened: " + e.getMessage());
                }
            }
        });
    }

    /**
     * Refuses a sealed value that the connector's current config does not hold already. No answer
     * shows one, so a sealed text given is either an unchanged value sent back, which is kept, or one
     * copied from elsewhere (another connector's, a value the control plane sealed for itself): stored,
     * it would be opened for this connector's worker. A value is given as itself, and sealed here.
     *
     * @param current the connector's current (sealed) config; asked only when a sealed value is given
     */
    public void requireHeld(Map<String, String> config, java.util.function.Supplier<Map<String, String>> current) {
        Set<String> held = null;
        for (Map.Entry<String, String> entry : config.entrySet()) {
            for (ConfigReferences.Reference sealed : sealedIn(entry.getValue())) {
                if (held == null) {
                    held = new java.util.HashSet<>();
                    for (String value : current.get().values()) {
                        for (ConfigReferences.Reference kept : sealedIn(value)) {
                            held.add(kept.path() + ":" + kept.key());
                        }
                    }
                }
                if (!held.contains(sealed.path() + ":" + sealed.key())) {
                    throw new ServiceException.InvalidRequest(entry.getKey(), "The value of " + entry.getKey() + " holds a value in "
                            + "Switchboard's sealed form that this connector does not hold: a sealed value can be kept, never given. "
                            + "Give the value itself, which is sealed here");
                }
            }
        }
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
        if (value == null || SecretBox.isSealed(value) || Redactor.isPlaceholder(value)
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
     * Refuses a config that holds a secret (a sealed value, or a named secret's reference, anywhere
     * in a value) for a cluster whose workers cannot open it: Switchboard never sends a worker a
     * secret in the clear, where it would sit in the worker's config topic and come back in its
     * answers. Such a value can be given through a config provider the workers have
     * ({@code ${file:...}}, {@code ${env:...}}).
     */
    public void requireDeliverable(String cluster, Map<String, String> config, boolean workersOpenSecrets) {
        requireDeliverable(cluster, config, workersOpenSecrets, null);
    }

    /**
     * As {@link #requireDeliverable(String, Map, boolean)}, and also refusing a plain value of a
     * secret key (by its name, or one of {@code passwordKeys}, the keys the plugin declares PASSWORD):
     * asked before the config goes to the worker at all, even for validation.
     *
     * @param passwordKeys null: plain values are not looked at (the config is already sealed)
     */
    public void requireDeliverable(String cluster, Map<String, String> config, boolean workersOpenSecrets,
                                   Set<String> passwordKeys) {
        if (workersOpenSecrets) {
            return;
        }
        List<String> refused = new ArrayList<>();
        config.forEach((key, value) -> {
            boolean plainSecret = passwordKeys != null && value != null && !Redactor.isPlaceholder(value)
                    && (keys.matches(key) || passwordKeys.contains(key));
            if (plainSecret || ConfigReferences.holdsSecret(value)) {
                refused.add(key);
            }
        });
        if (refused.isEmpty()) {
            return;
        }
        String named = String.join(", ", refused);
        String message = "The workers of Connect cluster " + cluster + " cannot open Switchboard's secrets, and Switchboard "
                + "never sends them a secret in the clear: give " + named + " through a config provider those workers have, "
                + "such as ${file:PATH:KEY} or ${env:NAME}";
        throw new ServiceException.InvalidRequest(message,
                refused.stream().map(key -> new ServiceException.Violation(key, message)).toList());
    }

    /**
     * What to check of a config before it goes to a cluster's worker at all (to be validated): for a
     * cluster whose workers cannot open secrets, {@link #requireDeliverable(String, Map, boolean, Set)}
     * with the keys the plugin declares PASSWORD; null for the others.
     */
    public Consumer<Set<String>> beforeSending(String cluster, Map<String, String> config, boolean workersOpenSecrets) {
        return workersOpenSecrets ? null : passwordKeys -> requireDeliverable(cluster, config, false, passwordKeys);
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
            for (ConfigReferences.Reference reference : ConfigReferences.in(value)) {
                if (reference.isSealed()) {
                    try {
                        values.add(open(reference));
                    } catch (SecretBox.SecretException e) {
                        // No key here opens it: no worker got it from this keyring either.
                    }
                } else if (reference.isNamedSecret()) {
                    try {
                        named.apply(reference.key()).ifPresent(values::add);
                    } catch (RuntimeException e) {
                        // Not readable now (the store is loading, or its key is gone): nothing to hide by it.
                    }
                }
            }
            if (keys.matches(key) && !Redactor.isPlaceholder(value) && !SecretBox.isSealed(value)) {
                values.add(value);
            }
        });
        return values;
    }

    private static List<ConfigReferences.Reference> sealedIn(String value) {
        return ConfigReferences.in(value).stream().filter(ConfigReferences.Reference::isSealed).toList();
    }

    private String open(ConfigReferences.Reference sealed) {
        if (sealed.path().isEmpty()) {
            throw new SecretBox.SecretException("A sealed value names its key: ${switchboard:KEY-ID:CIPHERTEXT}");
        }
        return box.open(sealed.path(), sealed.key());
    }

    /** The config as it may be shown. */
    public Map<String, String> hidden(Map<String, String> config) {
        Map<String, String> shown = new LinkedHashMap<>();
        config.forEach((key, value) -> shown.put(key, keys.hide(key, value)));
        return shown;
    }

    public Redactor keys() {
        return keys;
    }
}
