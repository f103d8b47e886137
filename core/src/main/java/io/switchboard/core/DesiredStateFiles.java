package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.core.DesiredState.Connector;
import io.switchboard.core.DesiredState.SetScope;
import io.switchboard.core.DesiredStateException.Problem;
import io.switchboard.rules.ConnectorRules;
import io.switchboard.schemas.TargetState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads desired-state files: YAML or JSON documents of kind {@code ConnectorSet} and
 * {@code Connector} ({@code apiVersion: switchboard.io/v1}), Strimzi's {@code KafkaConnector}
 * resources, and kcctl's JSON files, unchanged. A pure function of the files' text and the
 * environment it is given: no I/O. Every problem found names its file, document, line and field;
 * all of them are reported at once (at most {@value #MAX_PROBLEMS}).
 *
 * <p>Secrets are only given by reference: a value of a secret key (as {@link Redactor} names them)
 * must be a placeholder, {@code ${ENV_VAR}} (expanded here from the environment given, a missing
 * variable being a problem; in the value of any other key only variables the options name are
 * expanded, any other {@code ${NAME}} is a problem), a named secret {@code ${secretsManager:NAME}}, a sealed value, or any
 * worker config provider's {@code ${provider:...}}.
 */
public final class DesiredStateFiles {
    public static final String API_VERSION = "switchboard.io/v1";
    /** At most this many connectors in one set. */
    public static final int MAX_CONNECTORS = 500;
    static final int MAX_PROBLEMS = 100;
    /** A placeholder the client expands: {@code ${NAME}}, a name without a colon (a config provider's has one). */
    private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final Set<String> STRIMZI_SPEC = Set.of("class", "tasksMax", "config", "state", "pause", "autoRestart",
            "listOffsets", "alterOffsets");

    /** One file's name (for messages) and text. */
    public record Source(String file, String text) {
    }

    /**
     * @param setName        the set's name when not given by a ConnectorSet document (null: "default")
     * @param defaultCluster the cluster of documents that name none (kcctl's files)
     * @param environment    the value of an environment variable, or null when it is not set
     * @param secretKeys     the keys whose values are secret: only there is {@code ${NAME}} expanded
     * @param alsoExpanded   variables expanded in any key too (the CLI's {@code --env NAME})
     */
    public record Options(String setName, String defaultCluster, Function<String, String> environment, Redactor secretKeys,
                          Set<String> alsoExpanded) {
        public Options {
            alsoExpanded = Set.copyOf(alsoExpanded);
        }

        public Options(String setName, String defaultCluster, Function<String, String> environment, Redactor secretKeys) {
            this(setName, defaultCluster, environment, secretKeys, Set.of());
        }
    }

    private final Options options;
    private final List<Problem> problems = new ArrayList<>();
    private final List<Connector> connectors = new ArrayList<>();
    private final PolicyDocuments policyDocuments = new PolicyDocuments();
    private SetScope set;
    private String setOrigin;

    private DesiredStateFiles(Options options) {
        this.options = options;
    }

    /** The desired state the files declare; a {@link DesiredStateException} with every problem otherwise. */
    public static DesiredState read(List<Source> files, Options options) {
        DesiredStateFiles reader = new DesiredStateFiles(options);
        for (Source file : files) {
            reader.readFile(file);
        }
        return reader.result();
    }

    private DesiredState result() {
        String firstCluster = places.stream().map(ConnectorPlace::cluster).filter(java.util.Objects::nonNull).findFirst()
                .orElse(options.defaultCluster());
        SetScope scope = set != null ? set
                : new SetScope(options.setName() == null ? "default" : options.setName(), firstCluster, Map.of());
        Set<String> names = new java.util.HashSet<>();
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
            if (!scope.selects(c.labels())) {
                problem(at.labels(), "metadata.labels", "connector " + c.name() + " is outside set " + scope.name()
                        + "'s scope: its labels " + new TreeMap<>(c.labels()) + " do not match the selector "
                        + new TreeMap<>(scope.selector()));
            }
        }
        if (connectors.size() > MAX_CONNECTORS) {
            problems.add(new Problem("(all files)", 0, 0, "", connectors.size() + " connectors; a set holds at most " + MAX_CONNECTORS));
        }
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

    /** Where a document is: file, document number, and the line of the node a problem is about. */
    private record Place(String file, int document, int line) {
        Place at(Node node) {
            return new Place(file, document, node == null ? line : node.line());
        }
    }

    // ---- documents ------------------------------------------------------------------------------

    private void readFile(Source file) {
        int document = 0;
        try (JsonParser parser = YAML.createParser(file.text())) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                document++;
                Node root = node(parser, token, new Place(file.file(), document, 0));
                if (root != null && root.value() != null) {
                    readDocument(new Place(file.file(), document, root.line()), root);
                }
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(new Problem(file.file(), Math.max(document, 1), line, "", "not YAML or JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            problems.add(new Problem(file.file(), 0, 0, "", "cannot be read: " + e.getMessage()));
        }
    }

    private void readDocument(Place at, Node root) {
        Map<String, Node> doc = map(at, root, "");
        if (doc == null) {
            return;
        }
        String apiVersion = text(at, doc.get("apiVersion"), "apiVersion", false);
        String kind = text(at, doc.get("kind"), "kind", false);
        if (apiVersion == null && kind == null) {
            readKcctl(at, doc);
        } else if (API_VERSION.equals(apiVersion) && "ConnectorSet".equals(kind)) {
            onlyFields(at, doc, "", Set.of("apiVersion", "kind", "metadata", "spec"));
            readSet(at, doc);
        } else if (API_VERSION.equals(apiVersion) && "Connector".equals(kind)) {
            onlyFields(at, doc, "", Set.of("apiVersion", "kind", "metadata", "spec"));
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
        Map<String, Node> metadata = required(at, doc, "metadata", "");
        Map<String, Node> spec = required(at, doc, "spec", "");
        if (metadata == null || spec == null) {
            return;
        }
        onlyFields(at, spec, "spec.", Set.of("cluster", "selector"));
        String name = text(at, metadata.get("name"), "metadata.name", true);
        String cluster = text(at, spec.get("cluster"), "spec.cluster", false);
        Map<String, String> selector = strings(at, spec.get("selector"), "spec.selector");
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
        setOrigin = at.file() + " document " + at.document();
    }

    private void readConnector(Place at, Map<String, Node> doc, boolean strimzi) {
        Map<String, Node> metadata = required(at, doc, "metadata", "");
        Map<String, Node> spec = required(at, doc, "spec", "");
        if (metadata == null || spec == null) {
            return;
        }
        if (!strimzi) {
            onlyFields(at, metadata, "metadata.", Set.of("name", "cluster", "labels"));
        }
        onlyFields(at, spec, "spec.", strimzi ? STRIMZI_SPEC : Set.of("class", "tasksMax", "state", "config"));
        String name = text(at, metadata.get("name"), "metadata.name", true);
        Map<String, String> labels = strings(at, metadata.get("labels"), "metadata.labels");
        String cluster;
        if (strimzi) {
            cluster = labels.get("strimzi.io/cluster");
            if (cluster == null) {
                problem(at.at(metadata.get("labels")), "metadata.labels", "a KafkaConnector names its cluster with the label strimzi.io/cluster");
                return;
            }
        } else {
            cluster = text(at, metadata.get("cluster"), "metadata.cluster", false);
        }
        Map<String, String> config = config(at, spec.get("config"), "spec.config");
        String connectorClass = text(at, spec.get("class"), "spec.class", false);
        put(at, spec.get("class"), config, ConnectorRules.CONNECTOR_CLASS, connectorClass, "spec.class");
        Node tasksMax = spec.get("tasksMax");
        if (tasksMax != null) {
            String tasks = text(at, tasksMax, "spec.tasksMax", false);
            if (tasks != null && !tasks.matches("[1-9][0-9]{0,8}")) {
                problem(at.at(tasksMax), "spec.tasksMax", "must be a whole number from 1, not " + tasks);
            } else {
                put(at, tasksMax, config, "tasks.max", tasks, "spec.tasksMax");
            }
        }
        TargetState state = state(at, spec.get("state"));
        Node pause = spec.get("pause");
        if (strimzi && state == null && pause != null && "true".equals(text(at, pause, "spec.pause", false))) {
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
            onlyFields(at, doc, "", Set.of("name", "config"));
            config = config(at, doc.get("config"), "config");
            field = "config";
        } else {
            Map<String, Node> rest = new LinkedHashMap<>(doc);
            rest.remove("name");
            config = config(at, new Node(rest, at.line()), "");
            field = "";
        }
        String connectorName = text(at, name, "name", true);
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
        String named = config.remove(ConnectorConfigValidator.NAME);
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

    /** A config: every value a string (numbers and booleans as written), secrets by reference, ${ENV} expanded. */
    private Map<String, String> config(Place at, Node node, String field) {
        Map<String, Node> entries = node == null ? Map.of() : map(at, node, field);
        if (entries == null) {
            return null;
        }
        Map<String, String> config = new TreeMap<>();
        String prefix = field.isEmpty() ? "" : field + ".";
        entries.forEach((key, value) -> {
            String raw = text(at, value, prefix + key, true);
            if (raw == null) {
                return;
            }
            if (options.secretKeys().matches(key) && !(raw.startsWith("${") && raw.endsWith("}"))) {
                problem(at.at(value), prefix + key, "a secret in plain text: give it by reference, ${ENV_VAR} (expanded "
                        + "from the environment), ${secretsManager:NAME} or a sealed value");
                return;
            }
            String expanded = expand(at.at(value), prefix + key, raw, options.secretKeys().matches(key));
            if (expanded != null) {
                config.put(key, expanded);
            }
        });
        return config;
    }

    /**
     * {@code ${NAME}} expanded: in a secret key's value, or a variable the options name; anywhere
     * else it is a problem, so that a file cannot copy the environment (CI's own credentials) into a
     * value that is shown in the plan or sent where a secret is not expected.
     */
    private String expand(Place at, String field, String raw, boolean secretKey) {
        Matcher m = ENV.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean missing = false;
        while (m.find()) {
            if (!secretKey && !options.alsoExpanded().contains(m.group(1))) {
                problem(at, field, "${" + m.group(1) + "} is expanded only in the value of a secret key; to expand it in "
                        + field + " too, name it with --env " + m.group(1));
                missing = true;
                continue;
            }
            String value = options.environment().apply(m.group(1));
            if (value == null) {
                problem(at, field, "environment variable " + m.group(1) + " is not set");
                missing = true;
                continue;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return missing ? null : out.toString();
    }

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
        String state = text(at, node, "spec.state", false);
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

    private Map<String, String> strings(Place at, Node node, String field) {
        Map<String, Node> entries = node == null ? Map.of() : map(at, node, field);
        Map<String, String> values = new TreeMap<>();
        if (entries != null) {
            entries.forEach((key, value) -> {
                String text = text(at, value, field + "." + key, true);
                if (text != null) {
                    values.put(key, text);
                }
            });
        }
        return values;
    }

    private Map<String, Node> required(Place at, Map<String, Node> doc, String key, String prefix) {
        Node node = doc.get(key);
        if (node == null || node.value() == null) {
            problem(at, prefix + key, "missing");
            return null;
        }
        return map(at, node, prefix + key);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Node> map(Place at, Node node, String field) {
        if (node.value() instanceof Map<?, ?> map) {
            return (Map<String, Node>) map;
        }
        problem(at.at(node), field.isEmpty() ? "(document)" : field, "must be a mapping of keys to values");
        return null;
    }

    /** A scalar's text; a problem when it is missing (if required) or not a scalar. */
    private String text(Place at, Node node, String field, boolean required) {
        if (node == null || node.value() == null) {
            if (required) {
                problem(node == null ? at : at.at(node), field, "missing");
            }
            return null;
        }
        if (node.value() instanceof String text) {
            return text;
        }
        problem(at.at(node), field, "must be a single value, not a " + (node.value() instanceof Map ? "mapping" : "list"));
        return null;
    }

    private void onlyFields(Place at, Map<String, Node> doc, String prefix, Set<String> allowed) {
        doc.forEach((key, value) -> {
            if (!allowed.contains(key)) {
                problem(at.at(value), prefix + key, "unknown field (expected " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        });
    }

    private void problem(Place at, String field, String message) {
        problems.add(new Problem(at.file(), at.document(), at.line(), field, message));
    }

    // ---- a tree that knows its lines ------------------------------------------------------------

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

    /** A value (a map of nodes, a list of nodes, a scalar's text, or null) and the line it starts on (a key's, in a map). */
    private record Node(Object value, int line) {
    }

    private Node node(JsonParser parser, JsonToken token, Place at) throws IOException {
        int line = parser.currentTokenLocation().getLineNr();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Node> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    Node value = node(parser, parser.nextToken(), at);
                    if (map.containsKey(key)) {
                        problems.add(new Problem(at.file(), at.document(), keyLine, key, "appears twice in one mapping"));
                    }
                    map.put(key, new Node(value.value(), keyLine));
                }
                return new Node(map, line);
            }
            case START_ARRAY -> {
                List<Node> list = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(node(parser, next, at));
                }
                return new Node(list, line);
            }
            case VALUE_NULL -> {
                return new Node(null, line);
            }
            default -> {
                return new Node(parser.getText(), line);
            }
        }
    }
}
