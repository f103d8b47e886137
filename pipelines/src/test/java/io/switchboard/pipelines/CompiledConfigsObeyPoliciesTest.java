package io.switchboard.pipelines;

import io.switchboard.rules.ConnectorPolicies;
import io.switchboard.rules.ControlPlane;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertNull;

/** The configs a pipeline compiles stay within the built-in policies' allowlists. */
class CompiledConfigsObeyPoliciesTest {
    private static final ControlPlane CONTROL_PLANE = new ControlPlane("switchboard", Set.of(), Set.of(), "switchboard-pipeline-notifications");

    @Test
    void aPipelinesSourceAndSinkAreNotRefused() {
        for (String sslMode : new String[] {null, "Disable", "Require", "VerifyCa", "VerifyFull"}) {
            PipelineCompiler.Compiled compiled = PipelineCompiler.compile("p-1",
                    new PostgresConnection("db.example.com", 5432, "replicator", "secret", "orders db", sslMode), null, false,
                    "public.orders", new PostgresConnection("10.0.0.7", 6432, "writer", "secret", "warehouse-ü", sslMode), "copy");
            assertNull(ConnectorPolicies.refusal(CONTROL_PLANE, compiled.source()), String.valueOf(sslMode));
            assertNull(ConnectorPolicies.refusal(CONTROL_PLANE, compiled.sink()), String.valueOf(sslMode));
        }
    }
}
