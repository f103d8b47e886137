package io.switchboard.apply;

import io.switchboard.apply.DesiredStateException.Problem;
import io.switchboard.apply.Documents.Node;
import io.switchboard.apply.Documents.Place;
import io.switchboard.core.DesiredState;
import io.switchboard.core.DesiredState.Connector;
import io.switchboard.core.DesiredState.SetScope;
import io.switchboard.secrets.Redactor;
import io.switchboard.rules.ConnectorRules;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads desired-state files: YAML or JSON documents of kind {@code ConnectorSet} and
 * {@code Connector} ({@code apiVersion: switchboard.io/v1}), Strimzi's {@code KafkaConnector}
 * resources, and kcctl's JSON files, unchanged. A pure function of the files' text and the
 * environment it is given: no I/O. Every problem found names its file, document, line and field;
 * all of them are reported at once (at most {@value #MAX_PROBLEMS}). The documents' trees are
 * {@link Documents}; a config's values and their {@code ${NAME}} expansion are {@link ConfigExpansion}.
 *
 * <p>Secrets are only given by reference: a value of a secret key (as {@link Redactor} names them)
 * must be a placeholder, {@code ${ENV_VAR}} (expanded here from the environment given, a missing
 * variable being a problem; in the value of any other key only variables the options name are
 * expanded, any other {@code ${NAME}} is a problem), a named secret {@code ${secretsManager:NAME}}, a sealed value, or any
 * worker config provider's {@code ${provider:...}}.
 */
public final class DesiredStateFiles {
    public static final String API_VERSION = "switchboard.io/v1";
    static final int MAX_PROBLEMS = 100;
    private static final Set<String> STRIMZI_SPEC = Set.of("class", "tasksMax", "config", "state", "pause", "autoRestart",
            "listOffsets", "alterOffsets", "version");

    /** One file's name (for messages) and text. */
    public record Source(String file, String text) {
    }

    /**
     * @param setName        the set's name when not given by a ConnectorSet document (null: "default")
     * @param defaultCluster the cluster of documents that name none (kcctl's files)
     * @param environment    the value of an environment variable, or null when it is not set
     * @param secretKeys     the keys whose values are secret: only there is {@code ${NAME}} expanded
     * @param alsoExpanded   variables expanded in any key too (the CLI's {@code --env NAME})
     * @param plan           the files are read for a plan ({@code --dry-run}): only the variables of
     *                       {@code alsoExpanded} are expanded, in secret keys too
     */
    public record Options(String setName, String defaultCluster, Function<String, String> environment, Redactor secretKeys,
                          Set<String> alsoExpanded, boolean plan) {
        public Options {
            alsoExpanded = Set.copyOf(alsoExpanded);
        }

        public Options(String setName, String defaultCluster, Function<String, String> environment, Redactor secretKeys,
                       Set<String> alsoExpanded) {
            this(setName, defaultCluster, environment, secretKeys, alsoExpanded, false);
        }

        public Options(String setName, String defaultCluster, Function<String, String> environment, Redactor secretKeys) {
            this(setName, defaultCluster, environment, secretKeys, Set.of());
        }
    }

    private final Options options;
    private final Documents documents = new Documents();
    private final ConfigExpansion values;
    private final List<Connector> connectors = new ArrayList<>();
    private final PolicyDocuments policyDocuments = new PolicyDocuments();
    private final OffsetsOperations offsets = new OffsetsOperations(documents);
    private SetScope set;
    private String setOrigin;
    private SetRollout rollout;

    private DesiredStateFiles(Options options) {
        this.options = options;
        this.values = new ConfigExpansion(documents, options);
    }

    /** The desired state the files declare; a {@link DesiredStateException} with every problem otherwise. */
    public static DesiredState read(List<Source> files, Options options) {
        return readAll(files, options).desired();
    }

    /**
     * What the files declare, the offsets operations Strimzi's annotations ask for ({@link OffsetsOperations}),
     * and the set's {@code spec.rollout} (null: none), by which its version changes are rolled out ({@link RolloutPlan}).
     */
    public record Read(DesiredState desired, List<OffsetsOperations.Operation> offsets, SetRollout rollout) {
    }

    /** As {@link #read}, with the offsets operations the files ask for. */
    public static Read readAll(List<Source> files, Options options) {
        DesiredStateFiles reader = new DesiredStateFiles(options);
        for (Source file : files) {
            reader.documents.readFile(file, reader::readDocument);
        }
        DesiredState desired = reader.result();
        return new Read(desired, reader.offsets.operations(), reader.rollout);
    }

    private DesiredState result() {
        String firstCluster = places.stream().map(ConnectorPlace::cluster).filter(Objects::nonNull).findFirst()
                .orElse(options.defaultCluster());
        SetScope scope = set != null ? set
                : new SetScope(options.setName() == null ? "default" : options.setName(), firstCluster, Map.of());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < connectors.size(); i++) {
            Connector c = connectors.get(i);
            ConnectorPlace at = places.get(i);
            if (!names.add(c.name())) {
                problem(at.name(), "metadata.name", "connector " + c.name() + " is declared twice");
            }
            if (at.cluster() != null && !at.cluster().equals(scope.cluster())) {
                problem(at.clusterAt(), "metadata.cluster", "connector " + c.name() + " is in cluster " + at.cluster()
                        + ", but set " + scope.name() + " applies to cluster " + scope.cluster() + " (one set, one cluster)");
            }
            String version = c.config().get(RolloutDecider.VERSION_KEY);
            if (rollout != null && version != null && !SetRollout.oneVersion(version)) {
                problem(at.name(), "spec.version", "connector " + c.name() + " asks " + RolloutDecider.VERSION_KEY + " " + version
                        + ", but set " + scope.name() + " rolls versions out (spec.rollout): a rollout moves connectors to one version,"
                        + " not a range or latest");
            }
            if (!scope.selects(c.labels())) {
                problem(at.labels(), "metadata.labels", "connector " + c.name() + " is outside set " + scope.name()
                        + "'s scope: its labels " + new TreeMap<>(c.labels()) + " do not match the selector "
                        + new TreeMap<>(scope.selector()));
            }
        }
        if (connectors.size() > DesiredState.MAX_CONNECTORS) {
            documents.problem(new Problem("(all files)", 0, 0, "", connectors.size() + " connectors; a set holds at most " + DesiredState.MAX_CONNECTORS));
        }
        List<Problem> problems = documents.problems();
        if (!problems.isEmpty()) {
            throw new DesiredStateException(problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
        }
        policyDocuments.inCluster(scope.cluster(), (origin, message) -> problems.add(new Problem(origin, 0, 0, "metadata.cluster", message)));
        if (!problems.isEmpty()) {
            throw new DesiredStateException(problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
        }
        return new DesiredState(scope, connectors, policyDocuments.policies(), set != null || !connectors.isEmpty());
    }

    /** Where a connector's name, cluster (null: the set's) and labels were written. */
    private record ConnectorPlace(Place name, String cluster, Place clusterAt, Place labels) {
    }

    private final List<ConnectorPlace> places = new ArrayList<>();

    // ---- documents ------------------------------------------------------------------------------

    private void readDocument(Place at, Node root) {
        Map<String, Node> doc = documents.map(at, root, "");
        if (doc == null) {
            return;
        }
        String apiVersion = documents.text(at, doc.get("apiVersion"), "apiVersion", false);
        String kind = documents.text(at, doc.get("kind"), "kind", false);
        if (apiVersion == null && kind == null) {
            readKcctl(at, doc);
        } else if (API_VERSION.equals(apiVersion) && "ConnectorSet".equals(kind)) {
            documents.onlyFields(at, doc, "", Set.of("apiVersion", "kind", "metadata", "spec"));
            readSet(at, doc);
        } else if (API_VERSION.equals(apiVersion) && "Connector".equals(kind)) {
            documents.onlyFields(at, doc, "", Set.of("apiVersion", "kind", "metadata", "spec"));
            readConnector(at, doc, false);
        } else if (API_VERSION.equals(apiVersion) && PolicyDocuments.KIND.equals(kind)) {
            policyDocuments.read(at.file() + " document " + at.document(), plainMap(root), (field, message) -> problem(at, field, message));
        } else if (apiVersion != null && apiVersion.startsWith("kafka.strimzi.io/") && "KafkaConnector".equals(kind)) {
            readConnector(at, doc, true);
        } else {
            problem(at.at(doc.get("kind")), "kind", "not a document this reads: apiVersion " + apiVersion + ", kind " + kind
                    + " (expected " + API_VERSION + " ConnectorSet, Connector or ConnectorPolicy, kafka.strimzi.io KafkaConnector, or kcctl's"
                    + " {\"name\", \"config\"})");
        }
    }

    private void readSet(Place at, Map<String, Node> doc) {
        Map<String, Node> metadata = documents.required(at, doc, "metadata", "");
        Map<String, Node> spec = documents.required(at, doc, "spec", "");
        if (metadata == null || spec == null) {
            return;
        }
        documents.onlyFields(at, spec, "spec.", Set.of("cluster", "selector", "rollout"));
        String name = documents.text(at, metadata.get("name"), "metadata.name", true);
        String cluster = documents.text(at, spec.get("cluster"), "spec.cluster", false);
        Map<String, String> selector = documents.strings(at, spec.get("selector"), "spec.selector");
        if (name == null) {
            return;
        }
        if (set != null) {
            problem(at, "kind", "a second ConnectorSet (" + name + "); " + setOrigin + " declares set " + set.name()
                    + ": the files apply one set");
            return;
        }
        if (options.setName() != null && !options.setName().equals(name)) {
            problem(at.at(metadata.get("name")), "metadata.name", "the set is " + name + " here but " + options.setName() + " was asked for");
        }
        set = new SetScope(name, cluster == null ? options.defaultCluster() : cluster, selector);
        rollout = SetRollout.read(documents, at, spec.get("rollout"));
        setOrigin = at.file() + " document " + at.document();
    }

    private void readConnector(Place at, Map<String, Node> doc, boolean strimzi) {
        Map<String, Node> metadata = documents.required(at, doc, "metadata", "");
        Map<String, Node> spec = documents.required(at, doc, "spec", "");
        if (metadata == null || spec == null) {
            return;
        }
        if (!strimzi) {
            documents.onlyFields(at, metadata, "metadata.", Set.of("name", "cluster", "labels"));
        }
        documents.onlyFields(at, spec, "spec.", strimzi ? STRIMZI_SPEC : Set.of("class", "version", "tasksMax", "state", "config"));
        String name = documents.text(at, metadata.get("name"), "metadata.name", true);
        Map<String, String> labels = documents.strings(at, metadata.get("labels"), "metadata.labels");
        String cluster;
        if (strimzi) {
            cluster = labels.get("strimzi.io/cluster");
            if (cluster == null) {
                problem(at.at(metadata.get("labels")), "metadata.labels", "a KafkaConnector names its cluster with the label strimzi.io/cluster");
                return;
            }
        } else {
            cluster = documents.text(at, metadata.get("cluster"), "metadata.cluster", false);
        }
        Map<String, String> config = values.config(at, spec.get("config"), "spec.config");
        String connectorClass = documents.text(at, spec.get("class"), "spec.class", false);
        put(at, spec.get("class"), config, ConnectorRules.CONNECTOR_CLASS, connectorClass, "spec.class");
        // The plugin's version (Kafka Connect 4.1's KIP-891): spec.version is the config's connector.plugin.version.
        put(at, spec.get("version"), config, RolloutDecider.VERSION_KEY, documents.text(at, spec.get("version"), "spec.version", false),
                "spec.version");
        Node tasksMax = spec.get("tasksMax");
        if (tasksMax != null) {
            String tasks = documents.text(at, tasksMax, "spec.tasksMax", false);
            if (tasks != null && !tasks.matches("[1-9][0-9]{0,8}")) {
                problem(at.at(tasksMax), "spec.tasksMax", "must be a whole number from 1, not " + tasks);
            } else {
                put(at, tasksMax, config, "tasks.max", tasks, "spec.tasksMax");
            }
        }
        if (strimzi) {
            offsets.read(at, metadata, spec, cluster, name);
        }
        TargetState state = state(at, spec.get("state"));
        Node pause = spec.get("pause");
        if (strimzi && state == null && pause != null && "true".equals(documents.text(at, pause, "spec.pause", false))) {
            state = TargetState.PAUSED;
        }
        add(new ConnectorPlace(at.at(metadata.get("name")), cluster, at.at(strimzi ? metadata.get("labels") : metadata.get("cluster")),
                at.at(metadata.get("labels"))), name, labels, config, state, "spec.config");
    }

    /** kcctl's file: {"name": ..., "config": {...}}, or the config alone with its "name" in it. */
    private void readKcctl(Place at, Map<String, Node> doc) {
        Node name = doc.get("name");
        Map<String, String> config;
        String field;
        if (doc.containsKey("config")) {
            documents.onlyFields(at, doc, "", Set.of("name", "config"));
            config = values.config(at, doc.get("config"), "config");
            field = "config";
        } else {
            Map<String, Node> rest = new LinkedHashMap<>(doc);
            rest.remove("name");
            config = values.config(at, new Node(rest, at.line()), "");
            field = "";
        }
        String connectorName = documents.text(at, name, "name", true);
        add(new ConnectorPlace(at.at(name), options.defaultCluster(), at, at), connectorName, Map.of(), config, null, field);
    }

    private void add(ConnectorPlace place, String name, Map<String, String> labels, Map<String, String> config,
                     TargetState state, String configField) {
        Place at = place.name();
        if (name == null || config == null) {
            return;
        }
        String nameProblem = ConnectorRules.nameProblem(name);
        if (nameProblem != null) {
            problem(at, "metadata.name", nameProblem);
            return;
        }
        String named = config.remove(ConnectorRules.NAME);
        if (named != null && !named.equals(name)) {
            problem(at, configField + (configField.isEmpty() ? "" : ".") + "name", "the config names connector " + named
                    + " but the document names " + name);
        }
        if (!ConnectorRules.hasConnectorClass(config)) {
            problem(at, configField.isEmpty() ? "connector.class" : "spec.class", "no connector class: give spec.class or connector.class");
            return;
        }
        connectors.add(new Connector(name, labels, config, state, at.file() + " document " + at.document()));
        places.add(place);
    }

    // ---- values ---------------------------------------------------------------------------------

    private void put(Place at, Node node, Map<String, String> config, String key, String value, String field) {
        if (config == null || value == null) {
            return;
        }
        String given = config.get(key);
        if (given != null && !given.equals(value)) {
            problem(at.at(node), field, "says " + value + " but spec.config's " + key + " says " + given);
        }
        config.put(key, value);
    }

    private TargetState state(Place at, Node node) {
        String state = documents.text(at, node, "spec.state", false);
        if (state == null) {
            return null;
        }
        return switch (state.toLowerCase(Locale.ROOT)) {
            case "running" -> TargetState.RUNNING;
            case "paused" -> TargetState.PAUSED;
            case "stopped" -> TargetState.STOPPED;
            default -> {
                problem(at.at(node), "spec.state", "must be running, paused or stopped, not " + state);
                yield null;
            }
        };
    }

    private void problem(Place at, String field, String message) {
        documents.problem(at, field, message);
    }

    /** A document as maps, lists and strings, for a reader of its own kind. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> plainMap(Node node) {
        return (Map<String, Object>) plain(node);
    }

    private static Object plain(Node node) {
        if (node == null) {
            return null;
        }
        if (node.value() instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((key, value) -> out.put((String) key, plain((Node) value)));
            return out;
        }
        if (node.value() instanceof List<?> list) {
            return list.stream().map(value -> plain((Node) value)).toList();
        }
        return node.value();
    }
}
