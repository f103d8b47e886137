package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.Views.ObservedDetails;
import io.switchboard.rules.ControlPlane;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What only a cluster's Kafka Connect worker knows and that changes nothing in Switchboard's state:
 * its plugins, a plugin's validation of a config, a connector's committed offsets. Asked of the
 * worker each time; offsets fall back to what the data plane last read when the worker cannot answer.
 */
public final class ClusterFacts {
    private final ClusterDirectory clusters;
    private final ConnectorService connectors;
    private final Clock clock;
    private final Redactor secretKeys;
    private final ConnectorSecrets secrets;
    private final ConnectorConfigValidator validator;
    private final Supplier<ControlPlane> controlPlane;

    /**
     * @param secrets      the secret policy a config to validate is held to before it is sent
     * @param validator    where the plugin's PASSWORD keys are learnt from its definitions
     * @param controlPlane the deployment's control plane, which the built-in policies a config to
     *                     validate is held to read
     */
    public ClusterFacts(ClusterDirectory clusters, ConnectorService connectors, ConnectorSecrets secrets,
                        ConnectorConfigValidator validator, Supplier<ControlPlane> controlPlane, Clock clock) {
        this.controlPlane = controlPlane;
        this.secretKeys = secrets.keys();
        this.secrets = secrets;
        this.validator = validator;
        this.clusters = clusters;
        this.connectors = connectors;
        this.clock = clock;
    }

    /** A connector's offsets as Kafka Connect's {"offsets": [...]} JSON, and when they were read. */
    public record Offsets(JsonNode offsets, Instant observedAt) {
    }

    /** The worker's connector plugins: [{"class", "type", "version"}]. */
    public JsonNode plugins(Scope scope) {
        WorkerClient worker = worker(scope);
        try {
            return worker.plugins();
        } catch (WorkerClient.WorkerRejection e) {
            throw refused(worker, e);
        } catch (WorkerClient.ConnectCallException e) {
            throw unreachable();
        }
    }

    /**
     * The cluster's plugin inventory ({@link PluginInventory}): every plugin its worker lists
     * ({@code GET /connector-plugins?connectorsOnly=false}), and the cluster's connectors on each
     * version. The connectors are read whole whatever the caller sees of configs (what the inventory
     * shows of a config is its plugins' classes and required versions), with the scope's consistency.
     */
    public PluginInventory.Inventory inventory(Scope scope) {
        return PluginInventory.of(scope.cluster(), installed(scope), connectors.describeAll(scope.seeing(Visibility.FULL)));
    }

    /**
     * Every plugin the cluster's worker lists ({@code GET /connector-plugins?connectorsOnly=false}),
     * with its version; a 503 when it cannot list them now.
     */
    public List<PluginVersions.Installed> installed(Scope scope) {
        WorkerClient worker = worker(scope);
        JsonNode plugins;
        try {
            WorkerClient.Answer answer = worker.exchange("GET", "/connector-plugins?connectorsOnly=false", null);
            if (answer.status() != 200) {
                throw new ServiceException.Unavailable("The Kafka Connect worker cannot list its plugins now (HTTP " + answer.status() + ")");
            }
            plugins = new ObjectMapper().readTree(answer.body());
        } catch (WorkerClient.ConnectCallException | IOException e) {
            throw unreachable();
        }
        return PluginVersions.installed(plugins);
    }

    /** The worker's {"version", "commit", "kafka_cluster_id"}. */
    public JsonNode info(Scope scope) {
        WorkerClient worker = worker(scope);
        try {
            return worker.root();
        } catch (WorkerClient.WorkerRejection e) {
            throw refused(worker, e);
        } catch (WorkerClient.ConnectCallException e) {
            throw unreachable();
        }
    }

    /** The topics the connector has used: the worker's answer, else the last the data plane read. */
    public List<String> activeTopics(Scope scope, String name) {
        connectors.connector(scope, name);
        try {
            return worker(scope).activeTopics(name);
        } catch (WorkerClient.WorkerRejection e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw new ServiceException.WorkerRefused(e.status(), e.getMessage());
        } catch (WorkerClient.ConnectCallException | ServiceException.Unavailable e) {
            return connectors.observedDetails(scope, name).map(ObservedDetails::activeTopics)
                    .filter(Objects::nonNull).orElseThrow(ClusterFacts::unreachable);
        }
    }

    /**
     * The plugin's validation of a config: Kafka Connect's ConfigInfos. Held first to
     * {@link #requireSendable}: a validation sends a worker no more than a create would.
     */
    public JsonNode validate(Scope scope, String plugin, Map<String, String> config) {
        WorkerClient worker = worker(scope);
        requireSendable(scope, plugin, config);
        return validated(worker, plugin, config);
    }

    /**
     * The plugin's config definitions, as its validation of a config that names nothing but the
     * plugin shows them (ConfigInfos without values): what a form is built from. No policy judges
     * it, since nothing but the class reaches the worker; a config a policy refuses (a file
     * connector without its file) is still a form to fill in.
     */
    public JsonNode definitions(Scope scope, String plugin) {
        WorkerClient worker = worker(scope);
        Map<String, String> config = Map.of(ConnectorConfigValidator.CONNECTOR_CLASS, plugin);
        return validated(worker, plugin, config);
    }

    private JsonNode validated(WorkerClient worker, String plugin, Map<String, String> config) {
        try {
            return ValidationAnswers.asGiven(worker.validate(plugin, config), config, secretKeys);
        } catch (WorkerClient.WorkerRejection e) {
            throw refused(worker, e);
        } catch (WorkerClient.ValidationsBusy e) {
            throw new ServiceException.Unavailable(e.getMessage(), 1);
        } catch (WorkerClient.ConnectCallException e) {
            throw unreachable();
        }
    }

    /**
     * Refuses a config to validate that breaks a built-in policy, with the 400 of a create of it
     * ({@link DesiredConfig#requirePolicies}, the decider's own function): a validation makes the
     * plugin load the classes, open the URLs and resolve the references the config names, so it is
     * sent a worker only when a create of it would be.
     */
    public void requirePolicies(Map<String, String> config) {
        DesiredConfig.requirePolicies(controlPlane.get(), config);
    }

    /**
     * Refuses, before any of it goes to the worker, a config that breaks a built-in policy
     * ({@link #requirePolicies}); then a config to validate on a cluster whose workers
     * cannot open Switchboard's secrets when it holds a secret: the rule and the 400 of a create
     * ({@link ConnectorSecrets#requireDeliverable(String, Map, boolean, Set)}, every key at fault
     * named), with the keys the plugin declares PASSWORD learnt from its definitions, which carry no
     * value. Validation sends the config as typed, unsealed, so a secret in it would reach the
     * worker (and whatever logs or proxies its requests) in the clear. Nothing is checked for a
     * cluster whose workers open secrets (the embedded worker, in Switchboard's own process), but
     * that every value in Switchboard's sealed form opens, as a create requires
     * ({@link ConnectorSecrets#requireOpenable}): that worker would fail on it with a 500.
     *
     * @param plugin the plugin the path names, for a config without {@code connector.class}
     */
    public void requireSendable(Scope scope, String plugin, Map<String, String> config) {
        requirePolicies(config);
        secrets.requireOpenable(config);
        // A validation has no connector: no sealed value is its to give (it would be opened for the worker, an oracle).
        secrets.requireHeld(config, Map::of);
        if (clusters.opensSecrets(scope.cluster())) {
            return;
        }
        String connectorClass = config.get(ConnectorConfigValidator.CONNECTOR_CLASS);
        validator.beforeSending(scope.cluster(), connectorClass == null || connectorClass.isBlank() ? plugin : connectorClass,
                secrets.beforeSending(scope.cluster(), config, false));
    }

    /** A worker's validation of {@code given} as the caller may see it ({@link ValidationAnswers}). */
    public JsonNode validationAsGiven(JsonNode infos, Map<String, String> given) {
        return ValidationAnswers.asGiven(infos, given, secretKeys);
    }

    /** The connector's committed offsets: the worker's, else the last the data plane read. */
    public Offsets offsets(Scope scope, String name) {
        connectors.connector(scope, name);
        WorkerClient worker;
        try {
            worker = worker(scope);
            return new Offsets(new ObjectMapper().readTree(worker.offsets(name)), clock.instant());
        } catch (WorkerClient.WorkerRejection e) {
            if (e.status() == 404) {
                // Not on the worker yet: a connector the data plane has not created has no offsets.
                return observed(scope, name).orElseGet(() -> new Offsets(emptyOffsets(), clock.instant()));
            }
            throw new ServiceException.WorkerRefused(e.status(), e.getMessage());
        } catch (WorkerClient.ConnectCallException | ServiceException.Unavailable | IOException e) {
            return observed(scope, name).orElseThrow(ClusterFacts::unreachable);
        }
    }

    /**
     * The offsets as the data plane last read them, without asking the worker: for an answer given
     * while the worker carries out a change to them (a read would queue behind that change).
     */
    public Optional<Offsets> lastReadOffsets(Scope scope, String name) {
        connectors.connector(scope, name);
        return observed(scope, name);
    }

    private Optional<Offsets> observed(Scope scope, String name) {
        Optional<ObservedDetails> details = connectors.observedDetails(scope, name);
        return details.filter(d -> d.offsetsJson() != null).map(d -> {
            try {
                return new Offsets(new ObjectMapper().readTree(d.offsetsJson()), d.observedAt());
            } catch (IOException e) {
                return null;
            }
        });
    }

    private static JsonNode emptyOffsets() {
        ObjectNode none = JsonNodeFactory.instance.objectNode();
        none.putArray("offsets");
        return none;
    }

    private WorkerClient worker(Scope scope) {
        WorkerClient worker = clusters.client(scope.cluster());
        if (worker == null) {
            throw new ServiceException.Unavailable("No Kafka Connect worker is attached to cluster " + scope.cluster());
        }
        return worker;
    }

    private static ServiceException refused(WorkerClient worker, WorkerClient.WorkerRejection e) {
        return new ServiceException.WorkerRefused(e.status(), WorkerErrors.scrub(e.getMessage(), worker.url()));
    }

    private static ServiceException.Unavailable unreachable() {
        // The call's error would name the worker's address, which is the control plane's business.
        return new ServiceException.Unavailable("The Kafka Connect worker is not reachable");
    }
}
