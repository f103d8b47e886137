package io.switchboard.bench;

import io.switchboard.kafka.EmbeddedKafka;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's broker as a process of its own, so that its memory and CPU can be read apart
 * from everything else: a single-node KRaft broker on a given port.
 *
 * <p>Arguments: {@code DATA_DIR PORT [NAME:PORT:ADVERTISED_PORT ...]}, the last being listeners of
 * their own (see {@link EmbeddedKafka#withListener}). Prints {@code READY host:port} once it serves and runs until
 * it is told to stop (SIGTERM).
 */
public final class BenchBroker {
    private BenchBroker() {
    }

    /**
     * Starts the broker as a process named {@code broker} (1 GiB of heap), its data under
     * {@code dataDir} and its log under {@code logs}; {@link ChildProcess#awaitReady} gives its bootstrap servers.
     */
    static ChildProcess start(Path dataDir, Path logs) throws IOException {
        return ChildProcess.start("broker", "broker", List.of("-Xmx1g"), List.of("-cp", System.getProperty("java.class.path"),
                BenchBroker.class.getName(), dataDir.toString(), String.valueOf(ScaleBenchmark.freePort())), logs);
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = new EmbeddedKafka(Path.of(args[0]), Integer.parseInt(args[1]));
        for (int i = 2; i < args.length; i++) {
            String[] listener = args[i].split(":");
            kafka.withListener(listener[0], Integer.parseInt(listener[1]), Integer.parseInt(listener[2]));
        }
        kafka.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "bench-broker-shutdown"));
        System.out.println("READY " + kafka.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
