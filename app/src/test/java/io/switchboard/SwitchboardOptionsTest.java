package io.switchboard;

import io.switchboard.kafkaio.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SwitchboardOptionsTest {

    @Test
    void flagsWinOverEnvironmentVariablesWhichWinOverDefaults() {
        SwitchboardOptions options = SwitchboardOptions.parse(
                new String[]{"--lifecycle-topic", "platform.connector-events", "--secret-key-patterns=*.pass"},
                Map.of("SWITCHBOARD_LIFECYCLE_TOPIC", "ignored", "SWITCHBOARD_SECRETS_KEY_FILE", "/etc/switchboard/keyring",
                        "SWITCHBOARD_TOPIC_PREFIX", "sb"));
        assertEquals("platform.connector-events", options.lifecycleTopic());
        assertEquals("*.pass", options.secretKeyPatterns());
        assertEquals(Path.of("/etc/switchboard/keyring"), options.keyringFile());
        Topics topics = new Topics(options.topicPrefix(), options.lifecycleTopic());
        assertEquals("platform.connector-events", topics.lifecycle());
        assertEquals("sb.commands", topics.commands());
    }

    @Test
    void defaultsNameEverythingFromThePrefixAndKeepTheKeyringInTheDataDirectory() {
        SwitchboardOptions options = SwitchboardOptions.parse(new String[0], Map.of());
        assertNull(options.lifecycleTopic());
        assertEquals("switchboard.lifecycle", new Topics(options.topicPrefix(), options.lifecycleTopic()).lifecycle());
        assertEquals(Path.of("data", "secrets.key"), options.keyringFile());
        assertNull(options.instanceId(), "a new group member at every start unless given an identity");
    }

    @Test
    void theInstanceIdComesFromItsFlagOrEnvironmentVariable() {
        assertEquals("sb-switchboard-2", SwitchboardOptions.parse(new String[0],
                Map.of("SWITCHBOARD_INSTANCE_ID", "sb-switchboard-2")).instanceId());
        assertEquals("replica-1", SwitchboardOptions.parse(new String[]{"--instance-id", "replica-1"}, Map.of()).instanceId());
    }

    @Test
    void fileConnectorsAreOffUntilADirectoryIsGiven() {
        assertNull(SwitchboardOptions.parse(new String[0], Map.of()).fileConnectorsDir());
        assertEquals(java.nio.file.Path.of("/srv/connect-files"), SwitchboardOptions.parse(new String[0],
                Map.of("SWITCHBOARD_FILE_CONNECTORS_DIR", "/srv/connect-files")).fileConnectorsDir());
        assertEquals(java.nio.file.Path.of("/srv/a"), SwitchboardOptions.parse(new String[]{"--file-connectors-dir", "/srv/a"},
                Map.of("SWITCHBOARD_FILE_CONNECTORS_DIR", "/srv/b")).fileConnectorsDir());
    }

    /**
     * The review's G8, as a local user would set it up: a file connectors' directory made before the
     * replica (anyone's to write, as one under /tmp would be), or a private one under such a
     * directory, is refused with its mode before anything starts, as {@code main} checks it.
     */
    @Test
    void aFileConnectorsDirectoryOthersCanWriteIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws java.io.IOException {
        Path squatted = Files.createDirectory(dir.resolve("switchboard-files"));
        Files.setPosixFilePermissions(squatted, PosixFilePermissions.fromString("rwxrwxrwx"));
        SwitchboardOptions options = SwitchboardOptions.parse(new String[]{"--data-dir", dir.resolve("data").toString(),
                "--file-connectors-dir", squatted.toString()}, Map.of());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> DataPlaneAssembly.controlPlane(options, new Topics(options.topicPrefix())));
        assertTrue(refused.getMessage().contains("mode 0777"), refused.getMessage());

        Path inner = Files.createDirectory(squatted.resolve("mine"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        SwitchboardOptions below = SwitchboardOptions.parse(new String[]{"--data-dir", dir.resolve("data").toString(),
                "--file-connectors-dir", inner.toString()}, Map.of());
        refused = assertThrows(IllegalArgumentException.class, () -> DataPlaneAssembly.controlPlane(below, new Topics(below.topicPrefix())));
        assertTrue(refused.getMessage().contains("which others can write (mode 0777)"), refused.getMessage());

        Files.setPosixFilePermissions(squatted, PosixFilePermissions.fromString("rwx------"));
        DataPlaneAssembly.controlPlane(options, new Topics(options.topicPrefix()));
    }

    @Test
    void aConnectClusterMayNameItsStatusTopic() {
        SwitchboardOptions options = SwitchboardOptions.parse(new String[]{
                "--connect-cluster", "prod=http://connect:8083;status-topic=connect-status",
                "--connect-cluster", "dev=http://dev:8083"}, Map.of());
        assertEquals(Map.of("prod", "http://connect:8083", "dev", "http://dev:8083"), options.connectClusterUrls());
        assertEquals(Map.of("prod", "connect-status"), options.connectClusterStatusTopics());
        SwitchboardOptions both = SwitchboardOptions.parse(new String[]{
                "--connect-cluster", "prod=http://connect:8083;config-topic=connect-configs;status-topic=connect-status"}, Map.of());
        assertEquals(Map.of("prod", "connect-status"), both.connectClusterStatusTopics());
        assertEquals(Map.of("prod", "connect-configs"), both.connectClusterConfigTopics());
        assertEquals(Map.of(), options.connectClusterConfigTopics());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SwitchboardOptions.parse(
                new String[]{"--connect-cluster", "prod=http://connect:8083;status=x"}, Map.of()).connectClusterUrls());
        assertTrue(e.getMessage().contains("status-topic=TOPIC"), e.getMessage());
    }

    @Test
    void unknownFlagsAreRefusedWithTheKnownOnesListed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SwitchboardOptions.parse(new String[]{"--lifecycle", "x"}, Map.of()));
        assertTrue(e.getMessage().contains("--lifecycle-topic"), e.getMessage());
    }

    @Test
    void theIpv6PrefixTheLimitsCountIsASettingOf1To128() {
        assertEquals(64, SwitchboardOptions.parse(new String[0], Map.of()).security().clientAddresses().ipv6Prefix());
        assertEquals(128, SwitchboardOptions.parse(new String[] {"--ipv6-limit-prefix", "128"}, Map.of())
                .security().clientAddresses().ipv6Prefix());
        assertEquals(56, SwitchboardOptions.parse(new String[0], Map.of("SWITCHBOARD_IPV6_LIMIT_PREFIX", "56"))
                .security().clientAddresses().ipv6Prefix());
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SwitchboardOptions.parse(new String[] {"--ipv6-limit-prefix", "129"}, Map.of()));
        assertEquals("--ipv6-limit-prefix takes a prefix length from 1 to 128, not 129", refused.getMessage());
    }
}
