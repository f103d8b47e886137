package io.switchboard.bench;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.testing.Http;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The overview's least-healthy-first fragment when its figures must be computed again: the console
 * keeps a cluster's rows and health while the store's change mark holds (up to 60 s for the
 * health), so the timed requests of {@link ConsoleBenchmark} between changes are answered from what
 * is kept and the one computation over every connector's incident timeline falls in the warm-up.
 * Here, {@code reps} times: one RUNNING connector set FAILED by an observation, its {@code
 * ConnectorStatusChanged} event awaited on {@code /events} (the change is in the stores), then the
 * first {@code sort=health} request timed (it reads every connector and every timeline again), and
 * the replica's CPU during it from {@code /proc}; then the same request again (kept, for comparison),
 * and a search for the changed connector, whose health cell must say it is failed now (so the timed
 * request did compute with the change). With {@code profiled > 0}, that many more cold requests,
 * untimed, under a flight recording of the replica ({@code jcmd JFR.start}, the {@code profile}
 * settings: a Java stack sample every 10 ms) dumped to {@code cold-health.jfr} beside the logs.
 */
final class ConsoleColdHealth {
    static final String PATH = "/console/connectors?q=&state=&page=1&sort=health";
    private static final Map<String, String> FRAGMENT = Map.of("HX-Request", "true", "Accept", "*/*");
    /** Connectors i with i % 100 == this are changed here (RUNNING ones; the event benchmark changes those at 50). */
    private static final int CHANGED_AT = 60;

    private ConsoleColdHealth() {
    }

    static Map<String, Object> measure(String url, ChildProcess replica, KafkaProducer<String, ConnectorObservation> observations,
                                       int reps, int profiled, int connectors, Path logs) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", PATH);
        out.put("load_average_at_start", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        List<ConsoleProbe.Timing> cold = new ArrayList<>();
        List<ConsoleProbe.Timing> kept = new ArrayList<>();
        List<Double> coldCpu = new ArrayList<>();
        List<Double> keptCpu = new ArrayList<>();
        int verified = 0;
        try (ConsoleProbe.EventsClient events = ConsoleProbe.EventsClient.open(url + "/events")) {
            if (events.next(30_000) == null) {
                throw new IllegalStateException("no opening comment on /events");
            }
            // Whatever earlier changes left: computed once, untimed.
            ConsoleProbe.get(url + PATH, FRAGMENT);
            for (int rep = 0; rep < reps + profiled; rep++) {
                String name = ScaleBenchmark.name((rep * ConsoleBenchmark.FAILED_EVERY + CHANGED_AT) % connectors);
                if (rep == reps) {
                    jcmd(replica, "JFR.start", "name=cold-health", "settings=profile");
                }
                change(events, observations, name);
                if (rep >= reps) {
                    ConsoleProbe.get(url + PATH, FRAGMENT);
                    continue;
                }
                double cpu0 = replica.cpuSeconds();
                ConsoleProbe.Timing first = ConsoleProbe.get(url + PATH, FRAGMENT);
                double cpu1 = replica.cpuSeconds();
                ConsoleProbe.Timing again = ConsoleProbe.get(url + PATH, FRAGMENT);
                double cpu2 = replica.cpuSeconds();
                if (first.status() != 200 || again.status() != 200) {
                    throw new IllegalStateException(PATH + " answered " + first.status() + ", " + again.status());
                }
                cold.add(first);
                kept.add(again);
                coldCpu.add((cpu1 - cpu0) * 1000);
                keptCpu.add((cpu2 - cpu1) * 1000);
                verified += failedNow(url, name) ? 1 : 0;
            }
        }
        out.put("cold", ConsoleProbe.summary(cold));
        out.put("kept", ConsoleProbe.summary(kept));
        out.put("cold_replica_cpu_ms", ConsoleProbe.spread(coldCpu));
        out.put("kept_replica_cpu_ms", ConsoleProbe.spread(keptCpu));
        out.put("changes_seen_by_the_cold_request", verified);
        if (profiled > 0) {
            Path recording = logs.resolve("cold-health.jfr").toAbsolutePath();
            jcmd(replica, "JFR.dump", "name=cold-health", "filename=" + recording);
            jcmd(replica, "JFR.stop", "name=cold-health");
            out.put("profiled_requests", profiled);
            out.put("recording", recording.toString());
        }
        return out;
    }

    /** Sets a connector FAILED and waits for its event, then a moment for the stores' end offsets to be readable. */
    private static void change(ConsoleProbe.EventsClient events, KafkaProducer<String, ConnectorObservation> observations, String name)
            throws Exception {
        observations.send(ConsoleBenchmark.record(name, "FAILED")).get();
        if (events.await("ConnectorStatusChanged", "\"" + name + "\"", 30_000) == null) {
            throw new IllegalStateException("no event for " + name + " within 30 s");
        }
        Thread.sleep(1_000);
    }

    /** The connector's row, found by a search (answered from what the cold request kept), says it is failed now. */
    private static boolean failedNow(String url, String name) {
        String body = Http.get(url, "/console/connectors?q=" + name + "&state=&page=1&sort=health").body();
        int row = body.indexOf("<tr data-connector=\"" + name + "\"");
        int end = row < 0 ? -1 : body.indexOf("</tr>", row);
        return end > 0 && body.substring(row, end).contains("class=\"health bad\"");
    }

    /** Runs {@code jcmd <replica> args...}, failing when it does. */
    private static void jcmd(ChildProcess replica, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(replica.pid())));
        command.addAll(List.of(args));
        Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + ": " + text);
        }
    }
}
