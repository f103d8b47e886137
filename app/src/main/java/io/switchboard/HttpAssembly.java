package io.switchboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.auth.AccessCheck;
import io.switchboard.auth.Authenticator;
import io.switchboard.auth.InternalRequests;
import io.switchboard.auth.ReplicaKeys;
import io.switchboard.console.ConsoleDialect;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.CoreServices;
import io.switchboard.core.LifecycleViews;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.SinkLagReadings;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.dialects.confluent.ConfluentDialect;
import io.switchboard.dialects.connect.ConnectDialect;
import io.switchboard.dialects.pipelines.PipelinesDialect;
import io.switchboard.dialects.redpanda.RedpandaDialect;
import io.switchboard.events.EventsResource;
import io.switchboard.http.ClientAddresses;
import io.switchboard.http.Dialect;
import io.switchboard.http.Dialects;
import io.switchboard.http.HttpServer;
import io.switchboard.http.RateLimits;
import io.switchboard.http.Tls;
import io.switchboard.kafka.KafkaLifecycleLog;
import io.switchboard.kafkaio.Topics;
import io.switchboard.metrics.Metrics;
import io.switchboard.metrics.SinkLagHistory;
import io.switchboard.pipelines.Pipelines;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.tracing.Tracing;
import org.apache.kafka.common.utils.AppInfoParser;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of a replica: who may call what ({@link AccessCheck}), the dialects it speaks over
 * the core, the replica's own resources (health, the internal reads other replicas make, event
 * streams), and the server with its cross-cutting handlers, listening at the replica's address.
 * Owns the server and the event streams, which stop first of all.
 */
final class HttpAssembly {
    private final SwitchboardOptions options;
    private final ReplicaAddress address;
    private final Topics topics;
    private final ConnectClusters connectClusters;
    private final StartupSteps steps;
    private final ShutdownOrder.Part owned;
    private HttpServer server;

    HttpAssembly(SwitchboardOptions options, ReplicaAddress address, Topics topics, ConnectClusters connectClusters, StartupSteps steps,
                 ShutdownOrder.Part owned) {
        this.options = options;
        this.address = address;
        this.topics = topics;
        this.connectClusters = connectClusters;
        this.steps = steps;
        this.owned = owned;
    }

    /**
     * Who may do what: the configured authentication (none, then only replica-signed internal
     * requests are told apart), console sessions signed with the replicas' shared session key and
     * ended by their sign-outs, and the OIDC sign-in when configured.
     */
    static AccessCheck access(SwitchboardOptions options, InternalRequests internalRequests, ReplicaKeys replicaKeys) {
        Authenticator authenticator = Authentication.configured(options.security(), options.effectiveBindHost());
        return authenticator == null ? AccessCheck.open(internalRequests) : new AccessCheck(authenticator, internalRequests,
                authenticator.sessions(replicaKeys::signingKey, replicaKeys::acceptedKeys, Clock.systemUTC(), replicaKeys),
                authenticator.oidcSignIn(options.security().oidcIssuer(), options.security().oidcClientId()));
    }

    /** Starts the server, with {@code access}: the API answers from here on. */
    HttpAssembly start(AccessCheck access, KafkaAssembly kafka, CommandAssembly command, QueryAssembly query, CoreAssembly core,
                       MetricsAssembly metrics) {
        ObjectMapper json = new ObjectMapper();
        Dialects dialects = dialects(core.services(), core.pipelines(), kafka.clusterId(), address.advertised().toString(), json, access,
                metrics.lagHistory());
        ConnectorQueries queries = query.queries();
        EventsResource events = new EventsResource(new KafkaLifecycleLog(kafka.clients(), topics.lifecycle(),
                command.serdes().events().deserializer()), json)
                .withSets(core.services().sets()).withViews(
                        // A viewer's traces are shaped with the connector's current config, as the status routes shape them.
                        new LifecycleViews(core.secrets().keys(),
                                key -> queries.connector(key, ReadConsistency.LINEARIZABLE).map(ConnectorState::getConfig)));
        HealthResource health = new HealthResource(new ReplicaHealth(command.streams(), command.decisions(), options.commandTimeout(),
                connectClusters, command.restorations()));
        server = steps.time("http server", () -> owned.add(Stage.HTTP, newServer(json, dialects, access, command.tracing(),
                metrics.metrics(), health, queries, events).start()));
        // Closed before the HTTP server, so that open event streams end first.
        owned.add(Stage.HTTP, events);
        return this;
    }

    /** The replica's URL. */
    String url() {
        return address.url();
    }

    HttpServer server() {
        return server;
    }

    /** The APIs Switchboard speaks, each under its own base paths with its own error shape, all over one core. */
    private Dialects dialects(CoreServices core, Pipelines pipelines, String kafkaClusterId, String advertised, ObjectMapper json,
                      AccessCheck access, SinkLagHistory lagHistory) {
        return new Dialects(List.<Dialect>of(
                new ConnectDialect(core, json, options.health().flapping().window())
                        .withVersion(new ConnectDialect.Version(AppInfoParser.getVersion(), AppInfoParser.getCommitId())),
                new ConfluentDialect(core, confluentScopes(kafkaClusterId)),
                new RedpandaDialect(core, advertised),
                new ConsoleDialect(core, access, options.health().flapping().window(),
                        options.health().follow() ? lagHistory : SinkLagReadings.NONE),
                new PipelinesDialect(pipelines)));
    }

    /** The HTTP server of the dialects, not started yet, with its cross-cutting handlers and the replica's own resources. */
    private HttpServer newServer(ObjectMapper json, Dialects dialects, AccessCheck access, Tracing.Started tracing, Metrics metrics,
                                 HealthResource health, ConnectorQueries queries, EventsResource events) {
        SecurityOptions security = options.security();
        RateLimits rateLimits = security.rateLimit() == null ? null : RateLimits.parse(security.rateLimit());
        ClientAddresses clients = security.clientAddresses();
        Tls tls = security.tlsKeystore() == null ? null : new Tls(security.tlsKeystore(), security.tlsKeystorePassword());
        return new HttpServer(options.effectiveBindHost(), address.port(), json, dialects, tls, config -> {
            // Cross-cutting, in this order: who the client is (--trusted-proxies); timing; once a route
            // matched, who is calling, how much (charged before access is decided, so that refusals
            // count too), then who may do what (as the route declared it).
            config.routes.before(clients::assign);
            tracing.requests(config);
            metrics.register(config, dialects);
            if (rateLimits != null) {
                access.charging(rateLimits::handle);
            }
            config.routes.beforeMatched(access::handle);
            health.register(config);
            new InternalResource(queries).register(config);
            events.register(config);
        });
    }

    /** Confluent's (environment, Kafka cluster) pairs by Connect cluster, with cluster default as env-default and this Kafka cluster's id. */
    private Map<String, String> confluentScopes(String kafkaClusterId) {
        Map<String, String> scopes = new LinkedHashMap<>(options.confluentScopeMap());
        if (!scopes.containsValue(ClusterDirectory.DEFAULT_CLUSTER)) {
            scopes.putIfAbsent("env-default/" + kafkaClusterId, ClusterDirectory.DEFAULT_CLUSTER);
        }
        return scopes;
    }
}
