package io.switchboard.dataplane;

import io.switchboard.worker.ExitBlame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerQuarantineTest {
    private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void twoExitsNamingOneConnectorWithinTheWindowQuarantineIt() {
        WorkerQuarantine.Exit first = new WorkerQuarantine.Exit("a", T);
        assertFalse(WorkerQuarantine.quarantines(List.of(first)));
        assertTrue(WorkerQuarantine.quarantines(List.of(first, new WorkerQuarantine.Exit("a", T.plus(WorkerQuarantine.WITHIN)))));
        assertFalse(WorkerQuarantine.quarantines(List.of(first, new WorkerQuarantine.Exit("a", T.plus(WorkerQuarantine.WITHIN).plusSeconds(1)))),
                "too far apart");
        assertFalse(WorkerQuarantine.quarantines(List.of(first, new WorkerQuarantine.Exit("b", T.plusSeconds(5)))), "another connector");
        assertFalse(WorkerQuarantine.quarantines(List.of()));
    }

    @Test
    void aQuarantinedConnectorIsStoppedAtTheNextStartOnceAndAnnouncedWhenTheListenerComes() throws Exception {
        WorkerQuarantine quarantine = new WorkerQuarantine();
        assertEquals(Optional.empty(), quarantine.afterExit(dir, T), "no file: a kill, a signal, a crash");
        Files.writeString(dir.resolve(ExitBlame.FILE), "orders,eu\n");
        assertEquals(Optional.empty(), quarantine.afterExit(dir, T));
        assertFalse(Files.exists(dir.resolve(ExitBlame.FILE)), "read once");
        assertEquals(Optional.empty(), quarantine.nextStart());
        Files.writeString(dir.resolve(ExitBlame.FILE), "orders,eu");
        assertEquals(Optional.of("orders,eu"), quarantine.afterExit(dir, T.plus(Duration.ofMinutes(1))));
        assertEquals(Optional.of("orders%2Ceu"), quarantine.nextStart());
        assertEquals(Optional.empty(), quarantine.nextStart(), "handed over once");
        List<String> stopped = new ArrayList<>();
        quarantine.onQuarantine(stopped::add);
        assertEquals(List.of("orders,eu"), stopped, "quarantined before the listener came");
        // Its exits are forgotten once quarantined: one more (after a resume) is a first again.
        Files.writeString(dir.resolve(ExitBlame.FILE), "orders,eu");
        assertEquals(Optional.empty(), quarantine.afterExit(dir, T.plus(Duration.ofMinutes(2))));
        Files.writeString(dir.resolve(ExitBlame.FILE), "orders,eu");
        assertEquals(Optional.of("orders,eu"), quarantine.afterExit(dir, T.plus(Duration.ofMinutes(3))));
        assertEquals(List.of("orders,eu", "orders,eu"), stopped);
    }

    @Test
    void aLinkInPlaceOfTheFileIsNotFollowed() throws Exception {
        Path elsewhere = Files.writeString(dir.resolve("elsewhere"), "orders");
        Path sub = Files.createDirectory(dir.resolve("worker"));
        Files.createSymbolicLink(sub.resolve(ExitBlame.FILE), elsewhere);
        WorkerQuarantine quarantine = new WorkerQuarantine();
        assertEquals(Optional.empty(), quarantine.afterExit(sub, T));
        assertEquals(Optional.empty(), quarantine.afterExit(sub, T));
    }
}
