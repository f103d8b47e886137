package io.switchboard.apply;

import io.switchboard.rules.PolicyDecider;
import io.switchboard.schemas.PolicySpec;

import io.switchboard.core.DesiredState;
import io.switchboard.core.PolicyWire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code kind: ConnectorPolicy} documents of desired-state files (docs/policies.md), given
 * as a plain tree (maps, lists and strings) by the files' reader: a policy's name and cluster, and
 * its spec as {@code PUT /policies/{name}} takes it ({@link PolicyWire}). The decider's own checks run here, so that a
 * name it would refuse or an expression that does not compile is a problem of the files, named
 * with CEL's error, before anything is sent. Nothing is expanded from the environment: a policy
 * holds no secret.
 */
public final class PolicyDocuments {
    public static final String KIND = "ConnectorPolicy";

    /** Where a problem is reported: the field and what is wrong. */
    public interface Problems {
        void add(String field, String message);
    }

    private final List<DesiredState.Policy> policies = new ArrayList<>();

    public List<DesiredState.Policy> policies() {
        return policies;
    }

    /** Reads one document; every problem is reported, and a document with one adds no policy. */
    public void read(String origin, Map<String, Object> doc, Problems problems) {
        int before = count;
        Problems counted = (field, message) -> {
            count++;
            problems.add(field, message);
        };
        only(doc, "", Set.of("apiVersion", "kind", "metadata", "spec"), counted);
        Map<String, Object> metadata = map(doc.get("metadata"), "metadata", true, counted);
        Map<String, Object> spec = map(doc.get("spec"), "spec", true, counted);
        if (metadata == null || spec == null) {
            return;
        }
        only(metadata, "metadata.", Set.of("name", "cluster"), counted);
        String name = text(metadata.get("name"), "metadata.name", counted);
        String cluster = metadata.get("cluster") == null ? null : text(metadata.get("cluster"), "metadata.cluster", counted);
        if (name != null) {
            String nameProblem = PolicyDecider.nameProblem(name);
            if (nameProblem != null) {
                counted.add("metadata.name", nameProblem);
            } else if (policies.stream().anyMatch(p -> p.name().equals(name))) {
                counted.add("metadata.name", "policy " + name + " is declared twice");
            }
        }
        PolicySpec read = PolicyWire.read(spec, (field, message) -> counted.add("spec." + field, message));
        if (read != null && count == before) {
            String problem = PolicyDecider.specProblem(read);
            if (problem != null) {
                counted.add("spec.validations", problem);
            }
        }
        if (count == before) {
            policies.add(new DesiredState.Policy(name, cluster, read, origin));
        }
    }

    private int count;

    /** Reports each policy that names another cluster than the one the files apply to, by its origin: one apply, one cluster. */
    public void inCluster(String cluster, java.util.function.BiConsumer<String, String> problems) {
        for (DesiredState.Policy policy : policies) {
            if (policy.cluster() != null && !policy.cluster().equals(cluster)) {
                problems.accept(policy.origin(), "policy " + policy.name() + " is in cluster " + policy.cluster()
                        + ", but the files apply to cluster " + cluster + " (one apply, one cluster)");
            }
        }
    }

    private static void only(Map<String, Object> map, String prefix, Set<String> allowed, Problems problems) {
        map.keySet().stream().filter(key -> !allowed.contains(key)).forEach(key -> problems.add(prefix + key,
                "unknown field (expected " + String.join(", ", new TreeSet<>(allowed)) + ")"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String field, boolean required, Problems problems) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        problems.add(field, node == null && required ? "missing" : "must be a mapping of keys to values");
        return null;
    }

    private static String text(Object node, String field, Problems problems) {
        if (node instanceof String text) {
            return text;
        }
        problems.add(field, node == null ? "missing" : "must be a single value");
        return null;
    }
}
