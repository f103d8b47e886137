package io.switchboard.connect;

import io.switchboard.dataplane.ConnectClusterClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The checks Kafka Connect makes before it writes a connector config, with its messages. When the
 * cluster has a data plane, the worker's own plugin validates the config
 * ({@code PUT /connector-plugins/{class}/config/validate}), so a config the plugin rejects gets the
 * very 400 a worker gives. Without a reachable worker, Switchboard checks what it can itself: a
 * connector class, a name that is not empty and has no control characters, no null values, and
 * (with no data plane at all) a plugin it knows.
 */
public final class ConnectorConfigValidator {
    static final String CONNECTOR_CLASS = "connector.class";
    static final String NAME = "name";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ConnectorConfigValidator.class);

    private final ConnectorPlugins plugins;
    private final java.util.function.Supplier<ConnectClusterClient> worker;
    private final SecretKeys secretKeys;

    /** @param worker the cluster's worker, or a supplier of null when the cluster has no data plane */
    public ConnectorConfigValidator(ConnectorPlugins plugins, java.util.function.Supplier<ConnectClusterClient> worker) {
        this(plugins, worker, SecretKeys.DEFAULT);
    }

    public ConnectorConfigValidator(ConnectorPlugins plugins, java.util.function.Supplier<ConnectClusterClient> worker,
                                    SecretKeys secretKeys) {
        this.plugins = plugins;
        this.worker = worker;
        this.secretKeys = secretKeys;
    }

    /** Validates the config and answers the keys its plugin declares PASSWORD (secrets). */
    public java.util.Set<String> validate(Map<String, String> config) {
        String connectorClass = config.get(CONNECTOR_CLASS);
        if (connectorClass == null) {
            // Kafka Connect prints the config as a HashMap does; secrets are hidden.
            throw ConnectRestException.badRequest("Connector config " + secretKeys.hideAll(config) + " contains no connector type");
        }
        ConnectClusterClient client = worker.get();
        if (client != null && !connectorClass.isBlank()) {
            try {
                return validateOnWorker(client, connectorClass, config);
            } catch (ConnectClusterClient.ConnectCallException e) {
                log.info("The worker cannot validate connector configs right now ({}); checking locally", e.getMessage());
                validateLocally(config, false);
                return passwordKeysKnownLocally(connectorClass);
            }
        }
        validateLocally(config, client == null || connectorClass.isBlank());
        return passwordKeysKnownLocally(connectorClass);
    }

    /** The PASSWORD keys of a plugin Switchboard has on its own class path; none for others. */
    private java.util.Set<String> passwordKeysKnownLocally(String connectorClass) {
        return plugins.find(connectorClass).map(type -> {
            try {
                org.apache.kafka.connect.connector.Connector connector = (org.apache.kafka.connect.connector.Connector)
                        type.getDeclaredConstructor().newInstance();
                java.util.Set<String> keys = new java.util.HashSet<>();
                connector.config().configKeys().forEach((name, key) -> {
                    if (key.type == org.apache.kafka.common.config.ConfigDef.Type.PASSWORD) {
                        keys.add(name);
                    }
                });
                return keys;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return java.util.Set.<String>of();
            }
        }).orElse(java.util.Set.of());
    }

    private java.util.Set<String> validateOnWorker(ConnectClusterClient client, String connectorClass, Map<String, String> config) {
        com.fasterxml.jackson.databind.JsonNode infos;
        try {
            infos = client.validate(connectorClass, config);
        } catch (ConnectClusterClient.WorkerRejection e) {
            throw new ConnectRestException(e.status(), WorkerErrors.scrub(e.getMessage(), client.url()));
        }
        java.util.Set<String> passwords = new java.util.HashSet<>();
        infos.path("configs").forEach(c -> {
            if ("PASSWORD".equals(c.path("definition").path("type").asText())) {
                passwords.add(c.path("definition").path("name").asText());
            }
        });
        List<String> errors = new ArrayList<>();
        infos.path("configs").forEach(c -> c.path("value").path("errors").forEach(e -> errors.add(scrub(e.asText(), config, passwords))));
        // A plugin may let a null through (Kafka Connect then stores it and the connector fails to
        // start); Switchboard refuses every null value.
        if (errors.isEmpty()) {
            config.values().stream().filter(java.util.Objects::isNull)
                    .forEach(v -> errors.add("Null value can not be supplied as the configuration value."));
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
        return passwords;
    }

    /** A plugin's message with the values of secret keys it quotes hidden. */
    private String scrub(String message, Map<String, String> config, java.util.Set<String> passwords) {
        String scrubbed = message;
        for (Map.Entry<String, String> entry : config.entrySet()) {
            String value = entry.getValue();
            if (value != null && !value.isEmpty() && (passwords.contains(entry.getKey()) || secretKeys.matches(entry.getKey()))
                    && !SecretKeys.isPlaceholder(value)) {
                scrubbed = scrubbed.replace(value, SecretKeys.REDACTED);
            }
        }
        return scrubbed;
    }

    private void validateLocally(Map<String, String> config, boolean requireKnownPlugin) {
        String connectorClass = config.get(CONNECTOR_CLASS);
        if (requireKnownPlugin && plugins.find(connectorClass).isEmpty()) {
            throw ConnectRestException.badRequest("Failed to find any class that implements Connector and which name matches "
                    + connectorClass + ", available connectors are: " + plugins.describe());
        }
        List<String> errors = new ArrayList<>();
        String name = config.get(NAME);
        if (name != null) {
            if (name.isEmpty()) {
                errors.add("Invalid value  for configuration name: String may not be empty");
            } else {
                List<Integer> control = name.codePoints().filter(Character::isISOControl).boxed().toList();
                if (!control.isEmpty()) {
                    errors.add("Invalid value " + name + " for configuration name: String may not contain control sequences "
                            + "but had the following ASCII chars: "
                            + control.stream().map(String::valueOf).collect(Collectors.joining(", ")));
                }
            }
        }
        config.forEach((key, value) -> {
            if (value == null) {
                errors.add("Null value can not be supplied as the configuration value.");
            }
        });
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    /** Kafka Connect's message for a config with errors. */
    private static ConnectRestException invalid(List<String> errors) {
        StringBuilder message = new StringBuilder("Connector configuration is invalid and contains the following ")
                .append(errors.size()).append(" error(s):");
        errors.forEach(e -> message.append('\n').append(e));
        message.append("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`");
        return ConnectRestException.badRequest(message.toString());
    }
}
