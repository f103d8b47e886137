package io.switchboard.query;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.processor.StoreNames;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * /internal/stores: what other replicas read of this replica's local stores. It answers only from
 * local data and never forwards, so a request can cross at most one hop.
 */
public final class InternalResource {
    private static final Set<String> STORES = Set.of(StoreNames.CONNECTORS, StoreNames.STATUSES, StoreNames.HISTORY);
    private final ConnectorQueries queries;

    public InternalResource(ConnectorQueries queries) {
        this.queries = queries;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/internal/stores/{store}/{key}", this::get);
        config.routes.get("/internal/stores/{store}", this::scan);
    }

    private void get(Context ctx) {
        String store = store(ctx);
        queries.localEncoded(store, ctx.pathParam("key")).ifPresentOrElse(
                bytes -> ctx.contentType("application/octet-stream").result(bytes),
                () -> ctx.status(404).json(new io.switchboard.connect.Entities.ErrorMessage(404, "No such key")));
    }

    private void scan(Context ctx) {
        String store = store(ctx);
        String prefix = ctx.queryParam("prefix") == null ? "" : ctx.queryParam("prefix");
        StringBuilder out = new StringBuilder();
        for (byte[] value : queries.localEncodedScan(store, prefix)) {
            out.append(Base64.getEncoder().encodeToString(value)).append('\n');
        }
        ctx.contentType("text/plain").result(out.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static String store(Context ctx) {
        String store = ctx.pathParam("store");
        if (!STORES.contains(store)) {
            throw new io.switchboard.connect.ConnectRestException(404, "No store " + store);
        }
        return store;
    }
}
