package io.switchboard;

import io.switchboard.testing.TestReplicas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the replica keeps in its data directory is its owner's only: the directory is made 0700 (or
 * narrowed to it when it is there from before), so the broker's logs and segments, the Streams state
 * and the keys below it are closed to other local users whatever their own permissions.
 */
class DataDirectoryTest {
    @TempDir
    Path dir;

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    @Test
    void aReplicasDataDirectoryIsOwnerOnlyWithTheBrokersLogsBelowIt() throws Exception {
        Path data = dir.resolve("fresh").resolve("data");
        try (SwitchboardApp app = SwitchboardApp.start(TestReplicas.defaults().port(0).schemaRegistryPort(0).kafkaPort(0)
                .dataDir(data).embeddedWorker(false).build())) {
            assertEquals("rwx------", permissions(data));
            assertTrue(Files.isDirectory(data.resolve("kafka")), "the broker's logs are below it");
        }
    }

    @Test
    void aDataDirectoryFromBeforeIsNarrowed() throws Exception {
        Path before = Files.createDirectories(dir.resolve("before"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(before, PosixFilePermissions.fromString("rwxr-xr-x"));
        SwitchboardApp.ownerOnly(before);
        assertEquals("rwx------", permissions(before));
        Path fresh = dir.resolve("a").resolve("b");
        SwitchboardApp.ownerOnly(fresh);
        assertEquals("rwx------", permissions(fresh));
    }
}
