package io.switchboard.bench;

import io.switchboard.testing.ConnectWorker;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A Kafka Connect 4.3.1 distributed worker as a process of its own (the FileStream connectors
 * found on the class path), listening on a given port: the data plane of every benchmark target.
 *
 * <p>Arguments: {@code BOOTSTRAP_SERVERS PORT [KEY=VALUE ...]} (worker properties over the stock
 * ones). Prints {@code READY url status-topic} once it has joined its
 * group and serves requests, and runs until it is told to stop (SIGTERM).
 */
public final class BenchWorker {
    private BenchWorker() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> props = new HashMap<>(Map.of(
                "listeners", "http://127.0.0.1:" + args[1],
                // The stock default: hundreds of idle tasks should not flush offsets twice a second.
                "offset.flush.interval.ms", "60000"));
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        ConnectWorker worker = ConnectWorker.start(args[0], props);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "bench-worker-shutdown"));
        System.out.println("READY " + worker.url() + " " + worker.groupId() + "-status");
        System.out.flush();
        stopped.await();
    }
}
