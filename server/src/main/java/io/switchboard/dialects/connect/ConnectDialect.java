package io.switchboard.dialects.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.CoreServices;
import io.switchboard.http.ApiDocument;
import io.switchboard.http.Dialect;
import io.switchboard.http.ErrorFormat;

import io.switchboard.rules.HealthTally;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Kafka Connect's REST API, wire-compatible with a worker: at the root for cluster {@code default},
 * and under {@code /clusters/{cluster}} for every cluster Switchboard manages. It owns every path no
 * other dialect owns, so its error shape is the server's default.
 */
public final class ConnectDialect implements Dialect {
    private final CoreServices core;
    private final ObjectMapper json;
    private final ConnectErrors errors = new ConnectErrors();
    private final Duration flapWindow;
    private Version version = Version.UNKNOWN;

    /** The Kafka version and commit {@code GET /} names, as a worker names its own: the Kafka clients' the app runs. */
    public record Version(String version, String commit) {
        static final Version UNKNOWN = new Version("unknown", "unknown");
    }

    public ConnectDialect(CoreServices core, ObjectMapper json) {
        this(core, json, HealthTally.Flapping.DEFAULT.window());
    }

    /** @param flapWindow how soon after a recovery a failure is a flap, unless a request says: {@code --health-flapping-window-s} */
    public ConnectDialect(CoreServices core, ObjectMapper json, Duration flapWindow) {
        this.core = core;
        this.json = json;
        this.flapWindow = flapWindow;
    }

    /** Names this Kafka version at {@code GET /} (else "unknown"). */
    public ConnectDialect withVersion(Version version) {
        this.version = version;
        return this;
    }

    @Override
    public List<String> basePaths() {
        return List.of("/");
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    @Override
    public void register(JavalinConfig config) {
        ConnectScopes scopes = new ConnectScopes(ClusterDirectory.DEFAULT_CLUSTER, core.clusters()::manages);
        RootResource root = new RootResource(version, core.kafkaClusterId(), scopes);
        ConnectorsResource connectors = new ConnectorsResource(core.connectors(), new ConnectRequests(json), scopes);
        WorkerPassThrough worker = new WorkerPassThrough(core.clusters()::client, core.connectors(), scopes, core.facts());
        HistoryResource history = new HistoryResource(core.connectors(), scopes);
        MoveResource move = new MoveResource(core.connectors(), scopes);
        TimelineResource timeline = new TimelineResource(core.connectors(), scopes);
        ConnectorHealthResource health = new ConnectorHealthResource(core.connectors(), scopes, Clock.systemUTC(), flapWindow);
        BulkResource bulk = new BulkResource(core.connectors(), scopes);
        SetsResource sets = new SetsResource(core.sets(), scopes);
        PoliciesResource policies = new PoliciesResource(core.policies(), scopes);
        PluginsResource plugins = new PluginsResource(core.facts(), scopes);
        RolloutsResource rollouts = new RolloutsResource(core.rollouts(), scopes);
        ApiDocument.fromClasspath("/openapi.yaml", "/openapi/kafka-connect.yaml").register(config);
        for (String base : List.of("", ConnectScopes.CLUSTER_BASE)) {
            root.register(config, base);
            bulk.register(config, base);
            sets.register(config, base);
            policies.register(config, base);
            connectors.register(config, base);
            worker.register(config, base);
            plugins.register(config, base);
            rollouts.register(config, base);
            history.register(config, base);
            move.register(config, base);
            timeline.register(config, base);
            health.register(config, base);
        }
    }
}
