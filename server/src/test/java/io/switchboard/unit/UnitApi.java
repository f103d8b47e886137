package io.switchboard.unit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.auth.AccessCheck;
import io.switchboard.auth.Authenticator;
import io.switchboard.auth.InternalRequests;
import io.switchboard.auth.OidcTokens;
import io.switchboard.auth.UsersFile;
import io.switchboard.console.ConsoleDialect;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.core.CoreServices;
import io.switchboard.core.LifecycleViews;
import io.switchboard.core.ReadConsistency;
import io.switchboard.core.SinkLagReadings;
import io.switchboard.core.UnitCore;
import io.switchboard.dialects.confluent.ConfluentDialect;
import io.switchboard.dialects.connect.ConnectDialect;
import io.switchboard.dialects.pipelines.PipelinesDialect;
import io.switchboard.dialects.redpanda.RedpandaDialect;
import io.switchboard.events.EventsResource;
import io.switchboard.http.ClientAddresses;
import io.switchboard.http.Dialects;
import io.switchboard.http.HttpServer;
import io.switchboard.http.RateLimits;
import io.switchboard.pipelines.ConnectionCheck;
import io.switchboard.pipelines.Pipelines;
import io.switchboard.rules.HealthTally;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.Redactor;
import io.switchboard.secrets.SecretBox;
import io.switchboard.testing.ApiContract;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The server's whole HTTP surface as the app assembles it (the four dialects, the console, the event
 * stream; access checked per route, with the users file, OIDC tokens, console sessions, trusted
 * proxies and rate limits configured) over {@link UnitCore}, the core's ports in memory, with the
 * replicas' keys and the lifecycle topic in memory too: no broker, started in a fraction of a second.
 * Not here, being the app's: {@code /health}, {@code /metrics}, {@code /internal}; and the named
 * secrets, whose store is Kafka's.
 */
public final class UnitApi implements AutoCloseable {
    public static final String ADVERTISED = "http://127.0.0.1";
    /** The named secrets' routes (Redpanda's): served, but their store is Kafka's, so the app's matrix calls them. */
    public static final String NAMED_SECRETS = "/v1/kafka-connect/clusters/{cluster_name}/secrets";
    public final UnitCore core = new UnitCore();
    public final InMemoryLifecycleLog lifecycle = new InMemoryLifecycleLog();
    public final InMemoryReplicaKeys keys = new InMemoryReplicaKeys();
    public final EventsResource events;
    public final HttpServer server;

    /** How the server is secured: each null or absent, as the app's flags. */
    public record Security(Path usersFile, String oidcIssuer, String oidcAudience, String oidcJwksUrl, String trustedProxies,
                           String rateLimit) {
        public static final Security NONE = new Security(null, null, null, null, null, null);

        public Security withUsersFile(Path file) {
            return new Security(file, oidcIssuer, oidcAudience, oidcJwksUrl, trustedProxies, rateLimit);
        }

        public Security withOidc(String issuer, String audience, String jwksUrl) {
            return new Security(usersFile, issuer, audience, jwksUrl, trustedProxies, rateLimit);
        }

        public Security withTrustedProxies(String proxies) {
            return new Security(usersFile, oidcIssuer, oidcAudience, oidcJwksUrl, proxies, rateLimit);
        }

        public Security withRateLimit(String limit) {
            return new Security(usersFile, oidcIssuer, oidcAudience, oidcJwksUrl, trustedProxies, limit);
        }
    }

    public UnitApi(Security security) {
        core.kafka.publishingTo(lifecycle::append);
        ObjectMapper json = new ObjectMapper();
        CoreServices services = core.services();
        InternalRequests internal = new InternalRequests(keys::signingKey, keys::acceptedKeys, "127.0.0.1:0", Clock.systemUTC());
        Authenticator authenticator = security.usersFile() == null && security.oidcIssuer() == null ? null : new Authenticator(
                security.usersFile() == null ? null : new UsersFile(security.usersFile()),
                security.oidcIssuer() == null ? null
                        : new OidcTokens(security.oidcIssuer(), security.oidcAudience(), security.oidcJwksUrl(), null));
        AccessCheck access = authenticator == null ? AccessCheck.open(internal) : new AccessCheck(authenticator, internal,
                authenticator.sessions(keys::signingKey, keys::acceptedKeys, Clock.systemUTC(), keys), null);
        Pipelines pipelines = new Pipelines(services.connectors(), core.kafka, new ConnectorSecrets(
                new SecretBox(Keyring.parse(Keyring.newKeyLine())), Redactor.DEFAULT), new ConnectionCheck(), "default",
                Clock.systemUTC(), name -> Optional.empty(), "switchboard-pipeline-notifications");
        Dialects dialects = new Dialects(List.of(
                new ConnectDialect(services, json, HealthTally.Flapping.DEFAULT.window()),
                new ConfluentDialect(services, Map.of("env-default/" + services.kafkaClusterId(), "default")),
                new RedpandaDialect(services, ADVERTISED),
                new ConsoleDialect(services, access, HealthTally.Flapping.DEFAULT.window(), SinkLagReadings.NONE),
                new PipelinesDialect(pipelines)));
        events = new EventsResource(lifecycle, json).withSets(services.sets()).withViews(
                new LifecycleViews(Redactor.DEFAULT, key -> core.kafka.connector(key, ReadConsistency.LINEARIZABLE).map(ConnectorState::getConfig)));
        ClientAddresses clients = ClientAddresses.parse(security.trustedProxies());
        RateLimits rateLimits = security.rateLimit() == null ? null : RateLimits.parse(security.rateLimit());
        server = new HttpServer("127.0.0.1", 0, json, dialects, config -> {
            // As the app registers them, in this order (its metrics, health and internal routes aside).
            config.routes.before(clients::assign);
            if (rateLimits != null) {
                access.charging(rateLimits::handle);
            }
            config.routes.beforeMatched(access::handle);
            events.register(config);
        }).start();
        // Every answer Http reads from here is checked against its dialect's OpenAPI document, as on a broker.
        ApiContract.watch(url());
    }

    /** The server's address, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The Confluent dialect's base for cluster default. */
    public String confluentBase() {
        return "/connect/v1/environments/env-default/clusters/" + core.services().kafkaClusterId();
    }

    @Override
    public void close() {
        events.close();
        server.close();
    }
}
