package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.rules.ConnectorRules;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The checks Kafka Connect makes before it writes a connector config, with its messages. When the
 * cluster has a data plane, the worker's own plugin validates the config
 * ({@code PUT /connector-plugins/{class}/config/validate}), so a config the plugin rejects gets the
 * very 400 a worker gives; a config requiring plugin versions (KIP-891) is first held to the versions
 * the worker lists ({@link PluginVersions}), and refused naming them. Without a reachable worker, Switchboard checks what it can itself: a
 * connector class, a name that is not empty and has no control characters, no null values, and
 * (with no data plane at all) a plugin it knows.
 */
public final class ConnectorConfigValidator {
    public static final String CONNECTOR_CLASS = "connector.class";
    public static final String NAME = "name";
    /** Kafka Connect's words for a null value. */
    static final String NULL_VALUE = "Null value can not be supplied as the configuration value.";

    private static final Logger log = LoggerFactory.getLogger(ConnectorConfigValidator.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectorPlugins plugins;
    private final Function<String, WorkerClient> workers;
    private final Redactor secretKeys;

    /** @param workers a cluster's worker by cluster name, or null when the cluster has no data plane */
    public ConnectorConfigValidator(ConnectorPlugins plugins, Function<String, WorkerClient> workers,
                                    Redactor secretKeys) {
        this.plugins = plugins;
        this.workers = workers;
        this.secretKeys = secretKeys;
    }

    /**
     * Refuses a config with no connector class, in Kafka Connect's words, which print the config as a
     * HashMap does, with secret keys and sealed values hidden. Given a config whose sealed values were
     * opened, it would print them: callers check the stored form first.
     */
    public void requireConnectorClass(Map<String, String> config) {
        if (!ConnectorRules.hasConnectorClass(config)) {
            throw new ServiceException.InvalidRequest(CONNECTOR_CLASS,
                    "Connector config " + secretKeys.hideAll(config) + " contains no connector type");
        }
    }

    /** Validates the config and answers the keys its plugin declares PASSWORD (secrets). */
    public Set<String> validate(String cluster, Map<String, String> config) {
        return validate(cluster, config, null);
    }

    /**
     * As {@link #validate(String, Map)}, first giving {@code beforeSending} the keys the plugin
     * declares PASSWORD, learnt from its definitions, which carry no config value
     * ({@code GET /connector-plugins/{class}/config}), before any of the config goes to the worker:
     * a check that throws stops it there.
     *
     * @param beforeSending null: nothing to check first
     */
    public Set<String> validate(String cluster, Map<String, String> config, Consumer<Set<String>> beforeSending) {
        requireConnectorClass(config);
        String connectorClass = config.get(CONNECTOR_CLASS);
        WorkerClient client = workers.apply(cluster);
        if (beforeSending != null) {
            beforeSending(cluster, connectorClass, beforeSending);
        }
        if (client != null && !connectorClass.isBlank()) {
            try {
                requireInstalledVersions(client, config);
                return validateOnWorker(client, connectorClass, config);
            } catch (WorkerClient.ConnectCallException e) {
                log.info("The worker cannot validate connector configs right now ({}); checking locally", e.getMessage());
                validateLocally(config, false);
                return passwordKeysKnownLocally(connectorClass);
            }
        }
        validateLocally(config, client == null || connectorClass.isBlank());
        return passwordKeysKnownLocally(connectorClass);
    }

    /**
     * Gives {@code check} the keys the plugin declares PASSWORD, learnt from its definitions on the
     * cluster's worker ({@code GET /connector-plugins/{class}/config}, which carry no config value), or
     * from the plugin class when Switchboard has it: what {@link #validate(String, Map, Consumer)} asks
     * before any of a config goes to the worker, for a validation the caller sends itself.
     */
    public void beforeSending(String cluster, String connectorClass, Consumer<Set<String>> check) {
        WorkerClient client = workers.apply(cluster);
        check.accept(client == null || connectorClass == null || connectorClass.isBlank()
                ? passwordKeysKnownLocally(connectorClass) : declaredPasswordKeys(client, connectorClass));
    }

    /**
     * The PASSWORD keys of the plugin's definitions as the worker serves them; when the worker
     * cannot say (unreachable, or it has no such plugin, which then declares nothing), the ones
     * Switchboard knows itself.
     */
    private Set<String> declaredPasswordKeys(WorkerClient client, String connectorClass) {
        try {
            WorkerClient.Answer answer = client.exchange("GET", "/connector-plugins/"
                    + URLEncoder.encode(connectorClass, StandardCharsets.UTF_8).replace("+", "%20") + "/config", null);
            if (answer.status() == 200) {
                Set<String> keys = new HashSet<>(passwordKeysKnownLocally(connectorClass));
                for (JsonNode definition : JSON.readTree(answer.body())) {
                    if ("PASSWORD".equals(definition.path("type").asText())) {
                        keys.add(definition.path("name").asText());
                    }
                }
                return keys;
            }
        } catch (WorkerClient.ConnectCallException | IOException e) {
            log.info("The worker's definitions of {} cannot be read ({}); using the ones known here", connectorClass, e.getMessage());
        }
        return passwordKeysKnownLocally(connectorClass);
    }

    /**
     * Refuses a config that requires a plugin version the cluster's workers do not have
     * ({@link PluginVersions#unmet}, naming the versions they have), before the worker validates it:
     * the plugins it lists are asked only when the config requires a version. A worker that cannot
     * list them now leaves the requirement to its own validation.
     */
    private void requireInstalledVersions(WorkerClient client, Map<String, String> config) {
        // A config with no version key costs neither a request nor a look by PluginVersions (its suffix is a constant).
        if (config.keySet().stream().noneMatch(key -> key != null && key.endsWith(PluginVersions.KEY_SUFFIX))
                || !PluginVersions.requiresAny(config)) {
            return;
        }
        WorkerClient.Answer answer = client.exchange("GET", "/connector-plugins?connectorsOnly=false", null);
        if (answer.status() != 200) {
            log.info("The worker cannot list its plugins (HTTP {}); plugin versions are left to its validation", answer.status());
            return;
        }
        List<ServiceException.Violation> unmet;
        try {
            unmet = PluginVersions.violations(config, PluginVersions.installed(JSON.readTree(answer.body())));
        } catch (IOException e) {
            log.info("The worker's plugins cannot be read ({}); plugin versions are left to its validation", e.getMessage());
            return;
        }
        if (!unmet.isEmpty()) {
            throw invalid(unmet);
        }
    }

    /** The PASSWORD keys of a plugin Switchboard has on its own class path; none for others. */
    private Set<String> passwordKeysKnownLocally(String connectorClass) {
        if (connectorClass == null) {
            return Set.of();
        }
        return plugins.find(connectorClass).map(type -> {
            try {
                Connector connector = (Connector)
                        type.getDeclaredConstructor().newInstance();
                Set<String> keys = new HashSet<>();
                connector.config().configKeys().forEach((name, key) -> {
                    if (key.type == ConfigDef.Type.PASSWORD) {
                        keys.add(name);
                    }
                });
                return keys;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return Set.<String>of();
            }
        }).orElse(Set.of());
    }

    private Set<String> validateOnWorker(WorkerClient client, String connectorClass, Map<String, String> config) {
        JsonNode infos;
        try {
            infos = client.validate(connectorClass, config);
        } catch (WorkerClient.WorkerRejection e) {
            throw new ServiceException.WorkerRefused(e.status(), WorkerErrors.scrub(e.getMessage(), client.url()));
        } catch (WorkerClient.ValidationsBusy e) {
            // Not a reason to check less: the request is refused, and can be sent again.
            throw new ServiceException.Unavailable(e.getMessage(), 1);
        }
        Set<String> passwords = new HashSet<>();
        infos.path("configs").forEach(c -> {
            if ("PASSWORD".equals(c.path("definition").path("type").asText())) {
                passwords.add(c.path("definition").path("name").asText());
            }
        });
        List<ServiceException.Violation> errors = new ArrayList<>();
        infos.path("configs").forEach(c -> c.path("value").path("errors").forEach(e -> errors.add(
                new ServiceException.Violation(c.path("value").path("name").asText(null), scrub(e.asText(), config, passwords)))));
        // A plugin may let a null through (Kafka Connect then stores it and the connector fails to
        // start); Switchboard refuses every null value.
        if (errors.isEmpty()) {
            config.forEach((key, value) -> {
                if (value == null) {
                    errors.add(new ServiceException.Violation(key, NULL_VALUE));
                }
            });
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return passwords;
    }

    /** A plugin's message with the values of secret keys it quotes hidden. */
    private String scrub(String message, Map<String, String> config, Set<String> passwords) {
        List<String> secrets = new ArrayList<>();
        config.forEach((key, value) -> {
            if (value != null && (passwords.contains(key) || secretKeys.matches(key)) && !Redactor.isPlaceholder(value)) {
                secrets.add(value);
            }
        });
        return Redactor.scrub(message, secrets);
    }

    private void validateLocally(Map<String, String> config, boolean requireKnownPlugin) {
        String connectorClass = config.get(CONNECTOR_CLASS);
        if (requireKnownPlugin && plugins.find(connectorClass).isEmpty()) {
            throw new ServiceException.InvalidRequest(CONNECTOR_CLASS, "Failed to find any class that implements Connector "
                    + "and which name matches " + connectorClass + ", available connectors are: " + plugins.describe());
        }
        List<ServiceException.Violation> errors = new ArrayList<>();
        String name = config.get(NAME);
        if (name != null) {
            if (name.isEmpty()) {
                errors.add(new ServiceException.Violation(NAME, "Invalid value  for configuration name: String may not be empty"));
            } else {
                List<Integer> control = name.codePoints().filter(Character::isISOControl).boxed().toList();
                if (!control.isEmpty()) {
                    errors.add(new ServiceException.Violation(NAME, "Invalid value " + name + " for configuration name: "
                            + "String may not contain control sequences but had the following ASCII chars: "
                            + control.stream().map(String::valueOf).collect(Collectors.joining(", "))));
                }
            }
        }
        config.forEach((key, value) -> {
            if (value == null) {
                errors.add(new ServiceException.Violation(key, NULL_VALUE));
            }
        });
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    private static ServiceException invalid(List<ServiceException.Violation> errors) {
        return new ServiceException.InvalidConfig(errors);
    }
}
