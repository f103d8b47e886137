package io.switchboard.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Config provider references ({@code ${provider:key}}, {@code ${provider:path:key}}) read the way a
 * Kafka Connect worker reads them, so that what the worker will resolve is exactly what
 * Switchboard's secret rules see. A worker reads them with Kafka's own pattern
 * ({@code ConfigTransformer.DEFAULT_PATTERN}, {@code \$\{([^}]*?):(([^}]*?):)?([^}]*?)\}}), which
 * backtracks in cubic time on {@code ${} and many {@code :} with no {@code }}; here one linear
 * scan finds the same (provider, path, key) triples, and that pattern never runs on a value. Every rule
 * about references (sealing, hiding, scrubbing traces, the in-use check of a named secret, the
 * refusal of secrets for workers that cannot open them) reads them here and nowhere else.
 *
 * <p>A worker resolves a reference anywhere in a value ({@code /dir/${secretsManager:PW}} too), so
 * the rules that follow what a worker opens ({@link #in}) look at every reference in a value. A
 * value is a placeholder, standing for a value kept elsewhere and shown as it is, only when the
 * whole value is exactly one reference ({@link #whole}): {@code ${env:X}hunter2}} is not one.
 */
public final class ConfigReferences {
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
        int from = 0;
        Reference next;
        while ((next = next(value, from)) != null) {
            found.add(next);
            from = next.end();
        }
        return found;
    }

    /**
     * The first reference at or after {@code from}, as Kafka's pattern finds it, in time linear in
     * the text scanned. The pattern's parts cannot hold a {@code }}, so a match from a {@code ${}
     * ends at the first {@code }} after it, and it is one when the text between holds a {@code :}:
     * the provider up to the first {@code :} (the lazy first group), the path up to the second if
     * there is one (the optional group, tried first), the key the rest. When it holds none, no
     * {@code ${} inside it matches either (the text between is shorter still), so the scan goes on
     * after the {@code }}; when no {@code }} follows, nothing later matches.
     */
    private static Reference next(String value, int from) {
        int length = value.length();
        int start = from;
        while (start + 1 < length) {
            if (value.charAt(start) != '$' || value.charAt(start + 1) != '{') {
                start++;
                continue;
            }
            int first = -1;
            int second = -1;
            int close = start + 2;
            while (close < length && value.charAt(close) != '}') {
                if (value.charAt(close) == ':') {
                    if (first < 0) {
                        first = close;
                    } else if (second < 0) {
                        second = close;
                    }
                }
                close++;
            }
            if (close == length) {
                return null;
            }
            if (first >= 0) {
                String provider = value.substring(start + 2, first);
                String path = second < 0 ? "" : value.substring(first + 1, second);
                String key = value.substring((second < 0 ? first : second) + 1, close);
                return new Reference(provider, path, key, start, close + 1);
            }
            start = close + 1;
        }
        return null;
    }

    /** The reference the whole value is, if it is exactly one. */
    public static Optional<Reference> whole(String value) {
        if (value == null) {
            return Optional.empty();
        }
        Reference first = next(value, 0);
        return first != null && first.start() == 0 && first.end() == value.length() ? Optional.of(first) : Optional.empty();
    }

    /** Whether the value is exactly one reference, of any provider. */
    public static boolean isReference(String value) {
        return whole(value).isPresent();
    }

    /** Whether a worker would resolve anything in the value. */
    public static boolean holdsReference(String value) {
        return value != null && next(value, 0) != null;
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
}
