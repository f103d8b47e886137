package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One JVM the benchmark starts (a broker, a Kafka Connect worker or a Switchboard replica), its
 * output in a log file, and its figures read from {@code /proc}: peak resident memory (VmHWM) and
 * CPU time (utime + stime).
 */
final class ChildProcess {
    static final double CLOCK_TICKS = clockTicks();

    private final String name;
    private final String role;
    private final Process process;
    private final Path log;
    private Map<String, Object> finalFigures;

    private ChildProcess(String name, String role, Process process, Path log) {
        this.name = name;
        this.role = role;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java [jvmOptions] args...} with its output going to {@code logDir/name.log}. */
    static ChildProcess start(String name, String role, List<String> jvmOptions, List<String> args, Path logDir)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Every collection, so that the figures can say how often and how long the JVM paused.
        command.add("-Xlog:gc:file=" + logDir.resolve(name + "-gc.log") + ":uptime");
        command.addAll(jvmOptions);
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ChildProcess(name, role, process, log);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** Waits for a line starting with {@code READY } in the log and returns what follows it. */
    String awaitReady(long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("READY ")) {
                    return line.substring("READY ".length()).trim();
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not report ready in " + timeoutMillis + " ms; see " + log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** CPU seconds used so far (user + system), or NaN when /proc cannot be read. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // Fields after the command name, which is in parentheses and may hold spaces.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return (utime + stime) / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * CPU seconds the JVM's JIT compiler threads used so far (threads named "C1 CompilerThread…"
     * and "C2 CompilerThread…" in /proc; the kernel cuts thread names to 15 characters), or NaN
     * when /proc cannot be read. A thread that has ended is not counted.
     */
    double jitCpuSeconds() {
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(process.pid()), "task"))) {
            long ticks = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    if (!comm.startsWith("C1 CompilerThre") && !comm.startsWith("C2 CompilerThre")) {
                        continue;
                    }
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException gone) {
                    // The thread ended meanwhile.
                }
            }
            return ticks / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Peak resident set size in MiB (VmHWM), or NaN when /proc cannot be read. */
    double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable
        }
        return Double.NaN;
    }

    /** Reads the figures, then stops the process (SIGTERM, then SIGKILL after 60 s). */
    synchronized Map<String, Object> stop() throws InterruptedException {
        if (finalFigures != null) {
            return finalFigures;
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("process", name);
        figures.put("role", role);
        figures.put("peak_rss_mib", Latencies.round(peakRssMiB()));
        figures.put("cpu_seconds", Latencies.round(cpuSeconds()));
        figures.putAll(GcLog.summary(log.resolveSibling(name + "-gc.log")));
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        finalFigures = figures;
        return figures;
    }

    /** Ends the process at once, figures or not: for a benchmark that is being torn down. */
    void kill() {
        process.destroyForcibly();
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Double.parseDouble(out);
        } catch (IOException | RuntimeException e) {
            return 100.0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100.0;
        }
    }
}
