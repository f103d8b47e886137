package io.switchboard.worker;

import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.TargetState;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.storage.ConfigBackingStore;
import org.apache.kafka.connect.storage.KafkaConfigBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Connectors the replica quarantined ({@code io.switchboard.dataplane.WorkerQuarantine}), stopped
 * before the worker joins its group: a connector whose start made the worker exit would otherwise be
 * started again at once, and take the worker down again before any request could stop it. Each is
 * stopped as Kafka Connect's own stop does it (no tasks, then the target state STOPPED), written
 * with Connect's own config store to the worker's config topic; the replica's stop command, decided
 * as any other, keeps it stopped.
 */
public final class StopAtStart {
    /** The setting, handed over with the worker's others and removed before Connect reads them: names, comma-separated. */
    public static final String CONFIG = "switchboard.stop.at.start";

    private StopAtStart() {
    }

    /**
     * Removes {@link #CONFIG} from {@code settings} and stops the connectors it names. When that fails,
     * the worker starts all the same: the replica's decided stop reaches the connector then.
     */
    static void apply(Map<String, String> settings) {
        List<String> connectors = names(settings.remove(CONFIG));
        if (connectors.isEmpty()) {
            return;
        }
        try {
            stop(settings, connectors);
        } catch (RuntimeException e) {
            System.err.println("WARN  [main] StopAtStart - cannot stop " + connectors + " before the worker starts: " + e);
        }
    }

    private static void stop(Map<String, String> settings, List<String> connectors) {
        DistributedConfig config = new DistributedConfig(settings);
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), false);
        try (SharedTopicAdmin admin = new SharedTopicAdmin(new HashMap<>(config.originals()))) {
            KafkaConfigBackingStore store = new KafkaConfigBackingStore(converter, config, null, admin, "switchboard-stop-at-start");
            // It only writes: what it reads back is the herder's to act on, once it starts.
            store.setUpdateListener((ConfigBackingStore.UpdateListener) Proxy.newProxyInstance(StopAtStart.class.getClassLoader(),
                    new Class<?>[] {ConfigBackingStore.UpdateListener.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "no listener";
                        default -> null;
                    }));
            store.start();
            try {
                for (String connector : connectors) {
                    store.putTaskConfigs(connector, List.of());
                    store.putTargetState(connector, TargetState.STOPPED);
                    System.err.println("WARN  [main] StopAtStart - connector " + connector + " stopped before the worker starts:"
                            + " it made the worker exit");
                }
            } finally {
                store.stop();
            }
        }
    }

    static List<String> names(String value) {
        List<String> names = new ArrayList<>();
        if (value == null) {
            return names;
        }
        for (String name : value.split(",")) {
            if (!name.isBlank()) {
                names.add(java.net.URLDecoder.decode(name.trim(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return names;
    }
}
