package io.switchboard.secrets;

import org.apache.kafka.common.config.ConfigTransformer;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Config provider references ({@code ${provider:key}}, {@code ${provider:path:key}}) read the way a
 * Kafka Connect worker reads them: with Kafka's own pattern ({@link ConfigTransformer#DEFAULT_PATTERN}),
 * so that what the worker will resolve is exactly what Switchboard's secret rules see. Every rule
 * about references (sealing, hiding, scrubbing traces, the in-use check of a named secret, the
 * refusal of secrets for workers that cannot open them) reads them here and nowhere else.
 *
 * <p>A worker resolves a reference anywhere in a value ({@code /dir/${secretsManager:PW}} too), so
 * the rules that follow what a worker opens ({@link #in}) look at every reference in a value. A
 * value is a placeholder, standing for a value kept elsewhere and shown as it is, only when the
 * whole value is exactly one reference ({@link #whole}): {@code ${env:X}hunter2}} is not one.
 */
public final class ConfigReferences {
    /** Kafka Connect's own grammar: provider, then an optional path, then the key. */
    public static final Pattern PATTERN = ConfigTransformer.DEFAULT_PATTERN;
    /** The provider of named secrets ({@code io.switchboard.worker.SecretStoreConfigProvider}). */
    public static final String NAMED_SECRETS = "secretsManager";
    /** The provider of sealed values ({@code io.switchboard.worker.SecretConfigProvider}). */
    public static final String SEALED = "switchboard";

    private ConfigReferences() {
    }

    /**
     * One reference as a worker reads it. {@code path} is empty when the reference has none, as
     * Kafka's ConfigTransformer makes it.
     */
    public record Reference(String provider, String path, String key, int start, int end) {
        public boolean isNamedSecret() {
            return NAMED_SECRETS.equals(provider);
        }

        public boolean isSealed() {
            return SEALED.equals(provider);
        }
    }

    /** Every reference in the value, in order; none for null. */
    public static List<Reference> in(String value) {
        List<Reference> found = new ArrayList<>();
        if (value == null) {
            return found;
        }
        Matcher m = PATTERN.matcher(value);
        while (m.find()) {
            found.add(of(m));
        }
        return found;
    }

    /** The reference the whole value is, if it is exactly one. */
    public static Optional<Reference> whole(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Matcher m = PATTERN.matcher(value);
        return m.matches() ? Optional.of(of(m)) : Optional.empty();
    }

    /** Whether the value is exactly one reference, of any provider. */
    public static boolean isReference(String value) {
        return whole(value).isPresent();
    }

    /** Whether a worker would resolve anything in the value. */
    public static boolean holdsReference(String value) {
        return value != null && PATTERN.matcher(value).find();
    }

    /** Whether the value holds a reference to a named secret or a sealed value anywhere in it. */
    public static boolean holdsSecret(String value) {
        return in(value).stream().anyMatch(r -> r.isNamedSecret() || r.isSealed());
    }

    /**
     * The names of the named secrets the value refers to. {@code ${secretsManager:NAME}} and
     * {@code ${secretsManager:PATH:NAME}} both name NAME: the provider has no paths, and opens NAME
     * whatever path a reference gives (as a worker asks it for the key of each).
     */
    public static List<String> namedSecrets(String value) {
        return in(value).stream().filter(Reference::isNamedSecret).map(Reference::key).toList();
    }

    /** The text of the value between its references (the literal parts a worker passes as they are). */
    public static List<String> literals(String value) {
        List<String> parts = new ArrayList<>();
        if (value == null) {
            return parts;
        }
        int from = 0;
        for (Reference r : in(value)) {
            parts.add(value.substring(from, r.start()));
            from = r.end();
        }
        parts.add(value.substring(from));
        return parts.stream().filter(p -> !p.isEmpty()).toList();
    }

    private static Reference of(Matcher m) {
        return new Reference(m.group(1), m.group(3) == null ? "" : m.group(3), m.group(4), m.start(), m.end());
    }
}
