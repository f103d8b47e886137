package io.switchboard;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runnable jar as the README runs it, {@code app/target/switchboard.jar}: its manifest names
 * the main class and libraries that are all in {@code lib/} beside it, and it runs as documented
 * ({@code java -jar} for the replica and its subcommands, {@code java -cp} for the tools
 * docs/operations.md names). {@code mvn package} builds it before this module's tests.
 */
class RunnableJarTest {
    private static final Path JAR = Path.of("..", "app", "target", "switchboard.jar").toAbsolutePath().normalize();

    @Test
    void theManifestNamesTheMainClassAndLibrariesThatAreBesideIt() throws IOException {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by mvn package");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertEquals(Switchboard.class.getName(), main.getValue(Attributes.Name.MAIN_CLASS));
            List<String> libraries = Arrays.stream(main.getValue(Attributes.Name.CLASS_PATH).split(" "))
                    .filter(entry -> !entry.isBlank()).toList();
            assertFalse(libraries.isEmpty(), "the jar names its libraries");
            List<String> missing = libraries.stream().filter(entry -> !Files.isRegularFile(JAR.resolveSibling(entry))).toList();
            assertEquals(List.of(), missing, "libraries the manifest names that are not beside the jar");
            assertTrue(libraries.stream().anyMatch(entry -> entry.startsWith("lib/kafka-streams-")), libraries::toString);
        }
    }

    @Test
    void itRunsAsTheDocsRunIt() throws Exception {
        String help = run("-jar", JAR.toString(), "--help");
        assertTrue(help.startsWith("Usage: java -jar switchboard.jar"), help);
        // docs/operations.md: the replicas' shared keyring, made with the jar on the class path.
        String keyring = run("-cp", JAR.toString(), "io.switchboard.secrets.Keyring");
        assertTrue(keyring.matches("(?s)k[0-9a-f]+=\\S+\\s*"), keyring);
    }

    private static String run(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits: " + command);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
