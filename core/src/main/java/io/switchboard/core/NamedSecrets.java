package io.switchboard.core;

import io.switchboard.core.ServiceException.Subject;
import io.switchboard.core.Views.SecretView;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.secrets.ConfigReferences;
import io.switchboard.secrets.SecretBounds;
import io.switchboard.secrets.SecretStore;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Write-only named secrets of a Connect cluster. A connector config uses one as the value
 * {@code ${secretsManager:NAME}} (or Kafka Connect's three-part form {@code ${secretsManager:PATH:NAME}},
 * which names NAME too: see {@link ConfigReferences#namedSecrets}, the one reading of both by every
 * rule here and by the worker's provider): Switchboard stores and shows that text, and only the worker
 * opens it, when the connector starts (the embedded worker through its {@code secretsManager}
 * config provider; another cluster's workers get the value in the config Switchboard sends them).
 * No read ever answers a value.
 */
public final class NamedSecrets {
    private final SecretStore store;
    private final ConnectorStore queries;
    private final Clock clock;
    private final SecretBounds bounds;

    public NamedSecrets(SecretStore store, ConnectorStore queries, Clock clock) {
        this(store, queries, clock, SecretBounds.DEFAULT);
    }

    /** @param bounds the size of a secret and the number of a cluster's secrets */
    public NamedSecrets(SecretStore store, ConnectorStore queries, Clock clock, SecretBounds bounds) {
        this.bounds = bounds;
        this.store = store;
        this.queries = queries;
        this.clock = clock;
    }

    /** Of concurrent creates of one name, on any replicas, exactly one creates it; the others are AlreadyExists. */
    public SecretView create(Scope scope, String name, Map<String, String> labels, String value) {
        requireWithinSize(value);
        return view(change(scope, name, current -> {
            if (current != null) {
                throw new ServiceException.AlreadyExists(Subject.SECRET, name);
            }
            // Decided by the store's one writer against every change before it, so the count holds across replicas.
            String tooMany = bounds.countProblem(scope.cluster(), store.list(scope.cluster()).size());
            if (tooMany != null) {
                throw new ServiceException.InvalidRequest("name", tooMany);
            }
            return store.sealed(scope.cluster(), name, labels, value, null, clock.millis());
        }));
    }

    public SecretView update(Scope scope, String name, Map<String, String> labels, String value) {
        requireWithinSize(value);
        return view(change(scope, name, current -> store.sealed(scope.cluster(), name, labels, value,
                requireExists(current, name), clock.millis())));
    }

    private void requireWithinSize(String value) {
        String tooLarge = bounds.valueProblem(value);
        if (tooLarge != null) {
            throw new ServiceException.InvalidRequest("secret_data", tooLarge);
        }
    }

    public SecretView get(Scope scope, String name) {
        return view(existing(scope, name));
    }

    public List<SecretView> list(Scope scope) {
        return store.list(scope.cluster()).stream().map(NamedSecrets::view).toList();
    }

    /**
     * Refused while a connector of the cluster uses it, naming them. The connectors are those
     * decided when the delete is. Writes ask {@link #requireKnown} again just before their command
     * is sent, after the worker's validation; a command that passed that check before the delete and
     * is decided after it (milliseconds) still names a secret that is gone (the processor, which
     * decides connector commands, does not see secrets).
     */
    public void delete(Scope scope, String name) {
        change(scope, name, current -> {
            requireExists(current, name);
            List<String> users = queries.connectors(scope.cluster(), ReadConsistency.LINEARIZABLE).stream()
                    .filter(c -> references(c.getConfig()).contains(name)).map(ConnectorState::getName).sorted().toList();
            if (!users.isEmpty()) {
                throw new ServiceException.InUse(name, users);
            }
            return null;
        });
    }

    /**
     * Refuses a config that names a secret the cluster does not have. Connector writes ask twice,
     * before the config is validated and again just before the command is sent, so that a delete
     * that comes during the validation is seen.
     */
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
        config.values().forEach(value -> names.addAll(ConfigReferences.namedSecrets(value)));
        return names;
    }

    private SecretStore.StoredSecret existing(Scope scope, String name) {
        return store.get(scope.cluster(), name).orElseThrow(() -> new ServiceException.NotFound(Subject.SECRET, name, null,
                ServiceException.Operation.READ));
    }

    private static SecretStore.StoredSecret requireExists(SecretStore.StoredSecret current, String name) {
        if (current == null) {
            throw new ServiceException.NotFound(Subject.SECRET, name, null, ServiceException.Operation.READ);
        }
        return current;
    }

    /** A change decided by the store's one writer against every change before it (see {@link SecretStore#change}). */
    private SecretStore.StoredSecret change(Scope scope, String name, SecretStore.Change change) {
        try {
            return store.change(scope.cluster(), name, change);
        } catch (SecretStore.StoreUnavailable e) {
            throw new ServiceException.Unavailable(e.getMessage());
        }
    }

    private static SecretView view(SecretStore.StoredSecret secret) {
        return new SecretView(secret.cluster(), secret.name(), secret.labels(), Instant.ofEpochMilli(secret.createdAt()),
                Instant.ofEpochMilli(secret.updatedAt()));
    }
}
