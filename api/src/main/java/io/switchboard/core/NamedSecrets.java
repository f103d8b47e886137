package io.switchboard.core;

import io.switchboard.core.ServiceException.Subject;
import io.switchboard.core.Views.SecretView;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.secrets.SecretStore;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Write-only named secrets of a Connect cluster. A connector config uses one as the value
 * {@code ${secretsManager:NAME}}: Switchboard stores and shows that text, and only the worker
 * opens it, when the connector starts (the embedded worker through its {@code secretsManager}
 * config provider; another cluster's workers get the value in the config Switchboard sends them).
 * No read ever answers a value.
 */
public final class NamedSecrets {
    /** How a config value names a secret. */
    public static final Pattern REFERENCE = Pattern.compile("\\$\\{secretsManager:([^}:]+)}");
    private final SecretStore store;
    private final ConnectorQueries queries;
    private final Clock clock;

    public NamedSecrets(SecretStore store, ConnectorQueries queries, Clock clock) {
        this.store = store;
        this.queries = queries;
        this.clock = clock;
    }

    public SecretView create(Scope scope, String name, Map<String, String> labels, String value) {
        if (store.get(scope.cluster(), name).isPresent()) {
            throw new ServiceException.AlreadyExists(Subject.SECRET, name);
        }
        return view(write(scope, name, labels, value));
    }

    public SecretView update(Scope scope, String name, Map<String, String> labels, String value) {
        existing(scope, name);
        return view(write(scope, name, labels, value));
    }

    public SecretView get(Scope scope, String name) {
        return view(existing(scope, name));
    }

    public List<SecretView> list(Scope scope) {
        return store.list(scope.cluster()).stream().map(NamedSecrets::view).toList();
    }

    /** Refused while a connector of the cluster uses it, naming them. */
    public void delete(Scope scope, String name) {
        existing(scope, name);
        List<String> users = queries.connectors(scope.cluster()).stream()
                .filter(c -> references(c.getConfig()).contains(name)).map(ConnectorState::getName).sorted().toList();
        if (!users.isEmpty()) {
            throw new ServiceException.InUse(name, users);
        }
        try {
            store.delete(scope.cluster(), name);
        } catch (SecretStore.StoreUnavailable e) {
            throw new ServiceException.Unavailable(e.getMessage());
        }
    }

    /** Refuses a config that names a secret the cluster does not have. */
    public void requireKnown(Scope scope, Map<String, String> config) {
        Set<String> missing = new TreeSet<>();
        for (String name : references(config)) {
            if (store.get(scope.cluster(), name).isEmpty()) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new ServiceException.InvalidRequest("config", "The config uses secret" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + ", which cluster " + scope.cluster() + " does not have");
        }
    }

    static Set<String> references(Map<String, String> config) {
        Set<String> names = new TreeSet<>();
        config.values().forEach(value -> {
            if (value != null) {
                Matcher m = REFERENCE.matcher(value);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        });
        return names;
    }

    private SecretStore.StoredSecret existing(Scope scope, String name) {
        return store.get(scope.cluster(), name).orElseThrow(() -> new ServiceException.NotFound(Subject.SECRET, name, null,
                ServiceException.Operation.READ));
    }

    private SecretStore.StoredSecret write(Scope scope, String name, Map<String, String> labels, String value) {
        try {
            return store.put(scope.cluster(), name, labels, value, clock.millis());
        } catch (SecretStore.StoreUnavailable e) {
            throw new ServiceException.Unavailable(e.getMessage());
        }
    }

    private static SecretView view(SecretStore.StoredSecret secret) {
        return new SecretView(secret.cluster(), secret.name(), secret.labels(), Instant.ofEpochMilli(secret.createdAt()),
                Instant.ofEpochMilli(secret.updatedAt()));
    }
}
