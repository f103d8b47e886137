package io.switchboard.bench;

import io.switchboard.kafka.EmbeddedKafka;

import java.nio.file.Path;
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
