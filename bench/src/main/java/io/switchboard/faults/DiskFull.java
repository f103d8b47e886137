package io.switchboard.faults;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A replica's data disk that can be made full, without root: a small library preloaded into the
 * replica (built here from {@code faults/diskfull.c} with the machine's C compiler) fails every write
 * to a file under the replica's data directory with ENOSPC while a flag file exists. Writes elsewhere
 * (its log) and sockets go on; files can still be opened, read and deleted, as on a full filesystem.
 */
final class DiskFull {
    private final Path library;

    private DiskFull(Path library) {
        this.library = library;
    }

    /** Builds the library into {@code work}; fails, saying what to install, if there is no compiler. */
    static DiskFull build(Path work) throws IOException, InterruptedException {
        Path source = work.resolve("diskfull.c");
        Path library = work.resolve("diskfull.so");
        try (InputStream in = DiskFull.class.getResourceAsStream("/faults/diskfull.c")) {
            Files.copy(in, source);
        }
        Process cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString(), "-ldl")
                .redirectErrorStream(true).start();
        String output = new String(cc.getInputStream().readAllBytes());
        if (!cc.waitFor(60, TimeUnit.SECONDS) || cc.exitValue() != 0) {
            throw new IllegalStateException("Cannot build the full-disk library (apt-get install gcc libc6-dev): " + output);
        }
        return new DiskFull(library);
    }

    /** The environment a replica whose data lives in {@code dataDir} starts with: full while {@link #flag} exists. */
    Map<String, String> environment(Path dataDir) {
        return Map.of("LD_PRELOAD", library.toString(), "DISKFULL_DIR", dataDir.toAbsolutePath() + "/",
                "DISKFULL_FLAG", flag(dataDir).toString());
    }

    void fill(Path dataDir) throws IOException {
        Files.createFile(flag(dataDir));
    }

    void free(Path dataDir) throws IOException {
        Files.deleteIfExists(flag(dataDir));
    }

    private static Path flag(Path dataDir) {
        return dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + ".disk-full");
    }
}
