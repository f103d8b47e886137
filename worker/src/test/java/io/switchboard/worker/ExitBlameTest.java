package io.switchboard.worker;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitBlameTest {
    @Test
    void aConnectorIsNamedByTheThreadKafkaConnectRunsItOrItsTaskIn() {
        assertEquals(Optional.of("orders"), ExitBlame.connectorOf("connector-thread-orders"));
        assertEquals(Optional.of("orders-eu-2"), ExitBlame.connectorOf("task-thread-orders-eu-2-13"));
        assertEquals(Optional.empty(), ExitBlame.connectorOf("task-thread-orders"), "no task number");
        assertEquals(Optional.empty(), ExitBlame.connectorOf("task-thread-orders-"), "no task number");
        assertEquals(Optional.empty(), ExitBlame.connectorOf("connector-thread-"));
        assertEquals(Optional.empty(), ExitBlame.connectorOf("DistributedHerder-connect-1"), "the worker's own threads blame no-one");
        assertEquals(Optional.empty(), ExitBlame.connectorOf("pool-3-thread-1"), "nor a plugin's own threads");
        assertEquals(Optional.empty(), ExitBlame.connectorOf("connector-thread-" + "x".repeat(ExitBlame.MAX_NAME + 1)));
    }

    @Test
    void theCulpritIsTheThreadInTheMiddleOfExitingNotTheHookNorTheOthers() {
        Thread hook = new Thread(() -> { }, "exit-blame");
        Thread task = new Thread(() -> { }, "task-thread-payments-0");
        Thread other = new Thread(() -> { }, "task-thread-orders-0");
        Map<Thread, StackTraceElement[]> stacks = new LinkedHashMap<>();
        stacks.put(hook, frames("java.lang.Shutdown", "exit"));
        stacks.put(other, frames("java.lang.Thread", "sleep"));
        stacks.put(task, frames("java.lang.Runtime", "exit"));
        assertEquals(Optional.of("payments"), ExitBlame.culprit(stacks, hook));
        stacks.remove(task);
        assertEquals(Optional.empty(), ExitBlame.culprit(stacks, hook), "a signal or a halt: no thread is exiting");
    }

    private static StackTraceElement[] frames(String className, String method) {
        return List.of(new StackTraceElement("java.lang.Object", "wait", null, -1),
                new StackTraceElement(className, method, null, -1),
                new StackTraceElement("com.example.Plugin", "start", null, 10)).toArray(new StackTraceElement[0]);
    }

    @Test
    void theNamesToStopAtStartAreReadAsTheReplicaWritesThem() {
        assertEquals(List.of("a,b", "c d"), StopAtStart.names("a%2Cb, c+d,"));
        assertEquals(List.of(), StopAtStart.names(null));
    }
}
