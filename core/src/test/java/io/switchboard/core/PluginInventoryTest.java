package io.switchboard.core;

import io.switchboard.core.PluginInventory.Inventory;
import io.switchboard.core.PluginInventory.NotInstalled;
import io.switchboard.core.PluginInventory.Plugin;
import io.switchboard.core.PluginInventory.Version;
import io.switchboard.core.PluginVersions.Installed;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.core.Views.ConnectorView;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The plugin inventory: versions installed, connectors running and requiring each, and requirements no version meets. */
class PluginInventoryTest {
    private static final String VERSIONED = "com.example.VersionedSourceConnector";
    private static final String JSON = "org.apache.kafka.connect.json.JsonConverter";
    private static final List<Installed> INSTALLED = List.of(new Installed(VERSIONED, "source", "1.0.0"),
            new Installed(VERSIONED, "source", "2.0.0"), new Installed(JSON, "converter", "4.3.1"),
            new Installed(JSON, "header_converter", "4.3.1"));

    private static ConnectorDetails connector(String name, Map<String, String> config, String connectorVersion, String taskVersion) {
        ConnectorView view = new ConnectorView("default", name, config, 1, "source", TargetState.RUNNING, 1, null, null);
        StatusView status = new StatusView(name, "RUNNING", "w", null, connectorVersion,
                taskVersion == null ? List.of() : List.of(new TaskStatusView(0, "RUNNING", "w", null, taskVersion)),
                "source", TargetState.RUNNING, null, null, null);
        return new ConnectorDetails(view, status);
    }

    @Test
    void eachVersionNamesTheConnectorsRunningAndRequiringIt() {
        Inventory inventory = PluginInventory.of("default", INSTALLED, List.of(
                connector("old", Map.of("connector.class", VERSIONED, "connector.plugin.version", "1.0.0"), "1.0.0", "1.0.0"),
                // Not reported yet: required only. A range picks the latest version it allows.
                connector("ranged", Map.of("connector.class", "VersionedSource", "connector.plugin.version", "[1.0,3.0)"), null, null),
                // Reported by its task only; no requirement: the latest.
                connector("free", Map.of("connector.class", VERSIONED, "value.converter", JSON,
                        "value.converter.plugin.version", "4.3.1"), null, "2.0.0"),
                connector("lost", Map.of("connector.class", VERSIONED, "connector.plugin.version", "9.9.9"), "0.9.0", null)));
        assertEquals(List.of(
                new Plugin(VERSIONED, List.of("source"), List.of(
                        new Version("0.9.0", false, List.of("lost"), List.of()),
                        new Version("1.0.0", true, List.of("old"), List.of("old")),
                        new Version("2.0.0", true, List.of("free"), List.of("ranged")))),
                new Plugin(JSON, List.of("converter", "header_converter"), List.of(
                        new Version("4.3.1", true, List.of(), List.of("free"))))), inventory.plugins());
        assertEquals(List.of(new NotInstalled("lost", "connector.plugin.version", VERSIONED, "9.9.9", List.of("1.0.0", "2.0.0"))),
                inventory.notInstalled());
    }

    @Test
    void aPluginNoWorkerListsAnyMoreShowsWithTheConnectorsStillOnIt() {
        Inventory inventory = PluginInventory.of("default", List.of(new Installed(JSON, "converter", "4.3.1")), List.of(
                connector("orphan", Map.of("connector.class", VERSIONED, "connector.plugin.version", "1.0.0"), "1.0.0", null)));
        assertEquals(new Plugin(VERSIONED, List.of(), List.of(new Version("1.0.0", false, List.of("orphan"), List.of()))),
                inventory.plugins().get(0));
        assertEquals(List.of(new NotInstalled("orphan", "connector.plugin.version", VERSIONED, "1.0.0", List.of())),
                inventory.notInstalled());
    }
}
