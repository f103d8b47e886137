package io.switchboard.kafkaio;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kafka refusing a client at its door, said in one line an operator can act on: what was refused
 * (authentication: the SASL or SSL handshake; authorization: the topics, group, cluster or
 * transactional id an ACL denies) and the setting that gives the client its credentials. One place
 * for the start (a replica that cannot get in stops, saying so) and the run time ({@link Reporter}:
 * one ERROR line at most every so often, never a stack trace).
 *
 * <p>A client without SASL settings on a listener that asks for SASL gets no exception at all: the
 * broker closes the connection at its first request and the client retries in silence.
 * {@link #saslAsked} tells that case by trying the SASL handshake itself.
 */
public final class KafkaRefusals {
    /** The settings that give Switchboard's own clients their credentials. */
    public static final String CONTROL_PLANE_SETTINGS = "--kafka-config FILE or --kafka-property KEY=VALUE";
    /** The settings that give the embedded Connect worker and its connectors' clients theirs. */
    public static final String WORKER_SETTINGS = "--worker-kafka-config FILE or --worker-kafka-property KEY=VALUE";
    /** The user name the SASL probe presents; no broker should know it. */
    static final String PROBE_USER = "switchboard-sasl-probe";
    private static final int MAX_CAUSES = 20;

    private KafkaRefusals() {
    }

    /**
     * What Kafka refused, and the setting that fixes it, when {@code failure} (or one of its causes)
     * is an authentication or authorization refusal; empty for any other failure.
     *
     * @param settings the settings to name, {@link #CONTROL_PLANE_SETTINGS} or {@link #WORKER_SETTINGS}
     */
    public static Optional<String> explain(Throwable failure, String settings) {
        int depth = 0;
        for (Throwable cause = failure; cause != null && depth < MAX_CAUSES; cause = cause.getCause(), depth++) {
            if (cause instanceof AuthenticationException) {
                return Optional.of("Kafka refused to authenticate this client (" + cause.getClass().getSimpleName() + ": "
                        + cause.getMessage() + "); give it the credentials of its Kafka principal with " + settings
                        + " (docs/security.md)");
            }
            if (cause instanceof AuthorizationException) {
                return Optional.of("Kafka's ACLs refuse this client's principal " + refused(cause) + " (" + cause.getClass().getSimpleName()
                        + ": " + cause.getMessage() + "); connect as the principal these ACLs are for with " + settings
                        + ", or grant it the ACLs docs/security.md lists");
            }
        }
        return Optional.empty();
    }

    private static String refused(Throwable cause) {
        if (cause instanceof TopicAuthorizationException topics && !topics.unauthorizedTopics().isEmpty()) {
            return "the topics " + new TreeSet<>(topics.unauthorizedTopics());
        }
        if (cause instanceof GroupAuthorizationException group && group.groupId() != null) {
            return "the consumer group " + group.groupId();
        }
        String name = cause.getClass().getSimpleName();
        if (name.startsWith("Cluster")) {
            return "an operation on the cluster";
        }
        if (name.startsWith("TransactionalId")) {
            return "a transactional id";
        }
        return "an operation";
    }

    /**
     * Whether the broker at {@code settings}' bootstrap servers asks for SASL credentials these settings
     * do not give: asked only of a client set for no SASL (PLAINTEXT or SSL), by trying the SASL
     * handshake there (SASL/PLAIN with a user no broker knows) within {@code timeout}. The broker that
     * asks for SASL refuses the probe's credentials or its mechanism; one that does not answers the
     * handshake out of place ({@link IllegalSaslStateException}); no answer within the time is not known,
     * empty. The message says so and names {@code settingsName}.
     */
    public static Optional<String> saslAsked(Map<String, Object> settings, Duration timeout, String settingsName) {
        String protocol = String.valueOf(settings.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT")).trim().toUpperCase();
        if (!protocol.equals("PLAINTEXT") && !protocol.equals("SSL")) {
            return Optional.empty();
        }
        Map<String, Object> probe = new HashMap<>(settings);
        probe.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_" + protocol);
        probe.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        probe.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + PROBE_USER + "\" password=\"-\";");
        int millis = (int) Math.max(1_000, timeout.toMillis());
        probe.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        probe.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        probe.put(CommonClientConfigs.CLIENT_ID_CONFIG, "switchboard-sasl-probe");
        try (Admin admin = Admin.create(probe)) {
            try {
                admin.describeCluster().nodes().get(millis, TimeUnit.MILLISECONDS);
                // Let in as a user it does not know: it asks for no credentials, or takes any.
                return Optional.empty();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof AuthenticationException && !(cause instanceof IllegalSaslStateException)) {
                    String mechanisms = cause instanceof UnsupportedSaslMechanismException ? " (" + cause.getMessage() + ")" : "";
                    return Optional.of("Kafka at " + settings.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                            + " asks for SASL credentials" + mechanisms + " and this client gives none (security.protocol "
                            + protocol + "): the broker closes its connections unanswered. Give it the credentials of its Kafka"
                            + " principal with " + settingsName + " (security.protocol=SASL_" + protocol
                            + ", sasl.mechanism, sasl.jaas.config; docs/security.md)");
                }
                return Optional.empty();
            } catch (TimeoutException e) {
                return Optional.empty();
            } finally {
                admin.close(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RuntimeException e) {
            // Settings the probe cannot be made with: nothing known.
            return Optional.empty();
        }
    }

    /**
     * Says refusals at run time: the first at ERROR, in one line with no stack trace, then at most one
     * ERROR line every {@code every} (the others at DEBUG). Thread-safe.
     */
    public static final class Reporter {
        private final Logger log;
        private final String what;
        private final String settings;
        private final long everyNanos;
        /** When a refusal was last said at ERROR (System.nanoTime); guarded by this. */
        private long lastSaid;
        private boolean said;

        /**
         * @param what     the client, as the line names it ("the command processor")
         * @param settings the settings to name
         */
        public Reporter(Logger log, String what, String settings, Duration every) {
            this.log = log;
            this.what = what;
            this.settings = settings;
            this.everyNanos = every.toNanos();
        }

        /** Whether {@code failure} is a refusal; if it is, it is said (or counted as said lately). */
        public boolean report(Throwable failure) {
            Optional<String> explained = explain(failure, settings);
            if (explained.isEmpty()) {
                return false;
            }
            long now = System.nanoTime();
            boolean say;
            synchronized (this) {
                say = !said || now - lastSaid >= everyNanos;
                if (say) {
                    said = true;
                    lastSaid = now;
                }
            }
            if (say) {
                log.error("{}: {}", what, explained.get());
            } else {
                log.debug("{}: {}", what, explained.get());
            }
            return true;
        }
    }
}
