package io.switchboard.auth;

import io.switchboard.access.Action;
import io.switchboard.access.Role;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who made a request, authenticated, and the roles granted by scope: {@code *} (everywhere), a
 * Connect cluster's name, or {@code env:ID} (a Confluent environment).
 */
public record Principal(String name, Map<String, Role> grants) {
    public Principal {
        grants = Map.copyOf(grants);
    }

    /** The highest role granted for a cluster (and the Confluent environment it was addressed by, if any); null: none. */
    public Role roleFor(String cluster, String environment) {
        Role best = null;
        for (String scope : new String[] {"*", cluster, environment == null ? null : "env:" + environment}) {
            Role granted = scope == null ? null : grants.get(scope);
            if (granted != null && (best == null || granted.ordinal() > best.ordinal())) {
                best = granted;
            }
        }
        return best;
    }

    public boolean may(Action action, String cluster, String environment) {
        Role role = roleFor(cluster, environment);
        return role != null && role.allows(action);
    }

    /** Parses "role@scope,role@scope". */
    static Map<String, Role> grants(String text) {
        Map<String, Role> grants = new LinkedHashMap<>();
        for (String grant : text.split(",")) {
            String g = grant.trim();
            if (g.isEmpty()) {
                continue;
            }
            int at = g.indexOf('@');
            if (at <= 0 || at == g.length() - 1) {
                throw new IllegalArgumentException("a grant is ROLE@SCOPE, not '" + g + "'");
            }
            Role role = Role.parse(g.substring(0, at));
            grants.merge(g.substring(at + 1).trim(), role, (a, b) -> a.ordinal() >= b.ordinal() ? a : b);
        }
        return grants;
    }
}
