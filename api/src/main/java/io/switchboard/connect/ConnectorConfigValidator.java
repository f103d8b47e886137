package io.switchboard.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The checks Kafka Connect makes before it writes a connector config, with its messages: a
 * connector class that names a known plugin, a name that is not empty and has no control
 * characters, and no null values.
 */
public final class ConnectorConfigValidator {
    static final String CONNECTOR_CLASS = "connector.class";
    static final String NAME = "name";

    private final ConnectorPlugins plugins;

    public ConnectorConfigValidator(ConnectorPlugins plugins) {
        this.plugins = plugins;
    }

    public void validate(Map<String, String> config) {
        String connectorClass = config.get(CONNECTOR_CLASS);
        if (connectorClass == null) {
            // Kafka Connect prints the config as a HashMap does.
            throw ConnectRestException.badRequest("Connector config " + new java.util.HashMap<>(config) + " contains no connector type");
        }
        if (plugins.find(connectorClass).isEmpty()) {
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
            StringBuilder message = new StringBuilder("Connector configuration is invalid and contains the following ")
                    .append(errors.size()).append(" error(s):");
            errors.forEach(e -> message.append('\n').append(e));
            message.append("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`");
            throw ConnectRestException.badRequest(message.toString());
        }
    }
}
