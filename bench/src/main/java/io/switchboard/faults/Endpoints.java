package io.switchboard.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicas the clients reach, as a Kubernetes Service's endpoints: every replica, except one
 * being restarted on purpose, which leaves before its SIGTERM (the chart's preStop sleep gives the
 * Service that time) and comes back once it answers {@code /health/ready}. A replica that is killed
 * or frozen stays in, as it does behind a Service until its readiness probe fails.
 */
final class Endpoints {
    private final List<String> urls;
    private final Set<Integer> out = ConcurrentHashMap.newKeySet();

    Endpoints(List<String> urls) {
        this.urls = urls;
    }

    /** The replicas in service now; all of them if none is (a client then sees what a Service gives it: nothing). */
    List<String> get() {
        List<String> in = new ArrayList<>();
        for (int i = 0; i < urls.size(); i++) {
            if (!out.contains(i)) {
                in.add(urls.get(i));
            }
        }
        return in.isEmpty() ? urls : in;
    }

    void remove(int replica) {
        out.add(replica);
    }

    void restore(int replica) {
        out.remove(replica);
    }
}
