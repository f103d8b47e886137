package io.switchboard.dialects.connect;

import io.javalin.config.JavalinConfig;
import io.switchboard.core.ClusterFacts;
import io.switchboard.core.PluginInventory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /plugins} (and {@code /clusters/{cluster}/plugins}): the cluster's plugin inventory
 * ({@link PluginInventory}): each plugin class its workers list, with its versions; for each version,
 * whether the workers have it, the connectors they report running it and the connectors whose config
 * requires it; and the connectors requiring a version no worker has. A viewer of the cluster may read
 * it: of a config it shows the plugins' classes and required versions only. A 503 when the cluster's
 * worker cannot list its plugins.
 */
final class PluginsResource {
    private final ClusterFacts facts;
    private final ConnectScopes scopes;

    PluginsResource(ClusterFacts facts, ConnectScopes scopes) {
        this.facts = facts;
        this.scopes = scopes;
    }

    void register(JavalinConfig config, String base) {
        config.routes.get(base + "/plugins", ctx -> ctx.json(json(facts.inventory(scopes.of(ctx)))), scopes.view());
    }

    static Map<String, Object> json(PluginInventory.Inventory inventory) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cluster", inventory.cluster());
        json.put("plugins", inventory.plugins().stream().map(plugin -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("class", plugin.className());
            p.put("types", plugin.types());
            p.put("versions", plugin.versions().stream().map(v -> {
                Map<String, Object> version = new LinkedHashMap<>();
                version.put("version", v.version());
                version.put("installed", v.installed());
                version.put("running", v.running());
                version.put("pinned", v.pinned());
                return version;
            }).toList());
            return p;
        }).toList());
        List<Map<String, Object>> notInstalled = inventory.notInstalled().stream().map(n -> {
            Map<String, Object> pin = new LinkedHashMap<>();
            pin.put("connector", n.connector());
            pin.put("key", n.key());
            pin.put("class", n.className());
            pin.put("pinned", n.required());
            pin.put("installed", n.installed());
            return pin;
        }).toList();
        json.put("not_installed", notInstalled);
        return json;
    }
}
