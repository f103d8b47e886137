package io.switchboard.apply;

import io.switchboard.apply.Documents.Node;
import io.switchboard.apply.Documents.Place;
import io.switchboard.secrets.Redactor;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A document's connector config as the files give it: every value a string (numbers and booleans as
 * written), a secret key's value only by reference (as {@link Redactor} names the keys), and
 * {@code ${NAME}} expanded from the environment where the options allow it.
 */
final class ConfigExpansion {
    /** A placeholder the client expands: {@code ${NAME}}, a name without a colon (a config provider's has one). */
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Documents documents;
    private final DesiredStateFiles.Options options;

    ConfigExpansion(Documents documents, DesiredStateFiles.Options options) {
        this.documents = documents;
        this.options = options;
    }

    /** A config: every value a string (numbers and booleans as written), secrets by reference, ${ENV} expanded. */
    Map<String, String> config(Place at, Node node, String field) {
        Map<String, Node> entries = node == null ? Map.of() : documents.map(at, node, field);
        if (entries == null) {
            return null;
        }
        Map<String, String> config = new TreeMap<>();
        String prefix = field.isEmpty() ? "" : field + ".";
        entries.forEach((key, value) -> {
            String raw = documents.text(at, value, prefix + key, true);
            if (raw == null) {
                return;
            }
            if (options.secretKeys().matches(key) && !(raw.startsWith("${") && raw.endsWith("}"))) {
                documents.problem(at.at(value), prefix + key, "a secret in plain text: give it by reference, ${ENV_VAR} (expanded "
                        + "from the environment), ${secretsManager:NAME} or a sealed value");
                return;
            }
            String expanded = expand(at.at(value), prefix + key, raw, options.secretKeys().matches(key));
            if (expanded != null) {
                config.put(key, expanded);
            }
        });
        return config;
    }

    /**
     * {@code ${NAME}} expanded: in a secret key's value, or a variable the options name; anywhere
     * else it is a problem, so that a file cannot copy the environment (CI's own credentials) into a
     * value that is shown in the plan or sent where a secret is not expected. On a plan only the
     * variables the options name are expanded, in secret keys too: the plan's worker validation
     * connects where the files say.
     */
    private String expand(Place at, String field, String raw, boolean secretKey) {
        Matcher m = ENV.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean missing = false;
        while (m.find()) {
            if (!secretKey && !options.alsoExpanded().contains(m.group(1))) {
                documents.problem(at, field, "${" + m.group(1) + "} is expanded only in the value of a secret key; to expand it in "
                        + field + " too, name it with --env " + m.group(1));
                missing = true;
                continue;
            }
            if (options.plan() && !options.alsoExpanded().contains(m.group(1))) {
                // A plan's worker validation sends the config where the files say: files under review choose the host.
                documents.problem(at, field, "${" + m.group(1) + "} is not expanded on a plan (--dry-run) unless named with --env "
                        + m.group(1) + ": the worker's validation would send it to the host the files name; where the files "
                        + "are not trusted (a pull request), plan with a placeholder value");
                missing = true;
                continue;
            }
            String value = options.environment().apply(m.group(1));
            if (value == null) {
                documents.problem(at, field, "environment variable " + m.group(1) + " is not set");
                missing = true;
                continue;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return missing ? null : out.toString();
    }
}
