package io.switchboard.bench;

import java.util.List;

/**
 * One target's processes in the comparison, once they all serve: its Kafka Connect worker, its
 * Switchboard replicas (none for {@code kafka-connect}), the URLs the workload is sent to, and how
 * long they took to start.
 */
record Deployment(String target, int replicas, ChildProcess worker, String workerUrl,
                  List<ChildProcess> processes, List<String> urls, double startupSeconds) {
}
