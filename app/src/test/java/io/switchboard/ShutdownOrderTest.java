package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShutdownOrderTest {
    @Test
    void stopsByStageWhateverTheOrderThingsStartedIn() {
        List<String> closed = new ArrayList<>();
        ShutdownOrder order = new ShutdownOrder();
        // The order SwitchboardApp starts them in.
        order.add(Stage.BROKER, () -> closed.add("broker"));
        order.add(Stage.PROCESSOR, () -> closed.add("admin"));
        order.add(Stage.REGISTRY, () -> closed.add("registry"));
        order.add(Stage.PROCESSOR, () -> closed.add("streams"));
        order.add(Stage.HTTP, () -> closed.add("http"));
        order.add(Stage.HTTP, () -> closed.add("event streams"));
        order.add(Stage.WORKER, () -> closed.add("worker"));
        order.add(Stage.DATA_PLANE, () -> closed.add("reconciler"));
        order.add(Stage.DATA_PLANE, () -> {
            throw new IllegalStateException("a failure stops nothing else");
        });

        order.close();
        order.close();

        assertEquals(List.of("event streams", "http", "reconciler", "worker", "streams", "admin", "registry", "broker"),
                closed);
    }
}
