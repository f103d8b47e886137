package io.switchboard.kafka;

import io.switchboard.kafkaio.KafkaClients;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The two Kafka principals of a replica: the control plane (every client Switchboard makes for
 * itself) and the data plane (the Connect worker it embeds and its connectors' clients). Each gets
 * its own settings; the worker never falls back to the control plane's: what the two share is the
 * bootstrap servers alone.
 */
public final class KafkaPrincipals {
    private static final Logger log = LoggerFactory.getLogger(KafkaPrincipals.class);
    /** Settings that carry or unlock a credential: the control plane's are never the worker's. */
    private static final List<String> CREDENTIAL_KEYS = List.of("sasl.", "ssl.keystore", "ssl.key.", "security.protocol");

    private KafkaPrincipals() {
    }

    /**
     * The control plane's settings: on the embedded broker its principal's ({@code identities}; null
     * on an external Kafka), with what was given ({@code --kafka-property}) over them.
     */
    public static Map<String, String> controlPlane(KafkaIdentities identities, Map<String, String> given) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (identities != null) {
            settings.putAll(identities.clientSettings(KafkaIdentities.CONTROL_PLANE));
        }
        settings.putAll(given);
        return settings;
    }

    /**
     * The worker's settings: on the embedded broker its principal's, with what was given for it
     * ({@code --worker-kafka-property}) over them. On a Kafka that asks the control plane for
     * credentials the worker must be given its own: a worker that would start without is refused
     * here, saying so, rather than left to fail to connect.
     *
     * @param controlPlane the control plane's settings, only to tell whether the Kafka asks for credentials
     */
    public static Map<String, String> worker(KafkaIdentities identities, Map<String, String> given, Map<String, String> controlPlane,
                                             boolean embedsWorker) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (identities != null) {
            settings.putAll(identities.workerSettings());
        }
        settings.putAll(given);
        if (embedsWorker && settings.isEmpty() && controlPlane.keySet().stream().anyMatch(KafkaPrincipals::isCredential)) {
            throw new IllegalArgumentException("The embedded Connect worker is a Kafka principal of its own and does not get the"
                    + " credentials given with --kafka-property: give it its own with --worker-kafka-property KEY=VALUE (repeated)"
                    + " or --worker-kafka-config FILE, or turn it off with --embedded-worker false");
        }
        return settings;
    }

    private static boolean isCredential(String key) {
        return CREDENTIAL_KEYS.stream().anyMatch(key::startsWith);
    }

    /**
     * Whether the worker's principal may write the command topic, asked of Kafka as the worker
     * (the operations it is authorized for on the topic). It should not: a connector's client could
     * then send commands no API call made. A WARN line says so when it may; an answer that cannot be
     * had (Kafka unreachable) counts as not known, false.
     */
    public static boolean workerMayWrite(KafkaClients worker, String commandTopic) {
        try (Admin admin = worker.admin(Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            TopicDescription description = admin.describeTopics(List.of(commandTopic), new DescribeTopicsOptions()
                    .includeAuthorizedOperations(true)).allTopicNames().get(60, TimeUnit.SECONDS).get(commandTopic);
            Set<AclOperation> allowed = description.authorizedOperations();
            boolean mayWrite = allowed != null && (allowed.contains(AclOperation.WRITE) || allowed.contains(AclOperation.ALL));
            if (mayWrite) {
                log.warn("SECURITY: the Connect worker's Kafka principal may write the command topic {}: any connector could send"
                        + " commands; give the worker a principal of its own without access to Switchboard's topics"
                        + " (--worker-kafka-property, docs/security.md \"Kafka principals\")", commandTopic);
            }
            return mayWrite;
        } catch (ExecutionException e) {
            // An authorization error is the answer wanted: the worker may not even see the topic.
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.AuthorizationException)) {
                log.info("Could not ask Kafka whether the worker may write {}: {}", commandTopic, e.getCause().toString());
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.info("Could not ask Kafka whether the worker may write {}: {}", commandTopic, e.toString());
            return false;
        }
    }
}
