package io.switchboard.rules;

import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;

import com.google.re2j.Pattern;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
/**
 * The user policies in force in one Connect cluster, and the pure check of a connector against
 * them: the decider's ({@link CommandDecider}, {@link SetDecider}) and the API's early answers call
 * the same {@link #check}. Policies are checked by name order; the first {@code DENY} validation a
 * connector breaks refuses it, each {@code WARN} one it breaks is a warning.
 */
public final class UserPolicies {
    /** No user policy. */
    public static final UserPolicies NONE = new UserPolicies(List.of());

    private static final Map<String, Pattern> GLOBS = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Pattern> eldest) {
            return size() > PolicyExpressions.CACHED;
        }
    });

    private final List<ConnectorPolicy> inForce;

    /** @param policies the cluster's policies; deleted versions are left out */
    public UserPolicies(Collection<ConnectorPolicy> policies) {
        this.inForce = policies.stream().filter(p -> !p.getDeleted())
                .sorted(Comparator.comparing(ConnectorPolicy::getName)).toList();
    }

    public List<ConnectorPolicy> inForce() {
        return inForce;
    }

    /** Each policy in force by name, with its version: what a decision records it was checked against. */
    public Map<String, Long> versions() {
        Map<String, Long> versions = new TreeMap<>();
        inForce.forEach(p -> versions.put(p.getName(), p.getVersion()));
        return versions;
    }

    /** A validation a connector breaks. */
    public record Breach(String policy, long version, PolicyAction action, String message) {
        /** What a refusal says, as the built-in policies word theirs. */
        public String refusal() {
            return "Connector config refused by policy " + policy + ": " + message;
        }

        /** How a warning is recorded. */
        public String warning() {
            return policy + ": " + message;
        }
    }

    /**
     * The connector checked against every policy in force that matches it.
     *
     * @param denial   the first {@code DENY} breach, or null
     * @param warnings every {@code WARN} breach, as {@code <policy>: <message>}
     */
    public record Verdict(Breach denial, List<String> warnings) {
    }

    public Verdict check(PolicyExpressions.Subject next, PolicyExpressions.Subject old, String principal) {
        List<String> warnings = new ArrayList<>();
        Breach denial = null;
        for (ConnectorPolicy policy : inForce) {
            for (Breach breach : breaches(policy, next, old, principal)) {
                if (breach.action() == PolicyAction.WARN) {
                    warnings.add(breach.warning());
                } else if (denial == null) {
                    denial = breach;
                }
            }
        }
        return new Verdict(denial, List.copyOf(warnings));
    }

    /** Every validation of the policy the connector breaks (none when the policy does not match it). */
    public static List<Breach> breaches(ConnectorPolicy policy, PolicyExpressions.Subject next, PolicyExpressions.Subject old,
                                        String principal) {
        PolicySpec spec = policy.getSpec();
        if (!matches(spec, next)) {
            return List.of();
        }
        List<Breach> breaches = new ArrayList<>();
        for (PolicyValidation validation : spec.getValidations()) {
            String breach = PolicyExpressions.breach(validation.getExpression(), next, old, principal);
            if (breach != null) {
                String message = breach.isEmpty() ? validation.getMessage()
                        : validation.getMessage() + " (the expression could not be evaluated: " + breach + ")";
                breaches.add(new Breach(policy.getName(), policy.getVersion(), spec.getAction(), message));
            }
        }
        return breaches;
    }

    /** Whether the policy's match (classes of the class the worker loads, names by glob; labels, all of them) selects the connector. */
    public static boolean matches(PolicySpec spec, PolicyExpressions.Subject connector) {
        return anyClassGlob(spec.getMatchClasses(), connector.config().get("connector.class"))
                && anyGlob(spec.getMatchNames(), connector.name())
                && spec.getMatchLabels().entrySet().stream().allMatch(e -> e.getValue().equals(connector.labels().get(e.getKey())));
    }

    /**
     * Whether a class glob matches the class the worker loads ({@link ConnectorClasses#canonical}); for an
     * alias of a plugin not bundled, a glob with a package matches when its last segment matches the alias's
     * simple names (the package is the worker's to know).
     */
    private static boolean anyClassGlob(List<String> globs, String value) {
        if (globs.isEmpty()) {
            return true;
        }
        List<String> names = ConnectorClasses.globbed(value);
        boolean alias = !names.get(0).contains(".");
        for (String glob : globs) {
            String last = alias && glob.contains(".") ? glob.substring(glob.lastIndexOf('.') + 1) : null;
            for (String name : names) {
                if (glob(glob).matcher(name).matches() || (last != null && glob(last).matcher(name).matches())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean anyGlob(List<String> globs, String value) {
        return globs.isEmpty() || globs.stream().anyMatch(glob -> glob(glob).matcher(value == null ? "" : value).matches());
    }

    /** A glob as a pattern: {@code *} any run of characters, {@code ?} one; everything else literal. Matched by RE2/J, in time linear in the name; memoised, as CEL's programs are. */
    static Pattern glob(String glob) {
        Pattern pattern = GLOBS.get(glob);
        if (pattern == null) {
            pattern = compileGlob(glob);
            GLOBS.put(glob, pattern);
        }
        return pattern;
    }

    private static Pattern compileGlob(String glob) {
        // RE2/J: a glob of many stars matches in linear time, as every user pattern must.
        return LinearPatterns.glob(glob);
    }
}
