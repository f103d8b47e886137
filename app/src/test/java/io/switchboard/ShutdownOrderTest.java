package io.switchboard;

import io.switchboard.ShutdownOrder.Part;
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
        // The parts SwitchboardApp composes, in its order, each adding in the order it starts things.
        Part kafka = order.part();
        kafka.add(Stage.BROKER, () -> closed.add("broker"));
        kafka.add(Stage.PROCESSOR, () -> closed.add("admin"));
        order.part().add(Stage.REGISTRY, () -> closed.add("registry"));
        order.part().add(Stage.PROCESSOR, () -> closed.add("streams"));
        Part worker = order.part();
        order.part().add(Stage.HTTP, () -> closed.add("status watcher"));
        Part http = order.part();
        http.add(Stage.HTTP, () -> closed.add("http"));
        http.add(Stage.HTTP, () -> closed.add("event streams"));
        Part dataPlane = order.part();
        // Started on a thread of its own, after the parts made after its own.
        worker.add(Stage.WORKER, () -> closed.add("worker"));
        dataPlane.add(Stage.DATA_PLANE, () -> closed.add("reconciler"));
        dataPlane.add(Stage.DATA_PLANE, () -> {
            throw new IllegalStateException("a failure stops nothing else");
        });

        order.close();
        order.close();

        assertEquals(List.of("event streams", "http", "status watcher", "reconciler", "worker", "streams", "admin", "registry",
                "broker"), closed);
    }

    @Test
    void withinAStageALaterPartClosesFirst() {
        List<String> closed = new ArrayList<>();
        ShutdownOrder order = new ShutdownOrder();
        Part first = order.part();
        Part second = order.part();
        first.add(Stage.PROCESSOR, () -> closed.add("first's, added first"));
        second.add(Stage.PROCESSOR, () -> closed.add("second's"));
        first.add(Stage.PROCESSOR, () -> closed.add("first's, added last"));

        order.close();

        assertEquals(List.of("second's", "first's, added last", "first's, added first"), closed);
    }
}
