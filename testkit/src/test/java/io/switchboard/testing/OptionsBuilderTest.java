package io.switchboard.testing;

import io.switchboard.SwitchboardOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A test's options given as flags are read as the replica reads its own, and only flags the product defines are. */
class OptionsBuilderTest {
    @Test
    void flagsSetWhatTheyNameAndLeaveTheRest() {
        SwitchboardOptions options = TestReplicas.defaults().commandTimeout(Duration.ofSeconds(5))
                .flags("--tracing", "otlp", "--instance-id", "replica-1").build();
        assertEquals("otlp", options.tracing().mode());
        assertEquals("replica-1", options.instanceId());
        assertEquals(Duration.ofSeconds(5), options.commandTimeout());
        assertEquals(TestReplicas.FILES, options.fileConnectorsDir());
        assertEquals(false, options.health().follow(), "TestReplicas' health options stay");
        assertEquals(options, OptionsBuilder.from(options).flags().build());
        assertEquals(SwitchboardOptions.parse(new String[]{"--tracing", "otlp", "--data-dir", "d"}, Map.of()),
                OptionsBuilder.defaults().flags("--tracing", "otlp").dataDir(Path.of("d")).build());
    }

    @Test
    void aFlagTheProductDoesNotDefineFailsAtOnce() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptionsBuilder.defaults().flags("--trace", "otlp"));
        assertTrue(e.getMessage().startsWith("Unknown flag --trace;") && e.getMessage().contains("--tracing"), e.getMessage());
    }
}
