package io.switchboard.bench;

import com.sun.tools.attach.VirtualMachine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * async-profiler (not shipped: the benchmark is given the path of its library) around one round of
 * the benchmark. The library is loaded into every process at its start, so that starting it later
 * does not make the JVMs compile their code again; it is started just before the round and stopped
 * just after it through the Attach API, from this JVM, so that no other JVM has to start on the
 * benchmark's busy cores meanwhile. Each process's stacks go to {@code <dir>/<process>.collapsed}.
 */
final class RoundProfiler {
    private final String library;
    private final String event;
    private final Path dir;

    /** @param event {@code cpu} (sampled each millisecond of CPU) or {@code alloc} */
    RoundProfiler(String library, String event, Path dir) {
        if (!Files.isRegularFile(Path.of(library))) {
            throw new IllegalArgumentException("No async-profiler library at " + library);
        }
        if (!event.equals("cpu") && !event.equals("alloc")) {
            throw new IllegalArgumentException("The profile's event is cpu or alloc, not " + event);
        }
        this.library = Path.of(library).toAbsolutePath().toString();
        this.event = event;
        this.dir = dir;
    }

    /** What every process is started with. */
    List<String> jvmOptions() {
        return List.of("-agentpath:" + library);
    }

    void start(List<ChildProcess> processes) throws Exception {
        for (ChildProcess process : processes) {
            command(process, "start,event=" + event + (event.equals("cpu") ? ",interval=1ms" : ""));
        }
    }

    void stop(List<ChildProcess> processes) throws Exception {
        Files.createDirectories(dir);
        for (ChildProcess process : processes) {
            command(process, "stop,file=" + dir.resolve(process.name() + ".collapsed").toAbsolutePath() + ",collapsed");
        }
    }

    private void command(ChildProcess process, String options) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(process.pid()));
        try {
            vm.loadAgentPath(library, options);
        } finally {
            vm.detach();
        }
    }
}
