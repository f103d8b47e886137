package io.switchboard.dataplane;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded worker's file, directory and environment config providers read only what they are allowed. */
class EmbeddedWorkerProvidersTest {
    private static final Map<String, String> PROVIDERS = Map.of(
            "config.providers", "switchboard, file,dir,env",
            "config.providers.switchboard.class", "io.switchboard.worker.SecretConfigProvider",
            "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider",
            "config.providers.dir.class", " org.apache.kafka.common.config.provider.DirectoryConfigProvider",
            "config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");

    @Test
    void fileAndDirectoryProvidersReadOnlyUnderTheFileConnectorsDirectoryAndEnvironmentVariablesOnlyWhenListed() {
        Map<String, String> confined = EmbeddedConnectWorker.confinedProviders(PROVIDERS, Path.of("/srv/connect-files"));
        assertEquals("/srv/connect-files", confined.get("config.providers.file.param.allowed.paths"));
        assertEquals("/srv/connect-files", confined.get("config.providers.dir.param.allowed.paths"));
        assertEquals("^$", confined.get("config.providers.env.param.allowlist.pattern"));
        assertNull(confined.get("config.providers.switchboard.param.allowed.paths"));

        Map<String, String> listed = new java.util.HashMap<>(PROVIDERS);
        listed.put("config.providers.env.param.allowlist.pattern", "DB_.*");
        assertEquals("DB_.*", EmbeddedConnectWorker.confinedProviders(listed, Path.of("/srv/connect-files"))
                .get("config.providers.env.param.allowlist.pattern"));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedConnectWorker.confinedProviders(PROVIDERS, null));
        assertTrue(refused.getMessage().contains("--file-connectors-dir"), refused.getMessage());
        assertEquals(Map.of("config.providers", "switchboard"), EmbeddedConnectWorker.confinedProviders(Map.of("config.providers", "switchboard"), null));
    }
}
