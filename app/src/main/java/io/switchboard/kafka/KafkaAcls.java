package io.switchboard.kafka;

import io.switchboard.processor.StoreNames;
import io.switchboard.kafkaio.Topics;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.util.ArrayList;
import java.util.List;

/**
 * Who may do what on the embedded broker, besides its super users (the broker and the control
 * plane, {@link KafkaIdentities}). What the control plane owns, {@link #controlPlane}, is denied to
 * everyone else; a DENY beats any ALLOW, so the ALLOWs on {@code *} give the rest:
 * <ul>
 *   <li>the worker ({@value KafkaIdentities#WORKER}) may use every topic, group and transactional id
 *       that is not the control plane's, its own config, offset and status topics
 *       ({@code <prefix>-connect-*}, a name that never changes, so that an existing data directory
 *       keeps its connectors and their offsets across upgrades) among them;</li>
 *   <li>its connectors' clients ({@value KafkaIdentities#CONNECTORS}) the same, but not the worker's
 *       own topics and group ({@link #workersOwn});</li>
 *   <li>the user ({@value KafkaIdentities#USER}) the same, but nothing whose name starts with the
 *       prefix at all: neither Switchboard's topics nor the worker's;</li>
 *   <li>the event consumers ({@value KafkaIdentities#EVENTS}) may read the lifecycle topic, in consumer
 *       groups whose names start with {@code Topics.eventConsumerGroups}, and nothing else (no ALLOW
 *       beyond those, and with no ACL found Kafka refuses).</li>
 * </ul>
 * None gets ALTER on the cluster (which would let it grant itself ACLs), ALTER_CONFIGS, nor CREATE on
 * it (which would let it create a topic under the prefix): topics are created by their own CREATE.
 */
public final class KafkaAcls {
    private static final String ANY_HOST = "*";

    private KafkaAcls() {
    }

    /**
     * What only the control plane may touch: the topics under {@code <prefix>.}, the Streams
     * changelogs, the Streams application's group, the reconcilers' lease groups, and the Streams and
     * secret store's transactional ids; and the lifecycle topic when it is named outright.
     */
    public static List<ResourcePattern> controlPlane(Topics topics) {
        String prefix = topics.prefix();
        List<ResourcePattern> owned = new ArrayList<>();
        owned.add(new ResourcePattern(ResourceType.TOPIC, prefix + ".", PatternType.PREFIXED));
        StoreNames.ALL.forEach(store -> owned.add(new ResourcePattern(ResourceType.TOPIC, topics.changelog(store), PatternType.LITERAL)));
        if (!topics.lifecycle().startsWith(prefix + ".")) {
            owned.add(new ResourcePattern(ResourceType.TOPIC, topics.lifecycle(), PatternType.LITERAL));
        }
        owned.add(new ResourcePattern(ResourceType.GROUP, topics.applicationId(), PatternType.LITERAL));
        owned.add(new ResourcePattern(ResourceType.GROUP, prefix + ".", PatternType.PREFIXED));
        owned.add(new ResourcePattern(ResourceType.GROUP, prefix + "-reconciler-", PatternType.PREFIXED));
        // Kafka Streams' exactly-once producers ("<application id>-<process>-<thread>") and the secret store's.
        owned.add(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, topics.applicationId() + "-", PatternType.PREFIXED));
        owned.add(new ResourcePattern(ResourceType.TRANSACTIONAL_ID, prefix + ".", PatternType.PREFIXED));
        return owned;
    }

    /**
     * What only the embedded worker's own clients may touch, besides the control plane: its config,
     * offset and status topics and its group. Its connectors, another principal, may not: one could
     * otherwise stop, reconfigure or rewind another team's connectors by writing them.
     */
    public static List<ResourcePattern> workersOwn(Topics topics) {
        String group = topics.embeddedWorkerGroup();
        List<ResourcePattern> own = new ArrayList<>();
        for (String topic : List.of(group + "-configs", group + "-offsets", group + "-status")) {
            own.add(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL));
        }
        own.add(new ResourcePattern(ResourceType.GROUP, group, PatternType.LITERAL));
        return own;
    }

    /** The ACLs of the worker's, its connectors', the user's and the event consumers' principals. */
    public static List<AclBinding> all(Topics topics) {
        List<AclBinding> acls = new ArrayList<>();
        String worker = "User:" + KafkaIdentities.WORKER;
        allowOrdinary(acls, worker);
        controlPlane(topics).forEach(owned -> acls.add(deny(owned, worker)));
        // The event consumers' groups are theirs: a connector's client may not join one and take its partitions.
        ResourcePattern eventGroups = new ResourcePattern(ResourceType.GROUP, topics.eventConsumerGroups(), PatternType.PREFIXED);
        acls.add(deny(eventGroups, worker));
        // The worker's connectors: what the worker may, but never the worker's own topics or group.
        String connectors = "User:" + KafkaIdentities.CONNECTORS;
        allowOrdinary(acls, connectors);
        controlPlane(topics).forEach(owned -> acls.add(deny(owned, connectors)));
        acls.add(deny(eventGroups, connectors));
        workersOwn(topics).forEach(owned -> acls.add(deny(owned, connectors)));
        acls.addAll(eventConsumers(topics, "User:" + KafkaIdentities.EVENTS));
        String user = "User:" + KafkaIdentities.USER;
        allowOrdinary(acls, user);
        for (ResourceType type : List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
            acls.add(deny(new ResourcePattern(type, topics.prefix(), PatternType.PREFIXED), user));
        }
        controlPlane(topics).stream().filter(owned -> owned.patternType() == PatternType.LITERAL && owned.resourceType() == ResourceType.TOPIC
                && !owned.name().startsWith(topics.prefix())).forEach(owned -> acls.add(deny(owned, user)));
        return acls;
    }

    /**
     * What a consumer of lifecycle events may do: read (and describe) the lifecycle topic, and use
     * consumer groups whose names start with the events prefix. Read-only: no WRITE anywhere.
     */
    public static List<AclBinding> eventConsumers(Topics topics, String principal) {
        List<AclBinding> acls = new ArrayList<>();
        ResourcePattern lifecycle = new ResourcePattern(ResourceType.TOPIC, topics.lifecycle(), PatternType.LITERAL);
        ResourcePattern groups = new ResourcePattern(ResourceType.GROUP, topics.eventConsumerGroups(), PatternType.PREFIXED);
        for (ResourcePattern pattern : List.of(lifecycle, groups)) {
            for (AclOperation operation : List.of(AclOperation.READ, AclOperation.DESCRIBE)) {
                acls.add(new AclBinding(pattern, new AccessControlEntry(principal, ANY_HOST, operation, AclPermissionType.ALLOW)));
            }
        }
        return acls;
    }

    /**
     * Prints the worker's, its connectors' and the event consumers' ACLs as {@code kafka-acls.sh}
     * lines, for a Kafka of one's own:
     * {@code KafkaAcls [TOPIC_PREFIX [WORKER_PRINCIPAL [CONNECTORS_PRINCIPAL [EVENTS_PRINCIPAL]]]]}
     * (defaults {@code switchboard}, {@code User:connect}, {@code User:connectors}, {@code User:events}).
     */
    public static void main(String[] args) {
        Topics topics = new Topics(args.length > 0 ? args[0] : "switchboard");
        lines(topics, args.length > 1 ? args[1] : "User:" + KafkaIdentities.WORKER,
                args.length > 2 ? args[2] : "User:" + KafkaIdentities.CONNECTORS,
                args.length > 3 ? args[3] : "User:" + KafkaIdentities.EVENTS).forEach(System.out::println);
    }

    /**
     * The worker's, its connectors' and the event consumers' ACLs as {@code kafka-acls.sh} lines for
     * these principals: what {@link #main} prints, and docs/security.md lists.
     */
    public static List<String> lines(Topics topics, String worker, String connectors, String events) {
        List<String> lines = new ArrayList<>();
        for (AclBinding acl : all(topics)) {
            String principal = acl.entry().principal();
            if (principal.equals("User:" + KafkaIdentities.USER)) {
                continue;
            }
            String printed = principal.equals("User:" + KafkaIdentities.EVENTS) ? events
                    : principal.equals("User:" + KafkaIdentities.CONNECTORS) ? connectors : worker;
            ResourcePattern pattern = acl.pattern();
            String resource = switch (pattern.resourceType()) {
                case TOPIC -> "--topic '" + pattern.name() + "'";
                case GROUP -> "--group '" + pattern.name() + "'";
                case TRANSACTIONAL_ID -> "--transactional-id '" + pattern.name() + "'";
                default -> "--cluster";
            };
            lines.add("kafka-acls.sh --bootstrap-server $BOOTSTRAP --command-config admin.properties --add --"
                    + (acl.entry().permissionType() == AclPermissionType.DENY ? "deny" : "allow") + "-principal " + printed
                    + " --operation " + operation(acl.entry().operation()) + " " + resource
                    + (pattern.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : ""));
        }
        return lines;
    }

    /** An operation as kafka-acls.sh names it: IDEMPOTENT_WRITE is IdempotentWrite. */
    private static String operation(AclOperation operation) {
        StringBuilder name = new StringBuilder();
        for (String word : operation.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.toString();
    }

    private static void allowOrdinary(List<AclBinding> acls, String principal) {
        for (ResourceType type : List.of(ResourceType.TOPIC, ResourceType.GROUP, ResourceType.TRANSACTIONAL_ID)) {
            acls.add(new AclBinding(new ResourcePattern(type, ResourcePattern.WILDCARD_RESOURCE, PatternType.LITERAL),
                    new AccessControlEntry(principal, ANY_HOST, AclOperation.ALL, AclPermissionType.ALLOW)));
        }
        for (AclOperation operation : List.of(AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.IDEMPOTENT_WRITE)) {
            acls.add(new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                    new AccessControlEntry(principal, ANY_HOST, operation, AclPermissionType.ALLOW)));
        }
    }

    private static AclBinding deny(ResourcePattern owned, String principal) {
        return new AclBinding(owned, new AccessControlEntry(principal, ANY_HOST, AclOperation.ALL, AclPermissionType.DENY));
    }
}
