package io.switchboard.core;

import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A policy's spec as users write it (docs/policies.md): the body of {@code PUT /policies/{name}},
 * the {@code spec} of a {@code kind: ConnectorPolicy} document, and what {@code GET} answers of it.
 * Read from a plain tree (maps, lists and strings, as JSON or YAML parse), rendered back to one:
 * the one place the format is written, for the API, the desired-state files and {@code apply}'s plan.
 */
public final class PolicyWire {
    /** The fields of a spec. */
    public static final Set<String> FIELDS = Set.of("action", "match", "validations");
    private static final Set<String> MATCH = Set.of("classes", "names", "labels");
    private static final Set<String> VALIDATION = Set.of("expression", "message");

    private PolicyWire() {
    }

    /** Where a problem of the tree is reported: the field (as {@code match.classes}, {@code validations[0].message}) and what is wrong. */
    public interface Problems {
        void add(String field, String message);
    }

    /**
     * The spec the tree gives, or null when it has a problem; every problem is reported. An absent
     * action is {@code deny}, absent globs and labels match everything; validations are required
     * (whether they compile is the decider's to say, {@code PolicyDecider.specProblem}).
     */
    public static PolicySpec read(Map<?, ?> spec, Problems problems) {
        int[] count = new int[1];
        Problems counted = (field, message) -> {
            count[0]++;
            problems.add(field, message);
        };
        only(spec, "", FIELDS, counted);
        PolicyAction action = action(spec.get("action"), counted);
        Map<?, ?> match = spec.get("match") == null ? Map.of() : map(spec.get("match"), "match", "an object of classes, names and labels", counted);
        List<String> classes = List.of();
        List<String> names = List.of();
        Map<String, String> labels = new LinkedHashMap<>();
        if (match != null) {
            only(match, "match.", MATCH, counted);
            classes = globs(match.get("classes"), "match.classes", counted);
            names = globs(match.get("names"), "match.names", counted);
            Map<?, ?> given = match.get("labels") == null ? Map.of()
                    : map(match.get("labels"), "match.labels", "an object of strings", counted);
            if (given != null) {
                given.forEach((key, value) -> {
                    String text = text(value, "match.labels." + key, counted);
                    if (text != null) {
                        labels.put(String.valueOf(key), text);
                    }
                });
            }
        }
        List<PolicyValidation> validations = validations(spec.get("validations"), counted);
        if (count[0] > 0) {
            return null;
        }
        return PolicySpec.newBuilder().setAction(action).setMatchClasses(classes).setMatchNames(names)
                .setMatchLabels(labels).setValidations(validations).build();
    }

    /** The spec as {@code PUT /policies/{name}} takes it and {@code GET} answers it: action, match and validations. */
    public static Map<String, Object> render(PolicySpec spec) {
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("classes", spec.getMatchClasses());
        match.put("names", spec.getMatchNames());
        match.put("labels", new TreeMap<>(spec.getMatchLabels()));
        List<Map<String, String>> validations = new ArrayList<>();
        spec.getValidations().forEach(v -> {
            Map<String, String> validation = new LinkedHashMap<>();
            validation.put("expression", v.getExpression());
            validation.put("message", v.getMessage());
            validations.add(validation);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", spec.getAction().name().toLowerCase(Locale.ROOT));
        body.put("match", match);
        body.put("validations", validations);
        return body;
    }

    private static PolicyAction action(Object node, Problems problems) {
        if (node == null) {
            return PolicyAction.DENY;
        }
        String action = node instanceof String text ? text.toLowerCase(Locale.ROOT) : null;
        if ("deny".equals(action) || "warn".equals(action)) {
            return PolicyAction.valueOf(action.toUpperCase(Locale.ROOT));
        }
        problems.add("action", "must be deny or warn" + (node instanceof String text ? ", not " + text : ""));
        return null;
    }

    private static List<PolicyValidation> validations(Object node, Problems problems) {
        if (!(node instanceof List<?> list)) {
            problems.add("validations", "must be a list of {expression, message}");
            return List.of();
        }
        List<PolicyValidation> validations = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String field = "validations[" + i + "]";
            Map<?, ?> validation = map(list.get(i), field, "an object with an expression and a message", problems);
            if (validation == null) {
                continue;
            }
            only(validation, field + ".", VALIDATION, problems);
            String expression = text(validation.get("expression"), field + ".expression", problems);
            String message = text(validation.get("message"), field + ".message", problems);
            if (expression != null && message != null) {
                validations.add(new PolicyValidation(expression, message));
            }
        }
        return validations;
    }

    private static void only(Map<?, ?> map, String prefix, Set<String> allowed, Problems problems) {
        map.keySet().stream().map(String::valueOf).filter(key -> !allowed.contains(key)).forEach(key -> problems.add(prefix + key,
                "unknown field (expected " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }

    private static Map<?, ?> map(Object node, String field, String what, Problems problems) {
        if (node instanceof Map<?, ?> map) {
            return map;
        }
        problems.add(field, node == null ? "missing" : "must be " + what);
        return null;
    }

    private static String text(Object node, String field, Problems problems) {
        if (node instanceof String text) {
            return text;
        }
        problems.add(field, node == null ? "missing" : "must be a string");
        return null;
    }

    private static List<String> globs(Object node, String field, Problems problems) {
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
            problems.add(field, "must be a list of globs");
            return List.of();
        }
        return list.stream().map(String.class::cast).toList();
    }
}
