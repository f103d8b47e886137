package io.switchboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.auth.AccessCheck;
import io.switchboard.auth.Authenticator;
import io.switchboard.auth.InternalRequests;
import io.switchboard.auth.ReplicaKeys;
import io.switchboard.console.ConsoleDialect;
import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.CoreServices;
import io.switchboard.core.SinkLagReadings;
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
import io.switchboard.metrics.Metrics;
import io.switchboard.metrics.SinkLagHistory;
import io.switchboard.pipelines.Pipelines;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.tracing.Tracing;
import org.apache.kafka.common.utils.AppInfoParser;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP side of a replica, as {@link SwitchboardApp} assembles it: who may call what
 * ({@link AccessCheck}), the dialects it speaks over the core, and the server with its
 * cross-cutting handlers. Nothing here starts anything: the app starts the server, as a step of its
 * start, and owns it.
 */
final class HttpAssembly {
    private final SwitchboardOptions options;

    HttpAssembly(SwitchboardOptions options) {
        this.options = options;
    }

    /**
     * Who may do what: the configured authentication (none, then only replica-signed internal
     * requests are told apart), console sessions signed with the replicas' shared session key and
     * ended by their sign-outs, and the OIDC sign-in when configured.
     */
    AccessCheck access(InternalRequests internalRequests, ReplicaKeys replicaKeys) {
        Authenticator authenticator = Authentication.configured(options.security(), options.effectiveBindHost());
        return authenticator == null ? AccessCheck.open(internalRequests) : new AccessCheck(authenticator, internalRequests,
                authenticator.sessions(replicaKeys::signingKey, replicaKeys::acceptedKeys, Clock.systemUTC(), replicaKeys),
                authenticator.oidcSignIn(options.security().oidcIssuer(), options.security().oidcClientId()));
    }

    /** The APIs Switchboard speaks, each under its own base paths with its own error shape, all over one core. */
    Dialects dialects(CoreServices core, Pipelines pipelines, String kafkaClusterId, String advertised, ObjectMapper json,
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
    HttpServer server(int port, ObjectMapper json, Dialects dialects, AccessCheck access, Tracing.Started tracing, Metrics metrics,
                      HealthResource health, ConnectorQueries queries, EventsResource events) {
        SecurityOptions security = options.security();
        RateLimits rateLimits = security.rateLimit() == null ? null : RateLimits.parse(security.rateLimit());
        ClientAddresses clients = security.clientAddresses();
        Tls tls = security.tlsKeystore() == null ? null : new Tls(security.tlsKeystore(), security.tlsKeystorePassword());
        return new HttpServer(options.effectiveBindHost(), port, json, dialects, tls, config -> {
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
