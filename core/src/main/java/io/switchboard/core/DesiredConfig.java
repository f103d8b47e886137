package io.switchboard.core;

import io.switchboard.rules.ConnectorPolicies;
import io.switchboard.rules.ConnectorRules;
import io.switchboard.rules.ControlPlane;
import io.switchboard.rules.ResourceBounds;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The desired config of a config write, decided by one function ({@link #decide}) for every write
 * that gives a config: a create, a put, a patch ({@link ConfigPatches}) and a connector set's item
 * ({@link ConnectorSets}). In this order, the first refusal being the write's answer:
 * <ol>
 *   <li>the name: a whole config's {@code name} is the connector's or absent
 *       ({@link ConnectorRules#configNameProblem}), and the config the worker validates has it
 *       ({@link ConnectorRules#named}); a single write stores it so, a set's item as declared;</li>
 *   <li>the built-in policies ({@link ConnectorPolicies#refusal}) on the config the connector will have,
 *       then the cluster's bound on tasks ({@link ResourceBounds#clusterRefusal}) with the cluster's
 *       other connectors as this replica's store holds them;</li>
 *   <li>the caller's early check, if any (a single write's owner check on the copy at hand);</li>
 *   <li>the values given: sealed ones openable, named secrets known;</li>
 *   <li>the validation gate: a connector class (on the stored form, whose sealed values its refusal
 *       keeps sealed), then the worker's validation (the plugin versions the config requires held first
 *       to the ones the worker lists, {@link PluginVersions}), before which nothing is sent that the cluster's
 *       workers could not be given;</li>
 *   <li>sealing: each secret value given is sealed, an unchanged one keeping the sealed text the
 *       connector has now; the sealed values deliverable to the cluster's workers; named secrets
 *       known again (a validation may take seconds).</li>
 * </ol>
 * It may wait (the worker's validation, a store read): its callers run it off the request thread.
 */
final class DesiredConfig {
    private final CommandBus gateway;
    private final ConnectorConfigValidator validator;
    private final ConnectorSecrets secrets;
    private final NamedSecrets namedSecrets;
    private final ClusterDirectory clusters;
    private final ConnectorStore store;

    DesiredConfig(CommandBus gateway, ConnectorConfigValidator validator, ConnectorSecrets secrets, NamedSecrets namedSecrets,
                  ClusterDirectory clusters, ConnectorStore store) {
        this.store = store;
        this.gateway = gateway;
        this.validator = validator;
        this.secrets = secrets;
        this.namedSecrets = namedSecrets;
        this.clusters = clusters;
    }

    /** What a write gives. */
    enum Kind {
        /** A whole config, stored with the connector's name (a create, a put). */
        WHOLE,
        /** A whole config stored as declared (a set's item): its name is checked and given to the worker's validation. */
        DECLARED,
        /** A patch of the current config: a null value removes its key. */
        PATCH
    }

    /**
     * A config write.
     *
     * @param given   the config given (whole), or the patch
     * @param current the connector's current (sealed) config: what a patch applies to, and the sealed
     *                text an unchanged secret keeps; asked only when needed (empty: none)
     * @param byService whether the pipeline service made the write, with sealed values it keeps itself
     */
    record Write(Scope scope, String name, Map<String, String> given, Kind kind, Supplier<Map<String, String>> current,
                 boolean byService) {
        /** A write whose config a caller gave ({@code byService} false). */
        Write(Scope scope, String name, Map<String, String> given, Kind kind, Supplier<Map<String, String>> current) {
            this(scope, name, given, kind, current, false);
        }
    }

    /**
     * The config the write's command carries (a whole config, or the patch), sealed, once every check
     * above has passed; the first refusal otherwise, as a {@link ServiceException}.
     *
     * @param early a check run once the config is named and within the policies, before any secret is
     *              opened or the worker asked; null: none
     */
    Map<String, String> decide(Write write, Runnable early) {
        String cluster = write.scope().cluster();
        Map<String, String> given = write.given();
        // The config the connector will have, in its stored form (sealed values sealed), and what the command carries.
        Map<String, String> whole;
        Map<String, String> sent;
        switch (write.kind()) {
            case WHOLE -> {
                whole = requireNamed(write.name(), given);
                sent = whole;
            }
            case DECLARED -> {
                whole = requireNamed(write.name(), given);
                sent = given;
            }
            default -> {
                whole = ConnectorRules.patched(write.current().get(), given);
                sent = given;
            }
        }
        requirePolicies(gateway.controlPlane(), whole);
        requireClusterTasks(gateway.controlPlane(), cluster, write.name(), whole);
        if (early != null) {
            early.run();
        }
        secrets.requireOpenable(sent);
        if (!write.byService()) {
            // The pipeline service writes the sealed values it keeps itself (a clone's password); a caller's are kept, never given.
            secrets.requireHeld(sent, write.current());
        }
        namedSecrets.requireKnown(write.scope(), sent);
        // On the stored form first: the refusal prints the config, whose sealed values must stay sealed there.
        validator.requireConnectorClass(whole);
        boolean opens = clusters.opensSecrets(cluster);
        // A patch's current values were sealed here: the worker validates them opened, where the keyring can.
        Map<String, String> validated = write.kind() == Kind.PATCH ? secrets.openWherePossible(whole) : whole;
        // Nothing goes to a worker that cannot open secrets before the refusal of what it could not open.
        Set<String> passwords = validator.validate(cluster, validated, secrets.beforeSending(cluster, sent, opens));
        Map<String, String> sealed = secrets.seal(sent, passwords, currentIfSecret(write, sent, passwords));
        secrets.requireDeliverable(cluster, sealed, opens);
        // Again once validated (which may take seconds): a named secret deleted meanwhile is seen here.
        namedSecrets.requireKnown(write.scope(), sent);
        return sealed;
    }

    /**
     * The connector's current config when the values sent have a secret, so that unchanged secrets
     * keep their sealed text; else nothing (nothing is read).
     */
    private Map<String, String> currentIfSecret(Write write, Map<String, String> sent, Set<String> passwords) {
        boolean secret = sent.keySet().stream().anyMatch(k -> passwords.contains(k) || secrets.keys().matches(k));
        return secret ? write.current().get() : Map.of();
    }

    /**
     * Refuses a config that breaks a built-in policy, by the decider's own function
     * ({@link ConnectorPolicies#refusal}), before the worker sees any of it; the decider applies it
     * again to the command.
     */
    static void requirePolicies(ControlPlane controlPlane, Map<String, String> config) {
        ConnectorPolicies.Refusal refusal = ConnectorPolicies.refusal(controlPlane, config);
        if (refusal != null) {
            throw new ServiceException.InvalidRequest(refusal.key(), refusal.message());
        }
    }

    /**
     * Refuses a config whose {@code tasks.max} would take the cluster past its bound, by the rule's
     * own function ({@link ResourceBounds#clusterRefusal}), with the cluster's other connectors as
     * this replica's store holds them. Two writes to different connectors at once may each pass it.
     */
    void requireClusterTasks(ControlPlane controlPlane, String cluster, String name, Map<String, String> config) {
        if (!ResourceBounds.countsTheCluster(config)) {
            // One task: the cluster's connectors are not read for it (every write would read them all).
            return;
        }
        Map<String, Map<String, String>> others = new java.util.HashMap<>();
        for (io.switchboard.schemas.ConnectorState state : store.connectors(cluster, ReadConsistency.LINEARIZABLE)) {
            others.put(state.getName(), state.getConfig());
        }
        ConnectorPolicies.Refusal refusal = controlPlane.bounds().clusterRefusal(cluster, name, config, others);
        if (refusal != null) {
            throw new ServiceException.InvalidRequest(refusal.key(), refusal.message());
        }
    }

    /** The config with the connector's name, by Kafka Connect's rule; refused when it names another. */
    static Map<String, String> requireNamed(String name, Map<String, String> config) {
        String problem = ConnectorRules.configNameProblem(name, config);
        if (problem != null) {
            throw new ServiceException.ConfigNameMismatch(config.get(ConnectorRules.NAME), name, problem);
        }
        return ConnectorRules.named(name, config);
    }
}
