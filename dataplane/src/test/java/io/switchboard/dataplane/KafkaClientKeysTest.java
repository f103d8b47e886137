package io.switchboard.dataplane;

import io.switchboard.rules.KafkaClientKeys;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The allowlists of Kafka client settings name settings Kafka's clients define, none of which
 * loads a class or takes a password; and what the embedded worker lets a connector override is
 * among what the policy allows.
 */
class KafkaClientKeysTest {
    @Test
    void everyAllowedSettingIsAKafkaClientsOwnAndLoadsNoClass() {
        Map<String, ConfigDef.ConfigKey> defined = new HashMap<>();
        defined.putAll(AdminClientConfig.configDef().configKeys());
        defined.putAll(ProducerConfig.configDef().configKeys());
        defined.putAll(ConsumerConfig.configDef().configKeys());
        for (Set<String> allowed : java.util.List.of(KafkaClientKeys.TUNABLES, KafkaClientKeys.CONNECTION)) {
            for (String key : allowed) {
                ConfigDef.ConfigKey definition = defined.get(key);
                assertNotNull(definition, key + " is a Kafka client's setting");
                assertNotEquals(ConfigDef.Type.CLASS, definition.type, key);
                assertTrue(!key.endsWith(".classes") && !key.endsWith(".location") && !key.endsWith("reporters"), key);
                if (KafkaClientKeys.TUNABLES.contains(key)) {
                    assertNotEquals(ConfigDef.Type.PASSWORD, definition.type, key);
                }
            }
        }
        assertTrue(KafkaClientKeys.TUNABLES.containsAll(KafkaClientKeys.OVERRIDABLE), "the worker's overrides are among the policy's");
    }
}
