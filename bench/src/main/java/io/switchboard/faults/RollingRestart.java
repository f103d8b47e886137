package io.switchboard.faults;

import java.util.List;
import java.util.function.BiFunction;

/**
 * A rolling restart, as a StatefulSet does one: each replica in turn taken out of the Service's
 * endpoints, given the chart's preStop sleep, stopped with SIGTERM, started again on its data (with
 * {@code --static-membership true}, under the same identity) and put back once it answers ready; the
 * next one after that. Prints, per replica, when the old process had exited, when the new one
 * listened, and when it was ready, counted from its SIGTERM, and how many rebalances the replicas'
 * command processors went through.
 */
final class RollingRestart {
    /** The chart's {@code preStopSleepSeconds}. */
    static final long PRE_STOP_MILLIS = 5_000;
    private static final long READY_WITHIN_MILLIS = 180_000;

    private final List<JavaProcess> replicas;
    private final List<String> urls;
    private final Endpoints endpoints;
    /** GET of a URL: its status, or -1 when nothing answered. */
    private final BiFunction<String, String, Integer> status;

    RollingRestart(List<JavaProcess> replicas, List<String> urls, Endpoints endpoints, BiFunction<String, String, Integer> status) {
        this.replicas = replicas;
        this.urls = urls;
        this.endpoints = endpoints;
        this.status = status;
    }

    void run() throws InterruptedException {
        long rebalancesBefore = rebalances();
        for (int i = 0; i < replicas.size(); i++) {
            JavaProcess replica = replicas.get(i);
            endpoints.remove(i);
            Thread.sleep(PRE_STOP_MILLIS);
            long sigterm = System.nanoTime();
            replica.stop();
            long exited = System.nanoTime();
            replica.start();
            long listening = -1;
            long deadline = System.nanoTime() + READY_WITHIN_MILLIS * 1_000_000;
            while (true) {
                int ready = status.apply(urls.get(i), "/health/ready");
                if (ready != -1 && listening < 0) {
                    listening = System.nanoTime();
                }
                if (ready == 200) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(replica.name() + " not ready " + READY_WITHIN_MILLIS + " ms after its start; see " + replica.log());
                }
                Thread.sleep(100);
            }
            long ready = System.nanoTime();
            endpoints.restore(i);
            System.out.printf("[faults] rolling-restart %s: exited %d ms after its SIGTERM, listened after %d ms, ready after %d ms%n",
                    replica.name(), millis(sigterm, exited), millis(sigterm, listening), millis(sigterm, ready));
        }
        System.out.println("[faults] rolling-restart: " + (rebalances() - rebalancesBefore) + " rebalances in the replicas' logs");
    }

    /** Every time a replica's command processor went from RUNNING to REBALANCING, by the logs. */
    private long rebalances() {
        return replicas.stream().flatMap(replica -> replica.lines().stream())
                .filter(line -> line.contains("State transition from RUNNING to REBALANCING")).count();
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
