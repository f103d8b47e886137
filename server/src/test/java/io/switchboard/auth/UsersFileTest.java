package io.switchboard.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsersFileTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownNameCostsWhatAWrongKeyOfTheCostliestUserCosts() throws Exception {
        Path file = Files.writeString(dir.resolve("users"), "cheap:" + SecretHashes.hash("pw", 4) + ":viewer@*\n"
                + "dear:" + SecretHashes.hash("pw", 6) + ":viewer@*\n");
        UsersFile users = new UsersFile(file);
        assertEquals(6, users.decoyCost());
        assertTrue(users.authenticate("cheap", "pw").isPresent());
        assertFalse(users.authenticate("cheap", "wrong").isPresent());
        assertFalse(users.authenticate("nobody", "pw").isPresent());
    }

    @Test
    void aHashSaysItsCost() {
        assertEquals(5, SecretHashes.cost(SecretHashes.hash("pw", 5)));
        assertEquals(SecretHashes.COST, SecretHashes.cost("not a hash"));
        assertEquals(SecretHashes.COST, new UsersFile(writeEmpty()).decoyCost());
    }

    private Path writeEmpty() {
        try {
            return Files.writeString(dir.resolve("empty"), "# nobody\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
