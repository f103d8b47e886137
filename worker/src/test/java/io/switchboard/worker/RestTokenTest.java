package io.switchboard.worker;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RestTokenTest {
    private static final byte[] TOKEN = "s3cr3t-token".getBytes(StandardCharsets.US_ASCII);

    @Test
    void onlyTheTokenAsABearerIsLetIn() {
        assertTrue(RestToken.presents(TOKEN, "Bearer s3cr3t-token"));
        assertFalse(RestToken.presents(TOKEN, null));
        assertFalse(RestToken.presents(TOKEN, ""));
        assertFalse(RestToken.presents(TOKEN, "Bearer s3cr3t-tokeN"));
        assertFalse(RestToken.presents(TOKEN, "Bearer s3cr3t"));
        assertFalse(RestToken.presents(TOKEN, "Basic czNjcjN0LXRva2Vu"));
        assertFalse(RestToken.presents(TOKEN, "s3cr3t-token"));
    }

    @Test
    void onlyTheTwoSignedRequestsBetweenWorkersPassWithoutIt() {
        assertTrue(RestToken.signedBetweenWorkers("POST", "connectors/orders/tasks", "sig"));
        assertTrue(RestToken.signedBetweenWorkers("PUT", "connectors/orders/fence", "sig"));
        assertFalse(RestToken.signedBetweenWorkers("POST", "connectors/orders/tasks", null), "unsigned");
        assertFalse(RestToken.signedBetweenWorkers("GET", "connectors/orders/tasks", "sig"), "a read of task configs");
        assertFalse(RestToken.signedBetweenWorkers("POST", "connectors", "sig"), "a create");
        assertFalse(RestToken.signedBetweenWorkers("PUT", "connectors/orders/config", "sig"));
        assertFalse(RestToken.signedBetweenWorkers("POST", "connectors/a/tasks/0/restart", "sig"));
    }

    @Test
    void aWorkerWithoutATokenDoesNotStart() {
        assertThrows(ConfigException.class, () -> new RestToken().configure(Map.of()));
        assertThrows(ConfigException.class, () -> new RestToken().configure(Map.of(RestToken.TOKEN_CONFIG, " ")));
    }
}
