package io.switchboard.registry;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log-order rules that keep ids and versions the same on every instance. */
class RegistryViewTest {
    private static final String A = "\"string\"";
    private static final String B = "\"int\"";
    private static final String C = "\"long\"";

    private final RegistryView view = new RegistryView(CompatibilityLevel.BACKWARD);

    @Test
    void aProposalForAFreeIdAndTheNextVersionHolds() {
        assertTrue(view.apply(LogEntry.register("s", 1, 1, A)));
        assertEquals(A, view.schema(1).orElseThrow());
        assertEquals(1, view.idOf(A).orElseThrow());
        assertEquals(2, view.nextId());
        assertEquals(2, view.nextVersion("s"));
    }

    @Test
    void anIdTakenByAnotherSchemaIsRefused() {
        assertTrue(view.apply(LogEntry.register("s", 1, 1, A)));
        assertFalse(view.apply(LogEntry.register("t", 1, 1, B)), "id 1 already names A");
        assertTrue(view.schema(1).orElseThrow().equals(A));
        assertEquals(List.of("s"), view.subjects(true), "a refused proposal leaves no subject behind");
        assertTrue(view.apply(LogEntry.register("t", 1, 2, B)), "the retry with a fresh id holds");
    }

    @Test
    void aKnownSchemaKeepsItsIdUnderEverySubject() {
        assertTrue(view.apply(LogEntry.register("s", 1, 1, A)));
        assertFalse(view.apply(LogEntry.register("t", 1, 2, A)), "A is id 1, not 2");
        assertTrue(view.apply(LogEntry.register("t", 1, 1, A)));
        assertEquals(2, view.usesOf(1).size());
    }

    @Test
    void aVersionAlreadyTakenIsRefused() {
        assertTrue(view.apply(LogEntry.register("s", 1, 1, A)));
        assertFalse(view.apply(LogEntry.register("s", 1, 2, B)), "version 1 is taken");
        assertFalse(view.apply(LogEntry.register("s", 3, 2, B)), "versions have no gaps");
        assertTrue(view.apply(LogEntry.register("s", 2, 2, B)));
        assertEquals(List.of(1, 2), view.versions("s", false).stream().map(SubjectVersion::version).toList());
    }

    @Test
    void theSameSchemaTwiceUnderOneSubjectIsRefused() {
        assertTrue(view.apply(LogEntry.register("s", 1, 1, A)));
        assertFalse(view.apply(LogEntry.register("s", 2, 1, A)));
    }

    @Test
    void softDeletedVersionsAreHiddenButNeverReused() {
        view.apply(LogEntry.register("s", 1, 1, A));
        view.apply(LogEntry.register("s", 2, 2, B));
        assertTrue(view.apply(LogEntry.deleteVersion("s", 2)));
        assertFalse(view.apply(LogEntry.deleteVersion("s", 2)), "already deleted");
        assertEquals(1, view.versions("s", false).size());
        assertEquals(2, view.versions("s", true).size());
        assertEquals(3, view.nextVersion("s"));
        assertTrue(view.apply(LogEntry.register("s", 3, 2, B)), "a deleted schema may come back as a new version, same id");

        assertTrue(view.apply(LogEntry.deleteSubject("s", List.of(1, 3))));
        assertTrue(view.subjects(false).isEmpty());
        assertEquals(List.of("s"), view.subjects(true));
        assertTrue(view.subjectKnown("s"));
        assertEquals(B, view.schema(2).orElseThrow(), "ids outlive soft deletes");
    }

    @Test
    void configAppliesPerSubjectAndGlobally() {
        assertEquals(CompatibilityLevel.BACKWARD, view.effectiveLevel("s"));
        view.apply(LogEntry.config(null, CompatibilityLevel.FULL));
        view.apply(LogEntry.config("s", CompatibilityLevel.NONE));
        assertEquals(CompatibilityLevel.NONE, view.effectiveLevel("s"));
        assertEquals(CompatibilityLevel.FULL, view.effectiveLevel("t"));
        view.apply(LogEntry.config("s", null));
        assertEquals(CompatibilityLevel.FULL, view.effectiveLevel("s"));
    }

    @Test
    void replayingTheSameEntriesGivesTheSameState() {
        List<LogEntry> log = List.of(
                LogEntry.register("s", 1, 1, A),
                LogEntry.register("t", 1, 1, B), // lost: id 1 is A
                LogEntry.register("t", 1, 2, B),
                LogEntry.register("s", 2, 2, C), // lost: id 2 is B
                LogEntry.register("s", 2, 3, C),
                LogEntry.deleteVersion("s", 1));
        RegistryView other = new RegistryView(CompatibilityLevel.BACKWARD);
        List<Boolean> first = log.stream().map(view::apply).toList();
        List<Boolean> second = log.stream().map(other::apply).toList();
        assertEquals(List.of(true, false, true, false, true, true), first);
        assertEquals(first, second);
        assertEquals(view.versions("s", true), other.versions("s", true));
        assertEquals(view.versions("t", true), other.versions("t", true));
    }

    @Test
    void entriesSurviveTheirCodec() {
        LogEntryCodec codec = new LogEntryCodec();
        for (LogEntry entry : List.of(LogEntry.register("s", 1, 1, A), LogEntry.deleteSubject("s", List.of(1, 2)),
                LogEntry.deleteVersion("s", 3), LogEntry.config(null, CompatibilityLevel.FULL), LogEntry.config("s", null))) {
            assertEquals(entry, codec.decode(codec.value(entry)));
        }
        assertEquals(null, codec.decode("not json".getBytes()));
        assertEquals(null, codec.decode("{\"magic\":1,\"keytype\":\"SCHEMA\"}".getBytes()), "another registry's record");
        assertEquals(null, codec.decode(null));
    }

    @Test
    void configEntriesAreKeyedBySubjectAndOthersByNonce() {
        LogEntryCodec codec = new LogEntryCodec();
        assertEquals(new String(codec.key(LogEntry.config("s", CompatibilityLevel.FULL))),
                new String(codec.key(LogEntry.config("s", CompatibilityLevel.NONE))));
        assertFalse(new String(codec.key(LogEntry.register("s", 1, 1, A)))
                .equals(new String(codec.key(LogEntry.register("s", 1, 1, A)))));
    }
}
