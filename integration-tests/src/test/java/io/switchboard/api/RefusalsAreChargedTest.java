package io.switchboard.api;

import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --rate-limit charges a principal's request before its access is decided: requests refused 403
 * (a set apply on a cluster where the caller has no role) use the caller's tokens like any other,
 * so that refusals cannot be sent without bound.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusalsAreChargedTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws IOException {
        Path users = TestUsers.write(Files.createTempDirectory("switchboard-charged"), Map.of("pat", "editor@prod", "erin", "editor@default"));
        fx = new SwitchboardFixture(options -> options.flags("--users-file", users.toString(), "--rate-limit", "10/600"));
    }

    @AfterAll
    void stop() {
        fx.close();
    }

    @Test
    void refusedSetAppliesAreCharged() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            Http.Response answer = Http.call(fx.app.url(), "POST", "/clusters/default/sets/probe/apply?dry_run=true",
                    "{\"connectors\":[]}", Map.of("Authorization", TestUsers.basic("pat")));
            statuses.add(answer.status());
        }
        assertEquals(List.of(403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 429, 429, 429, 429), statuses,
                "ten refusals use the ten tokens; the rest are told to wait");
        Http.Response other = Http.call(fx.app.url(), "GET", "/connectors", null, Map.of("Authorization", TestUsers.basic("erin")));
        assertEquals(200, other.status(), "each principal has its own bucket: " + other.body());
        assertTrue(other.header("X-RateLimit-Remaining") != null, "the answer says where the caller stands");
    }
}
