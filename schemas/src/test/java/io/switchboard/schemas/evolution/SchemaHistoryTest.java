package io.switchboard.schemas.evolution;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The guard end to end on a scratch git repository. */
class SchemaHistoryTest {
    private static final String STATE = """
            {"type": "enum", "name": "State", "namespace": "t", "symbols": ["ON", "OFF"]}""";
    private static final String THING_V1 = """
            {"type": "record", "name": "Thing", "namespace": "t", "fields": [
              {"name": "name", "type": "string"}, {"name": "state", "type": "State"}]}""";
    private static final String THING_V2 = """
            {"type": "record", "name": "Thing", "namespace": "t", "fields": [
              {"name": "name", "type": "string"}, {"name": "state", "type": "State"},
              {"name": "note", "type": ["null", "string"], "default": null}]}""";
    private static final String THING_BROKEN = """
            {"type": "record", "name": "Thing", "namespace": "t", "fields": [
              {"name": "name", "type": "string"}, {"name": "state", "type": "State"},
              {"name": "owner", "type": "string"}]}""";

    @TempDir
    Path repo;
    private Path avro;
    private final List<String> reports = new ArrayList<>();

    @BeforeEach
    void init() throws IOException {
        assumeTrue(new Git(repo).run("--version").ok(), "git is not installed");
        avro = Files.createDirectories(repo.resolve("schemas/src/main/avro"));
    }

    private void git(String... args) {
        List<String> all = new ArrayList<>(List.of("-c", "user.name=Schema Test", "-c", "user.email=schemas@switchboard.invalid",
                "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"));
        all.addAll(List.of(args));
        Git.Result result = new Git(repo).run(all.toArray(String[]::new));
        assertTrue(result.ok(), "git " + all + ": " + result.err());
    }

    private String commit(String message) {
        git("add", "-A");
        git("commit", "-q", "-m", message);
        return new Git(repo).run("rev-parse", "HEAD").out().strip();
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(avro.resolve(name), content);
    }

    private List<String> check() {
        return new SchemaEvolutionChecker(reports::add).checkDirectory(avro);
    }

    @Test
    void outsideARepositoryTheCheckFails() throws IOException {
        write("State.avsc", STATE);
        List<String> problems = check();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("No git history"), problems.toString());
    }

    @Test
    void aShallowCloneFailsTheCheckInsteadOfComparingWithNothing(@TempDir Path clones) throws IOException {
        git("init", "-q");
        write("State.avsc", STATE);
        write("Thing.avsc", THING_V1);
        commit("v1");
        write("Thing.avsc", THING_V2);
        commit("v2");
        Path shallow = clones.resolve("shallow");
        Git.Result clone = new Git(clones).run("clone", "-q", "--depth", "1", "file://" + repo.toAbsolutePath(), shallow.toString());
        assertTrue(clone.ok(), clone.err());
        // THING_BROKEN breaks v1 and v2, which a depth-1 clone does not hold.
        Files.writeString(shallow.resolve("schemas/src/main/avro/Thing.avsc"), THING_BROKEN);

        List<String> problems = new SchemaEvolutionChecker(reports::add).checkDirectory(shallow.resolve("schemas/src/main/avro"));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("is shallow") && problems.get(0).contains("git fetch --unshallow"), problems.toString());
    }

    @Test
    void aRepositoryWithoutCommitsHasNothingToCheck() throws IOException {
        git("init", "-q");
        write("State.avsc", STATE);
        write("Thing.avsc", THING_BROKEN);
        assertEquals(List.of(), check());
        assertTrue(reports.stream().anyMatch(r -> r.contains("Thing.avsc")), reports.toString());
    }

    @Test
    void compatibleChangesPass() throws IOException {
        git("init", "-q");
        write("State.avsc", STATE);
        write("Thing.avsc", THING_V1);
        commit("v1");
        write("Thing.avsc", THING_V2);
        commit("v2");
        assertEquals(List.of(), check());
        assertTrue(reports.contains("schemas/src/main/avro/Thing.avsc: checked against 2 committed version(s)"), reports.toString());
    }

    @Test
    void aBreakingChangeNamesTheFileAndTheCommit() throws IOException {
        git("init", "-q");
        write("State.avsc", STATE);
        write("Thing.avsc", THING_V1);
        String v1 = commit("v1");
        write("Thing.avsc", THING_V2);
        String v2 = commit("v2");
        write("Thing.avsc", THING_BROKEN); // not committed: the working copy is what the build compiles

        List<String> problems = check();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains(v1)), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains(v2)), problems.toString());
        for (String problem : problems) {
            assertTrue(problem.startsWith("schemas/src/main/avro/Thing.avsc: "), problem);
            assertTrue(problem.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), problem);
            assertTrue(problem.contains("owner"), problem);
        }
    }

    @Test
    void namedTypesAreTakenFromTheSameCommit() throws IOException {
        git("init", "-q");
        write("State.avsc", STATE);
        write("Thing.avsc", THING_V1);
        String old = commit("v1");
        // State loses a symbol: data written at the old commit may hold OFF, which Thing can no longer read.
        write("State.avsc", """
                {"type": "enum", "name": "State", "namespace": "t", "symbols": ["ON"]}""");
        commit("narrower state");

        List<String> problems = check();
        assertTrue(problems.stream().anyMatch(p -> p.contains("Thing.avsc") && p.contains(old) && p.contains("MISSING_ENUM_SYMBOLS")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("State.avsc") && p.contains(old)), problems.toString());
    }

    @Test
    void renamesAreFollowed() throws IOException {
        git("init", "-q");
        write("State.avsc", STATE);
        write("OldThing.avsc", THING_V1);
        String before = commit("v1");
        git("mv", "schemas/src/main/avro/OldThing.avsc", "schemas/src/main/avro/Thing.avsc");
        commit("rename");
        write("Thing.avsc", THING_BROKEN);

        List<String> problems = check();
        assertTrue(problems.stream().anyMatch(p -> p.contains(before)), "the version from before the rename is checked too: " + problems);
    }

    @Test
    void aFileNeverCommittedHasNothingToCheck() throws IOException {
        git("init", "-q");
        write("State.avsc", STATE);
        commit("state only");
        write("Thing.avsc", THING_BROKEN);
        assertEquals(List.of(), check());
        assertTrue(reports.contains("schemas/src/main/avro/Thing.avsc was never committed; nothing to check it against"), reports.toString());
    }
}
