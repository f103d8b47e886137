package io.switchboard;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartFailureTest {

    @Test
    void aFullDiskIsNamedWithTheDirectoryAndWhatToDo() {
        RuntimeException e = new IllegalStateException("Error opening store connectors",
                new IOException("While appending to file: /d/streams/MANIFEST-000014: No space left on device"));
        String described = StartFailure.describe(e, Path.of("/d"));
        assertTrue(described.startsWith("the data directory /d is full (Error opening store connectors: While appending"), described);
        assertTrue(described.endsWith("free space there and start again: the state is restored from Kafka"), described);
    }

    @Test
    void otherFailuresAreTheirCausesInOneLine() {
        RuntimeException e = new IllegalStateException("Kafka not reachable", new IOException("Connection refused"));
        assertEquals("Kafka not reachable: Connection refused", StartFailure.describe(e, Path.of("/d")));
    }
}
