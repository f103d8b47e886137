package io.switchboard.dataplane;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How many requests of each kind this replica made of one worker, whoever made them (the data
 * plane, a validation, a call passed through): what Switchboard asks of a worker per command is
 * read off these. A kind is the method and the path with connector, plugin and task names taken
 * out ({@code PUT /connectors/{name}/pause}), so there are few of them; past {@link #MAX_KINDS}
 * the rest are counted together.
 */
public final class WorkerRequestCounts {
    static final int MAX_KINDS = 64;
    static final String OTHER = "other";

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile Consumer<String> onNewKind = kind -> { };

    /** Called once for each kind when it is first counted (and for those counted already). */
    public synchronized void onNewKind(Consumer<String> listener) {
        counts.keySet().forEach(listener);
        onNewKind = listener;
    }

    void record(String method, String pathAndQuery) {
        String kind = kindOf(method, pathAndQuery);
        LongAdder count = counts.get(kind);
        if (count == null) {
            synchronized (this) {
                if (!counts.containsKey(kind) && counts.size() >= MAX_KINDS) {
                    kind = OTHER;
                }
                count = counts.get(kind);
                if (count == null) {
                    count = new LongAdder();
                    counts.put(kind, count);
                    onNewKind.accept(kind);
                }
            }
        }
        count.increment();
    }

    public long count(String kind) {
        LongAdder count = counts.get(kind);
        return count == null ? 0 : count.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((kind, count) -> out.put(kind, count.sum()));
        return out;
    }

    /** {@code PUT /connectors/orders/tasks/0/restart?x=y} is {@code PUT /connectors/{name}/tasks/{task}/restart}. */
    static String kindOf(String method, String pathAndQuery) {
        int query = pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        String[] parts = path.split("/", -1);
        StringBuilder kind = new StringBuilder(method).append(' ');
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i];
            if (i == 2 && ("connectors".equals(parts[1]) || "connector-plugins".equals(parts[1]))) {
                part = "connectors".equals(parts[1]) ? "{name}" : "{plugin}";
            } else if (i == 4 && "connectors".equals(parts[1]) && "tasks".equals(parts[3])) {
                part = "{task}";
            }
            kind.append('/').append(part);
        }
        return kind.toString();
    }
}
