package io.switchboard.faults;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Whether the system has recovered from a fault: a config write of a connector of its own is
 * accepted through every replica in turn, and the worker then holds the last one. Each step is
 * retried until {@link #BOUND_MILLIS} has passed since the probe began.
 */
final class Probe {
    static final String CONNECTOR = "fault-probe";
    static final long BOUND_MILLIS = 180_000;

    private final FaultRun run;
    private final LongSupplier clock;
    private final String file;
    private int count;

    Probe(FaultRun run, LongSupplier clock, String file) {
        this.run = run;
        this.clock = clock;
        this.file = file;
    }

    boolean recovered() throws InterruptedException {
        long deadline = System.currentTimeMillis() + BOUND_MILLIS;
        String marker = null;
        for (String replica : run.replicaUrls()) {
            marker = "probe-" + (++count);
            String body = FaultClients.json(Map.of("connector.class", "FileStreamSource", "tasks.max", "1",
                    "file", file, "topic", "fault-probe", Op.MARKER_KEY, marker));
            while (run.call("PUT", replica + "/connectors/" + CONNECTOR + "/config", body).status() / 100 != 2) {
                if (System.currentTimeMillis() > deadline) {
                    return false;
                }
                Thread.sleep(500);
            }
        }
        while (System.currentTimeMillis() < deadline) {
            FaultRun.Answer onWorker = run.call("GET", run.workerUrl() + "/connectors/" + CONNECTOR + "/config", null);
            if (onWorker.status() == 200 && marker.equals(FaultRun.json(onWorker).path(Op.MARKER_KEY).asText())) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }
}
