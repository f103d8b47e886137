package io.switchboard.rules;

import io.switchboard.rules.ControlPlane.FileConnectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded worker's FileStream connectors: off without a directory, confined to it with one. */
class FileConnectorsTest {
    private final Path root = createTemp();
    private final Path allowed = root.resolve("files");
    private final Path dataDir = root.resolve("data");

    private static Path createTemp() {
        try {
            return Files.createTempDirectory("file-connectors").toRealPath();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void delete() throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private ConnectorPolicies.Refusal refusal(FileConnectors files, String connectorClass, String file) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", connectorClass);
        config.put("topic", "lines");
        if (file != null) {
            config.put("file", file);
        }
        return ConnectorPolicies.refusal(ConnectorPoliciesTest.CONTROL_PLANE.withFiles(files), config);
    }

    private void assertRefused(String key, String named, ConnectorPolicies.Refusal refusal) {
        assertNotNull(refusal, named);
        assertEquals("file-connectors", refusal.policy(), refusal.message());
        assertEquals(key, refusal.key(), refusal.message());
        assertTrue(refusal.message().startsWith("Connector config refused by policy file-connectors: "), refusal.message());
        assertTrue(refusal.message().contains(named), refusal.message());
    }

    @Test
    void withoutADirectoryTheFileStreamConnectorsAreOffOnTheEmbeddedWorker() {
        FileConnectors off = FileConnectors.embedded(null);
        for (String name : new String[] {"FileStreamSource", "FileStreamSink", "FileStreamSourceConnector",
                "org.apache.kafka.connect.file.FileStreamSinkConnector", " org.apache.kafka.connect.file.FileStreamSourceConnector "}) {
            assertRefused("connector.class", "--file-connectors-dir", refusal(off, name, "/tmp/x"));
        }
        assertNull(refusal(off, "io.debezium.connector.postgresql.PostgresConnector", null));
        // An external worker's files are its operator's.
        assertNull(refusal(FileConnectors.NOT_EMBEDDED, "FileStreamSource", "/etc/passwd"));
    }

    @Test
    void withADirectoryEachFileMustBeUnderIt() throws IOException {
        Files.createDirectories(dataDir);
        Path identities = Files.writeString(dataDir.resolve("kafka-identities.properties"), "switchboard.password=x\n");
        FileConnectors files = FileConnectors.embedded(allowed);
        assertTrue(Files.isDirectory(allowed), "made at start");

        assertNull(refusal(files, "FileStreamSource", allowed.resolve("orders.txt").toString()));
        assertNull(refusal(files, "FileStreamSink", allowed.resolve("out/new.txt").toString()));
        assertRefused("file", "outside " + allowed, refusal(files, "FileStreamSource", identities.toString()));
        assertRefused("file", "'..'", refusal(files, "FileStreamSource", allowed + "/../data/kafka-identities.properties"));
        assertRefused("file", "relative", refusal(files, "FileStreamSource", "data/secrets.key"));
        assertRefused("file", "standard input", refusal(files, "FileStreamSource", null));
        assertRefused("file", "standard input", refusal(files, "FileStreamSink", " "));
        assertRefused("file", "reference", refusal(files, "FileStreamSink", allowed + "/${secretsManager:F}"));
        assertRefused("file", "outside", refusal(files, "FileStreamSink", allowed.toString()));
        // A link under the directory to a file outside it, or to a directory outside it: judged where it leads.
        Path link = Files.createSymbolicLink(allowed.resolve("innocent.txt"), identities);
        assertRefused("file", "which is " + identities, refusal(files, "FileStreamSource", link.toString()));
        Path dirLink = Files.createSymbolicLink(allowed.resolve("elsewhere"), dataDir);
        assertRefused("file", "outside", refusal(files, "FileStreamSink", dirLink.resolve("users").toString()));
        // The directory given through a link is the directory it leads to.
        Path viaLink = Files.createSymbolicLink(root.resolve("files-link"), allowed);
        assertNull(refusal(FileConnectors.embedded(viaLink), "FileStreamSource", allowed.resolve("orders.txt").toString()));
        assertNull(refusal(FileConnectors.embedded(viaLink), "FileStreamSource", viaLink.resolve("orders.txt").toString()));
    }

    /** What the refusal at start says: its message. */
    private static String refusedAtStart(Path directory, Path... keptApart) {
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FileConnectors.embedded(directory, java.util.List.of(keptApart)));
        assertTrue(refused.getMessage().startsWith("--file-connectors-dir " + directory + " "), refused.getMessage());
        return refused.getMessage();
    }

    @Test
    void aMissingDirectoryIsMadeOwnerOnly() throws IOException {
        FileConnectors.embedded(allowed.resolve("deeper"), java.util.List.of(dataDir));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(allowed.resolve("deeper"))));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(allowed)));
    }

    @Test
    void aDirectoryOthersCanWriteOrReplaceIsRefusedAtStart() throws IOException {
        Files.createDirectories(allowed);
        Files.setPosixFilePermissions(allowed, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(refusedAtStart(allowed).contains("can be written by its group or by others (mode 0777)"));
        Files.setPosixFilePermissions(allowed, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwx---"));
        assertTrue(refusedAtStart(allowed).contains("mode 0770"));
        // Its own mode is private, but the directory above it is anyone's (and not sticky): it could be swapped.
        Files.setPosixFilePermissions(allowed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path inner = Files.createDirectories(allowed.resolve("inner"));
        Files.setPosixFilePermissions(allowed, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(refusedAtStart(inner).contains("is under " + allowed + ", which others can write (mode 0777)"));
        Files.setPosixFilePermissions(allowed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        // /tmp itself: root's, sticky, anyone's to write.
        Path tmp = Path.of("/tmp");
        if (Files.isDirectory(tmp)) {
            String refused = refusedAtStart(tmp);
            assertTrue(refused.contains("is owned by uid 0, not by the user the replica runs as")
                    || refused.contains("can be written by its group or by others (mode 1777)"), refused);
        }
    }

    @Test
    void aDirectoryInsideOrAboveTheDataDirectoryOrTheUsersFileIsRefusedAtStart() throws IOException {
        Files.createDirectories(dataDir);
        Path users = Files.writeString(root.resolve("users"), "");
        assertTrue(refusedAtStart(root, dataDir).contains("holds " + dataDir));
        assertTrue(refusedAtStart(dataDir.resolve("files"), dataDir).contains("is inside " + dataDir));
        assertTrue(refusedAtStart(root, users).contains("holds " + users));
        assertNull(refusal(FileConnectors.embedded(allowed, java.util.List.of(dataDir, users)), "FileStreamSource",
                allowed.resolve("orders.txt").toString()));
    }
}
