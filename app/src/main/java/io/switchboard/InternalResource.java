package io.switchboard;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.http.ProblemException;
import io.switchboard.processor.StoreNames;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.query.RemoteStores;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * /internal/stores: what other replicas read of this replica's copies of store partitions. It
 * answers only from local data and never forwards, so a request can cross at most one hop.
 * {@code partition} names the partition; {@code stale=true} lets a standby (or an owner whose thread
 * is rebalancing) answer when its copy is current enough; a partition that cannot be served here is
 * a 503 with Retry-After (for one key) or listed as unavailable (for a scan).
 */
final class InternalResource {
    private static final Set<String> STORES = Set.of(StoreNames.CONNECTORS, StoreNames.STATUSES, StoreNames.HISTORY,
            StoreNames.TIMELINE, StoreNames.SETS, StoreNames.ROLLOUTS);
    /** A history is a head and a record per entry, read whole by key: it is not listed. */
    private static final Set<String> SCANNED = Set.of(StoreNames.CONNECTORS, StoreNames.STATUSES);
    private final ConnectorQueries queries;

    InternalResource(ConnectorQueries queries) {
        this.queries = queries;
    }

    void register(JavalinConfig config) {
        config.routes.get("/internal/stores/{store}/{key}", this::get, Access.replicas());
        config.routes.get("/internal/stores/{store}", this::scan, Access.replicas());
    }

    private void get(Context ctx) {
        String store = store(ctx);
        int partition = partition(ctx.queryParam("partition"));
        boolean stale = "true".equals(ctx.queryParam("stale"));
        RemoteStores.Copy copy = queries.localEncoded(store, ctx.pathParam("key"), partition, stale);
        ctx.header(RemoteStores.COPY_HEADER, copy.owner() ? "owner" : "standby");
        copy.value().ifPresentOrElse(
                bytes -> ctx.contentType("application/octet-stream").result(bytes),
                () -> ctx.status(404).json(Map.of("message", "No such key")));
    }

    /** Lines "partition N" each followed by that partition's values (or keys, with keys=true), one base64 value a line. */
    private void scan(Context ctx) {
        String store = store(ctx);
        if (!SCANNED.contains(store)) {
            throw new ProblemException(404, "The " + store + " store is read by key only");
        }
        String prefix = ctx.queryParam("prefix") == null ? "" : ctx.queryParam("prefix");
        boolean stale = "true".equals(ctx.queryParam("stale"));
        List<Integer> partitions = new ArrayList<>();
        String wanted = ctx.queryParam("partitions");
        if (wanted != null && !wanted.isBlank()) {
            for (String p : wanted.split(",")) {
                partitions.add(partition(p.trim()));
            }
        }
        boolean keys = "true".equals(ctx.queryParam("keys"));
        if (keys) {
            ctx.header(RemoteStores.KEYS_HEADER, "true");
        }
        Map<Integer, List<byte[]>> served = queries.localEncodedScan(store, prefix, keys, partitions, stale);
        StringBuilder out = new StringBuilder();
        for (int p : partitions) {
            List<byte[]> values = served.get(p);
            if (values == null) {
                out.append("unavailable ").append(p).append('\n');
                continue;
            }
            out.append("partition ").append(p).append('\n');
            for (byte[] value : values) {
                out.append(Base64.getEncoder().encodeToString(value)).append('\n');
            }
        }
        ctx.contentType("text/plain").result(out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static int partition(String value) {
        try {
            int partition = Integer.parseInt(value == null ? "" : value);
            if (partition < 0) {
                throw new NumberFormatException();
            }
            return partition;
        } catch (NumberFormatException e) {
            throw new ProblemException(400, "A partition number is required, not '" + value + "'");
        }
    }

    private static String store(Context ctx) {
        String store = ctx.pathParam("store");
        if (!STORES.contains(store)) {
            throw new ProblemException(404, "No store " + store);
        }
        return store;
    }
}
