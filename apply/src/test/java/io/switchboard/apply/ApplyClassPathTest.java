package io.switchboard.apply;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The apply CLI runs, in these tests, on its module's own class path: no Kafka jar and no module of the
 * running control plane (the poms' side is ModuleArrowsTest's), so that every path the other tests take
 * through the core's model, the rules' checks and CEL is shown to need none.
 */
class ApplyClassPathTest {
    @Test
    void neitherKafkaNorTheControlPlanesRuntimeIsOnTheClassPath() {
        for (String name : List.of("org.apache.kafka.common.KafkaException", "org.apache.kafka.connect.connector.Connector",
                "io.switchboard.kafkaio.Hmacs", "io.switchboard.worker.EmbeddedWorkerMain")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, getClass().getClassLoader()), name);
        }
    }
}
