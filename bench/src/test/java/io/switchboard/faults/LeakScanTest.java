package io.switchboard.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The leak scan finds a secret as written or in base64, in a text or a file's line, and nothing else. */
class LeakScanTest {
    private static final String ONE = "fault-secret-value-17-3fe0000000000000";
    private static final String TWO = "fault-secret-value-18-3fd0000000000000";

    @Test
    void findsEachSecretAsWrittenAndInBase64() {
        LeakScan scan = new LeakScan(Set.of(ONE, TWO));
        scan.check("topic a", "{\"value\":\"" + ONE + "\"}");
        scan.check("topic b", "xx" + Base64.getEncoder().encodeToString(TWO.getBytes(StandardCharsets.UTF_8)) + "yy");
        scan.check("topic c", "fault-secret-value-17-3fe000000000000 (one character short) and fault-secret-value-99-0");
        scan.check("an answer", "{\"secret_data\":\"****\"}");
        assertEquals(List.of("topic a holds " + ONE,
                "topic b holds " + Base64.getEncoder().encodeToString(TWO.getBytes(StandardCharsets.UTF_8))), scan.leaks());
    }

    @Test
    void findsASecretOnAnyLineOfALog(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("replica.log"), "line one\nINFO config {password=" + TWO + "}\nlast\n");
        LeakScan scan = new LeakScan(Set.of(ONE, TWO));
        scan.checkFile("log of replica-1", log);
        assertEquals(List.of("log of replica-1 holds " + TWO), scan.leaks());
    }

    @Test
    void secretsWithNoSharedPrefixAreStillFound() {
        LeakScan scan = new LeakScan(Set.of("alpha-123", "zulu-456"));
        scan.check("topic t", "...zulu-456...");
        assertTrue(scan.leaks().contains("topic t holds zulu-456"), scan.leaks().toString());
        assertEquals(1, scan.leaks().size(), scan.leaks().toString());
    }
}
