package io.switchboard.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/Dockerfile, read as text (no Docker engine here): a build stage and a runtime stage; the
 * runtime stage holds the runnable jar with the libraries its manifest names beside it, and runs as
 * the unprivileged user the chart runs it as, with the data directory the chart mounts; build
 * output, data and the local keyring stay out of the build context.
 */
class DockerfileTest {
    private static final Path DOCKERFILE = Path.of("..", "docker", "Dockerfile");

    @Test
    void theImageIsBuiltInOneStageAndRunsUnprivilegedInAnother() throws IOException {
        // One instruction a line: continuations joined, comments and blank lines left out.
        List<String> lines = Files.readString(DOCKERFILE).replaceAll("\\\\\\R\\s*", " ").lines().map(String::trim)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        List<String> stages = lines.stream().filter(line -> line.startsWith("FROM ")).toList();
        assertEquals(2, stages.size(), stages::toString);
        assertTrue(stages.get(0).endsWith(" AS build"), stages.get(0));
        int runtime = lines.indexOf(stages.get(1));
        List<String> last = lines.subList(runtime, lines.size());
        assertTrue(last.stream().filter(line -> line.startsWith("COPY ")).allMatch(line -> line.startsWith("COPY --from=build ")),
                "the runtime stage takes only what the build stage made");

        List<String> users = last.stream().filter(line -> line.startsWith("USER ")).toList();
        assertEquals(1, users.size(), "one USER in the runtime stage");
        String[] user = users.get(0).substring("USER ".length()).split(":");
        assertNotEquals("0", user[0], "not root");
        Map<String, Object> values = Yaml.map(Files.readString(Chart.DIR.resolve("values.yaml")));
        @SuppressWarnings("unchecked")
        Map<String, Object> pod = (Map<String, Object>) values.get("podSecurityContext");
        assertEquals(String.valueOf(pod.get("runAsUser")), user[0], "the image's user is the chart's runAsUser");
        assertEquals(String.valueOf(pod.get("runAsGroup")), user[1], "the image's group is the chart's runAsGroup");
        assertTrue(lines.indexOf(users.get(0)) > lines.stream().filter(line -> line.startsWith("RUN ")).mapToInt(lines::indexOf).max()
                .orElse(-1), "USER comes after every RUN");

        assertTrue(last.containsAll(List.of("COPY --from=build /src/app/target/switchboard.jar /opt/switchboard/switchboard.jar",
                        "COPY --from=build /src/app/target/lib /opt/switchboard/lib")),
                "the runnable jar with the libraries its manifest names in lib/ beside it");
        assertTrue(last.contains("ENV SWITCHBOARD_DATA_DIR=/var/lib/switchboard"), "the data directory the chart mounts");
        assertTrue(last.stream().anyMatch(line -> line.startsWith("RUN ") && line.contains("chown 10001:10001 /var/lib/switchboard")),
                "the data directory belongs to the user");
        assertEquals("ENTRYPOINT [\"java\", \"-jar\", \"/opt/switchboard/switchboard.jar\"]", lines.get(lines.size() - 1),
                "flags and SWITCHBOARD_* variables reach the jar as they are");
    }

    @Test
    void theBuildContextLeavesOutBuildOutputDataAndTheKeyring() throws IOException {
        List<String> ignored = Files.readAllLines(Path.of("..", ".dockerignore"));
        assertTrue(ignored.containsAll(List.of("**/target/", "data/", "docker/secrets.key", ".git/")), ignored::toString);
    }
}
