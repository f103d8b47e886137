package io.switchboard;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What every Kafka client a replica makes gets besides its own settings (SASL, SSL: given with
 * {@code --kafka-property}). A client's own settings win over these.
 */
final class KafkaSettings {
    private final Map<String, String> common;

    KafkaSettings(Map<String, String> common) {
        this.common = Map.copyOf(common);
    }

    /** The settings as they are, for the clients that take them as a map of their own. */
    Map<String, String> common() {
        return common;
    }

    /** A client's own settings over the common ones. */
    Map<String, Object> with(Map<String, ?> own) {
        Map<String, Object> all = new HashMap<>(common);
        all.putAll(own);
        return all;
    }

    Properties with(Properties own) {
        Properties all = new Properties();
        all.putAll(common);
        all.putAll(own);
        return all;
    }

    /** The embedded worker's own clients take the settings as they are, its connectors' clients with their prefixes. */
    Map<String, String> forWorker(Map<String, String> own) {
        Map<String, String> all = new LinkedHashMap<>();
        common.forEach((key, value) -> {
            all.put(key, value);
            for (String prefix : List.of("producer.", "consumer.", "admin.")) {
                all.put(prefix + key, value);
            }
        });
        all.putAll(own);
        return all;
    }
}
