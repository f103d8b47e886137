package io.switchboard.kafka;

import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.ControlPlanes;
import io.switchboard.processor.StoreNames;
import io.switchboard.rules.ControlPlane;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control plane's names, one list: every topic and group {@link Topics} owns (and every Streams
 * changelog) is the policy's {@link ControlPlane} and is denied by {@link KafkaAcls} (to the worker,
 * but for its own topics and group and the pipelines' notifications, and to the user); the worker's
 * own topics and group are denied to its connectors; and docs/security.md lists the worker's, its
 * connectors' and the event consumers' ACL lines exactly as {@link KafkaAcls} prints them.
 */
class ControlPlaneNamesTest {
    private static final Topics TOPICS = new Topics("switchboard");
    private static final String WORKER = "User:" + KafkaIdentities.WORKER;
    private static final String USER = "User:" + KafkaIdentities.USER;
    private static final String CONNECTORS = "User:" + KafkaIdentities.CONNECTORS;
    private static final String EVENTS = "User:" + KafkaIdentities.EVENTS;

    private static boolean denied(ResourceType type, String name, String principal) {
        for (AclBinding acl : KafkaAcls.all(TOPICS)) {
            ResourcePattern p = acl.pattern();
            if (acl.entry().permissionType() == AclPermissionType.DENY && acl.entry().principal().equals(principal)
                    && p.resourceType() == type
                    && (p.patternType() == PatternType.PREFIXED ? name.startsWith(p.name()) : name.equals(p.name()))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyOwnedNameIsTheControlPlanesAndDeniedByTheAcls() {
        ControlPlane controlPlane = ControlPlanes.of(TOPICS);
        Set<String> topics = new TreeSet<>(TOPICS.owned());
        StoreNames.ALL.forEach(store -> topics.add(TOPICS.changelog(store)));
        String workersOwn = TOPICS.embeddedWorkerGroup() + "-";
        List<String> problems = new ArrayList<>();
        for (String topic : topics) {
            if (!controlPlane.isTopic(topic)) {
                problems.add("topic " + topic + ": not the policy's ControlPlane");
            }
            if (!denied(ResourceType.TOPIC, topic, USER)) {
                problems.add("topic " + topic + ": not denied to " + USER);
            }
            // The worker writes its own topics, and the pipelines' sources (its connectors) their notifications.
            boolean workerWrites = topic.startsWith(workersOwn) || topic.equals(TOPICS.pipelineNotifications());
            if (!workerWrites && !denied(ResourceType.TOPIC, topic, WORKER)) {
                problems.add("topic " + topic + ": not denied to " + WORKER);
            }
            if (!topic.equals(TOPICS.pipelineNotifications()) && !denied(ResourceType.TOPIC, topic, CONNECTORS)) {
                problems.add("topic " + topic + ": not denied to " + CONNECTORS);
            }
        }
        for (String group : TOPICS.groups()) {
            if (!controlPlane.isGroup(group)) {
                problems.add("group " + group + ": not the policy's ControlPlane");
            }
            if (!denied(ResourceType.GROUP, group, USER)) {
                problems.add("group " + group + ": not denied to " + USER);
            }
            if (!group.equals(TOPICS.embeddedWorkerGroup()) && !denied(ResourceType.GROUP, group, WORKER)) {
                problems.add("group " + group + ": not denied to " + WORKER);
            }
            if (!denied(ResourceType.GROUP, group, CONNECTORS)) {
                problems.add("group " + group + ": not denied to " + CONNECTORS);
            }
        }
        // And the other way: what the ACLs keep for the control plane is the policy's ControlPlane.
        for (ResourcePattern owned : KafkaAcls.controlPlane(TOPICS)) {
            String name = owned.patternType() == PatternType.PREFIXED ? owned.name() + "x" : owned.name();
            boolean ours = owned.resourceType() == ResourceType.TOPIC ? controlPlane.isTopic(name)
                    : owned.resourceType() != ResourceType.GROUP || controlPlane.isGroup(name);
            if (!ours) {
                problems.add(owned + ": denied by the ACLs but not the policy's ControlPlane");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theDocsListTheWorkersAclsAsTheCodePrintsThem() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "security.md"));
        List<String> printed = KafkaAcls.lines(TOPICS, WORKER, CONNECTORS, EVENTS);
        List<String> documented = doc.lines().filter(l -> l.startsWith("kafka-acls.sh ")
                        && List.of(WORKER, CONNECTORS, EVENTS).stream().anyMatch(p -> l.contains("-principal " + p + " ")))
                .toList();
        assertEquals(printed, documented, "docs/security.md's User:connect, User:connectors and User:events lines, against KafkaAcls' output");
        assertTrue(printed.stream().anyMatch(l -> l.contains("switchboard-policies-in-force-changelog")), printed.toString());
    }

    @Test
    void theDocsTableOfPrincipalsIsTheIdentitiesTheBrokerIsMadeWith() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "security.md"));
        List<String> documented = doc.lines().filter(l -> l.startsWith("| `User:"))
                .map(l -> l.substring("| `User:".length(), l.indexOf('`', "| `User:".length()))).toList();
        assertEquals(new TreeSet<>(KafkaIdentities.PRINCIPALS), new TreeSet<>(documented),
                "docs/security.md's table of principals, against KafkaIdentities");
        assertEquals(KafkaIdentities.PRINCIPALS.size(), documented.size(), "each principal once: " + documented);
    }
}
