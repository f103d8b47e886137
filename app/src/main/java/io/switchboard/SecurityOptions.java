package io.switchboard;

import io.switchboard.http.ClientAddresses;
import io.switchboard.http.Tls;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Who may use the API and how much.
 *
 * @param usersFile      API keys (HTTP Basic): NAME:SECRET_HASH:ROLE@SCOPE[,...] a line; null: none
 * @param oidcIssuer     an OpenID Connect issuer whose bearer tokens are accepted; null: none
 * @param oidcAudience   the audience tokens must name
 * @param oidcJwksUrl    where the issuer's keys are; null: {@code <issuer>/.well-known/jwks.json}
 * @param oidcRolesClaim the claim holding "role@scope" grants; null: {@code switchboard_roles}
 * @param rateLimit      "REQUESTS/SECONDS" per principal (per client address when anonymous); null: none
 * @param kafkaProperties KEY=VALUE lines every Kafka client Switchboard makes gets (SASL, SSL); null: none
 * @param tlsKeystore    a PKCS12 or JKS keystore with the API's key and certificate: HTTPS only; null: HTTP
 * @param tlsTruststore  the certificates Switchboard trusts when it calls other replicas and workers over HTTPS; null: the JDK's
 * @param oidcClientId   the console's client id at the OIDC issuer, for signing in there (code flow with PKCE); null: not offered
 * @param trustedProxies addresses and CIDR ranges of reverse proxies whose X-Forwarded-For names the client, comma-separated;
 *                       null: none, the client is the TCP peer
 * @param workerKafkaProperties KEY=VALUE lines the Connect worker Switchboard embeds, and its connectors' clients, get
 *                       instead of {@code kafkaProperties} (the worker is a Kafka principal of its own); null: none
 * @param ipv6LimitPrefix the prefix length an IPv6 client is counted by in the limits kept per client (default 64)
 */
public record SecurityOptions(Path usersFile, String oidcIssuer, String oidcAudience, String oidcJwksUrl, String oidcRolesClaim,
                              String rateLimit, String kafkaProperties, Path tlsKeystore, String tlsKeystorePassword,
                              Path tlsTruststore, String tlsTruststorePassword, String oidcClientId, String trustedProxies,
                              String workerKafkaProperties, int ipv6LimitPrefix) {
    public static final SecurityOptions NONE = new SecurityOptions(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            ClientAddresses.DEFAULT_IPV6_PREFIX);

    /** The Kafka client settings of Switchboard's own clients, from KEY=VALUE lines. */
    public Map<String, String> kafkaSettings() {
        return kafkaSettings(kafkaProperties, "--kafka-property");
    }

    /**
     * The Kafka client settings of the embedded worker and its connectors' clients, from KEY=VALUE
     * lines: never the control plane's ({@link #kafkaSettings}), whose credentials are not theirs.
     */
    public Map<String, String> workerKafkaSettings() {
        return kafkaSettings(workerKafkaProperties, "--worker-kafka-property");
    }

    private static Map<String, String> kafkaSettings(String lines, String flag) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (lines == null || lines.isBlank()) {
            return settings;
        }
        for (String line : lines.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(flag + " takes KEY=VALUE, not '" + line.trim() + "'");
            }
            String key = line.substring(0, eq).trim();
            if (key.equals("bootstrap.servers")) {
                throw new IllegalArgumentException("give the bootstrap servers with --bootstrap-servers, not " + flag);
            }
            settings.put(key, line.substring(eq + 1).trim());
        }
        return settings;
    }

    public boolean credentialsConfigured() {
        return usersFile != null || oidcIssuer != null;
    }

    /** Who the client of a request is; an {@link IllegalArgumentException} for a list that does not read. */
    public ClientAddresses clientAddresses() {
        return ClientAddresses.parse(trustedProxies).withIpv6Prefix(ipv6LimitPrefix);
    }

    /**
     * The trust for calling other replicas over HTTPS: the truststore given, else the API's own
     * keystore (replicas sharing one certificate), else empty (plain HTTP). A truststore given is also
     * made the JVM's default, for the clients that take no context of their own (the OIDC key set's).
     */
    public Optional<SSLContext> replicaTrust() {
        if (tlsTruststore != null) {
            SSLContext context = Tls.trusting(tlsTruststore, tlsTruststorePassword);
            SSLContext.setDefault(context);
            return Optional.of(context);
        }
        return tlsKeystore == null ? Optional.empty() : Optional.of(Tls.trusting(tlsKeystore, tlsKeystorePassword));
    }

    /** The trust for calling Connect workers over HTTPS: the truststore given, else empty (the JVM's default). */
    public Optional<SSLContext> workerTrust() {
        return tlsTruststore == null ? Optional.empty() : Optional.of(Tls.trusting(tlsTruststore, tlsTruststorePassword));
    }
}
