package io.switchboard.architecture;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The arrows between modules, read from the poms. Maven refuses a cycle but not an arrow that
 * skips or reverses a layer without closing one (the data plane depending on the server, say):
 * each module may declare only the modules listed here. A new module must be added here.
 */
class ModuleArrowsTest {
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            // Kafka's room: how every Kafka client is made, the topics, the one topic reader and the lease
            // group: below everything that reads or writes Kafka.
            Map.entry("kafka-io", Set.of()),
            // The embedded worker's own process: Kafka Connect only, so that no control-plane class is on its class path.
            Map.entry("worker", Set.of()),
            Map.entry("schemas", Set.of("kafka-io")),
            // The embedded Schema Registry (an HTTP server): beside the schemas, not under them, so that
            // nothing below the app sees Javalin through it. Its tests use the schemas' records.
            Map.entry("registry", Set.of("kafka-io", "schemas")),
            // Pure: sealing, the redactor, config references and the secret store's memory; its Kafka log is the app's.
            // kafka-io for the one keyed hash (Hmacs) that every signature, and the sealing's nonce, are made with.
            // worker for the secrets channel's wire and the mask, which the worker's side defines (constants only).
            Map.entry("secrets", Set.of("kafka-io", "worker")),
            // The pure decisions about a connector: no Kafka Streams, so the core, which calls them, has none either.
            Map.entry("rules", Set.of("schemas", "secrets")),
            // The Kafka Streams topology that runs the rules; only the application starts it.
            Map.entry("processor", Set.of("rules", "schemas")),
            Map.entry("core", Set.of("rules", "schemas", "secrets")),
            // The schemas' test jar (the in-memory registry client) for its tests; its code sees the core only.
            // worker for the entry point and settings it starts the embedded worker with.
            Map.entry("dataplane", Set.of("core", "schemas", "worker")),
            // Pipelines are a client of the core; the server serves them (their dialect), never the reverse.
            Map.entry("pipelines", Set.of("core")),
            Map.entry("server", Set.of("pipelines", "core")),
            // The apply CLI: it talks to the replicas over HTTP, and reaches no Kafka jar (theApplyModuleReachesNoKafka).
            Map.entry("apply", Set.of("core")),
            Map.entry("app", Set.of("server", "dataplane", "processor", "registry", "apply")),
            Map.entry("testkit", Set.of("app", "server", "dataplane")),
            // The core's test jar (its ports in memory): the server's route table without a broker, which the app's is compared with.
            Map.entry("integration-tests", Set.of("app", "testkit", "core", "schemas")),
            Map.entry("system-tests", Set.of("app", "testkit")),
            Map.entry("bench", Set.of("app", "testkit")),
            // The Helm chart and its offline checks: no Java module of the product.
            Map.entry("deploy", Set.of()));

    @Test
    void eachModuleDependsOnlyOnTheModulesBelowIt() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Map<String, Set<String>> declared = new TreeMap<>();
        for (String module : modulesOf(root.resolve("pom.xml"))) {
            declared.put(module, switchboardDependencies(root.resolve(module).resolve("pom.xml")));
        }
        assertEquals(new TreeSet<>(ALLOWED.keySet()), declared.keySet(), "every module has its arrows stated here");
        declared.forEach((module, dependencies) -> assertTrue(ALLOWED.get(module).containsAll(dependencies),
                module + " depends on " + dependencies + "; it may depend on " + ALLOWED.get(module) + " only"));
    }

    /**
     * The HTTP server, and every module under it, declares no Kafka Streams (nor its RocksDB): the
     * stores are the application's adapters', which answer a store that cannot be read now as the
     * core's StoreUnavailableException, so the server compiles and answers without the Streams jars.
     */
    @Test
    void theServerAndWhatItDependsOnDeclareNoKafkaStreams() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Set<String> reached = new TreeSet<>();
        Deque<String> toVisit = new ArrayDeque<>(List.of("server"));
        while (!toVisit.isEmpty()) {
            String module = toVisit.pop();
            if (reached.add(module)) {
                toVisit.addAll(switchboardDependencies(root.resolve(module).resolve("pom.xml")));
            }
        }
        for (String module : reached) {
            Set<String> streams = new TreeSet<>();
            NodeList dependencies = parse(root.resolve(module).resolve("pom.xml")).getElementsByTagName("dependency");
            for (int i = 0; i < dependencies.getLength(); i++) {
                Element dependency = (Element) dependencies.item(i);
                String artifact = dependency.getElementsByTagName("artifactId").item(0).getTextContent().trim();
                NodeList scope = dependency.getElementsByTagName("scope");
                boolean test = scope.getLength() > 0 && scope.item(0).getTextContent().trim().equals("test");
                if (!test && (artifact.startsWith("kafka-streams") || artifact.startsWith("rocksdbjni"))) {
                    streams.add(artifact);
                }
            }
            assertTrue(streams.isEmpty(), module + " (under the server) declares " + streams
                    + "; only the application and the processor may see Kafka Streams");
        }
        assertTrue(reached.containsAll(Set.of("server", "core", "pipelines", "rules", "schemas")), reached.toString());
    }

    /**
     * The apply CLI (switchboard.jar apply) talks to the replicas over HTTP: what it compiles and runs
     * against, its poms' dependencies followed down the modules (less what each excludes), holds no Kafka
     * artifact and no module of the running control plane, only the pure model it reads files into (the
     * desired state, a policy's spec, the rules' checks, the redactor's secret keys).
     */
    @Test
    void theApplyModuleReachesNoKafka() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Set<String> model = Set.of("core", "rules", "schemas", "secrets");
        Set<String> reached = new TreeSet<>();
        Set<String> refused = new TreeSet<>();
        // A module reached by two paths is followed on each: what one path excludes, the other may not.
        Set<Map.Entry<String, Set<String>>> visited = new HashSet<>();
        Deque<Map.Entry<String, Set<String>>> toVisit = new ArrayDeque<>(List.of(Map.entry("apply", Set.of())));
        while (!toVisit.isEmpty()) {
            Map.Entry<String, Set<String>> visit = toVisit.pop();
            String module = visit.getKey();
            if (!visited.add(visit)) {
                continue;
            }
            reached.add(module);
            for (Element dependency : runtimeDependencies(root.resolve(module).resolve("pom.xml"), !module.equals("apply"))) {
                String group = text(dependency, "groupId");
                String artifact = text(dependency, "artifactId");
                if (excluded(visit.getValue(), group, artifact)) {
                    continue;
                }
                if (group.equals("io.switchboard")) {
                    String dependencyModule = artifact.replaceFirst("^switchboard-", "");
                    if (!model.contains(dependencyModule)) {
                        refused.add(module + " -> " + dependencyModule);
                    }
                    Set<String> exclusions = new TreeSet<>(visit.getValue());
                    NodeList excluding = dependency.getElementsByTagName("exclusion");
                    for (int i = 0; i < excluding.getLength(); i++) {
                        Element exclusion = (Element) excluding.item(i);
                        exclusions.add(text(exclusion, "groupId") + ":" + text(exclusion, "artifactId"));
                    }
                    toVisit.push(Map.entry(dependencyModule, exclusions));
                } else if (group.startsWith("org.apache.kafka") || group.startsWith("io.confluent") || artifact.startsWith("kafka")) {
                    refused.add(module + " -> " + group + ":" + artifact);
                }
            }
        }
        assertTrue(refused.isEmpty(), "the apply CLI reaches " + refused + "; it may reach the modules " + new TreeSet<>(model)
                + " only, without their Kafka jars (exclude them where a module of the model declares one)");
        assertTrue(reached.containsAll(Set.of("apply", "core")), reached.toString());
    }

    /** A pom's own dependencies that reach its users' class path: neither test-scoped nor, below the first, optional or provided. */
    private static List<Element> runtimeDependencies(Path pom, boolean transitive) throws Exception {
        List<Element> found = new ArrayList<>();
        NodeList children = parse(pom).getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element section && section.getTagName().equals("dependencies")) {
                NodeList dependencies = section.getElementsByTagName("dependency");
                for (int j = 0; j < dependencies.getLength(); j++) {
                    Element dependency = (Element) dependencies.item(j);
                    String scope = text(dependency, "scope");
                    boolean hidden = scope.equals("test") || transitive && (scope.equals("provided") || text(dependency, "optional").equals("true"));
                    if (!hidden) {
                        found.add(dependency);
                    }
                }
            }
        }
        return found;
    }

    private static boolean excluded(Set<String> exclusions, String group, String artifact) {
        return exclusions.contains(group + ":" + artifact) || exclusions.contains(group + ":*") || exclusions.contains("*:*");
    }

    /** The text of an element's first child of that name (its own, not an exclusion's), or "". */
    private static String text(Element element, String name) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child && child.getTagName().equals(name)) {
                return child.getTextContent().trim();
            }
        }
        return "";
    }

    private static Set<String> modulesOf(Path pom) throws Exception {
        NodeList modules = parse(pom).getElementsByTagName("module");
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < modules.getLength(); i++) {
            names.add(modules.item(i).getTextContent().trim());
        }
        return names;
    }

    private static Set<String> switchboardDependencies(Path pom) throws Exception {
        NodeList dependencies = parse(pom).getElementsByTagName("dependency");
        Set<String> modules = new TreeSet<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String group = dependency.getElementsByTagName("groupId").item(0).getTextContent().trim();
            String artifact = dependency.getElementsByTagName("artifactId").item(0).getTextContent().trim();
            if (group.equals("io.switchboard")) {
                modules.add(artifact.replaceFirst("^switchboard-", ""));
            }
        }
        return modules;
    }

    private static Element parse(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), pom + " exists");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    }
}
