package io.switchboard.rules;

import com.google.re2j.Pattern;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Kafka names the control plane of one deployment owns, which no connector may name: every
 * topic and consumer group under the deployment's topic prefix {@code P}, deployment configuration
 * (never a constant here). What it holds:
 * <ul>
 *   <li>topics: everything under {@code P.} (commands, decisions, lifecycle, observations, leases,
 *       replica keys, pipeline notifications, the dead letters, secrets, schemas, any added later);
 *       Kafka Streams' internal topics of its application id {@code P} ({@code P-*-changelog},
 *       {@code P-*-repartition}); and each name in {@link #topics()}: the embedded worker's
 *       internal topics, a lifecycle topic named outright;</li>
 *   <li>consumer groups: {@code P} (Kafka Streams), everything under {@code P.} and {@code P-}
 *       (the reconcilers' lease groups {@code P-reconciler-<cluster>}, the embedded worker's
 *       {@code P-connect}), and each name in {@link #groups()}.</li>
 * </ul>
 * A name merely beginning with the prefix ({@code switchboardx}, {@code switchboard-orders}) is
 * the users', unless a connector could build a control-plane name from it (see
 * {@link #couldBegin}).
 *
 * @param prefix the deployment's topic prefix, also Kafka Streams' application id
 * @param topics further topics the control plane owns outside the patterns above
 * @param groups further consumer groups it owns
 * @param pipelineNotifications the topic the typed pipelines' sources write their notifications to
 *                              (one of the control plane's): a pipeline's own connector names it
 * @param files                 where the embedded worker's file connectors may read and write ({@link FileConnectors})
 * @param bounds                what one connector, and a cluster's connectors together, may ask of the worker ({@link ResourceBounds})
 */
public record ControlPlane(String prefix, Set<String> topics, Set<String> groups, String pipelineNotifications, FileConnectors files,
                           ResourceBounds bounds) {
    /** Names tried against a pattern for each part of the namespace no finite list covers. */
    private static final String PROBE = "x";

    public ControlPlane {
        if (prefix == null || prefix.isBlank()) {
            throw new IllegalArgumentException("A control plane needs its topic prefix");
        }
        // The notifications topic is named outside the prefix (the worker writes it) but is the control plane's.
        Set<String> all = new java.util.HashSet<>(topics);
        if (pipelineNotifications != null) {
            all.add(pipelineNotifications);
        }
        topics = Set.copyOf(all);
        groups = Set.copyOf(groups);
        files = files == null ? FileConnectors.NOT_EMBEDDED : files;
        bounds = bounds == null ? ResourceBounds.DEFAULT : bounds;
    }

    /** With the default {@link ResourceBounds}. */
    public ControlPlane(String prefix, Set<String> topics, Set<String> groups, String pipelineNotifications, FileConnectors files) {
        this(prefix, topics, groups, pipelineNotifications, files, ResourceBounds.DEFAULT);
    }

    /** A deployment whose connectors run on external workers only. */
    public ControlPlane(String prefix, Set<String> topics, Set<String> groups, String pipelineNotifications) {
        this(prefix, topics, groups, pipelineNotifications, FileConnectors.NOT_EMBEDDED);
    }

    /** The same control plane, with its embedded worker's file connectors confined so. */
    public ControlPlane withFiles(FileConnectors files) {
        return new ControlPlane(prefix, topics, groups, pipelineNotifications, files, bounds);
    }

    /** The same control plane, with these bounds on what connectors ask of the worker. */
    public ControlPlane withBounds(ResourceBounds bounds) {
        return new ControlPlane(prefix, topics, groups, pipelineNotifications, files, bounds);
    }

    /** Whether the topic belongs to the control plane. */
    public boolean isTopic(String name) {
        return name.startsWith(prefix + ".") || topics.contains(name)
                || name.startsWith(prefix + "-") && (name.endsWith("-changelog") || name.endsWith("-repartition"));
    }

    /** Whether the consumer group belongs to the control plane. */
    public boolean isGroup(String name) {
        return name.equals(prefix) || name.startsWith(prefix + ".") || name.startsWith(prefix + "-") || groups.contains(name);
    }

    /**
     * Whether some control-plane topic begins with {@code start}, or everything that begins with it
     * is under the prefix: what a connector that names topics {@code <start><anything>} (Debezium's
     * {@code topic.prefix} with its delimiter, a heartbeat prefix) may reach, whatever follows.
     */
    public boolean couldBegin(String start) {
        for (String namespace : List.of(prefix + ".", prefix + "-")) {
            if (start.startsWith(namespace) || namespace.startsWith(start)) {
                return true;
            }
        }
        return topics.stream().anyMatch(t -> t.startsWith(start));
    }

    /**
     * A control-plane topic the pattern matches whole (as Kafka Connect matches {@code topics.regex}),
     * or null: each known topic, and a name from each part of the namespace, are tried, in time linear
     * in each name (RE2/J, see {@link LinearPatterns}).
     */
    public String matchedBy(Pattern pattern) {
        for (String name : examples()) {
            if (pattern.matcher(name).matches()) {
                return name;
            }
        }
        return null;
    }

    /** The known topics, then one name each for the patterns of the namespace, in a stable order. */
    private List<String> examples() {
        List<String> names = new ArrayList<>(new TreeSet<>(topics));
        names.add(prefix + "." + PROBE);
        names.add(prefix + "-" + PROBE + "-changelog");
        names.add(prefix + "-" + PROBE + "-repartition");
        return names;
    }

    /**
     * Where Kafka's FileStream connectors ({@code FileStreamSource}, {@code FileStreamSink}) may read
     * and write, as the built-in policy {@value ConnectorPolicies#FILE_CONNECTORS} decides it. The
     * embedded worker runs connectors in the replica's own process, as its user: a file connector could
     * read or write every file the replica can (its keyring, its Kafka identities, its users file, the
     * broker's log segments). So on the embedded worker they are off unless the replica was given a
     * directory for them, and then each {@code file} must be under that directory: an absolute path,
     * no {@code ..}, links resolved (the longest part of the path that exists, made real). An external
     * worker's files are its operator's: the policy does not apply to a deployment without the
     * embedded worker.
     *
     * @param embedded  whether this deployment's connectors run on the embedded worker
     * @param directory the directory given for file connectors, canonical; null: they are off
     */
    public record FileConnectors(boolean embedded, Path directory) {
        /** A deployment whose connectors run on external workers only. */
        public static final FileConnectors NOT_EMBEDDED = new FileConnectors(false, null);
        /** The flag that gives the directory, as refusals name it. */
        public static final String FLAG = "--file-connectors-dir";

        /**
         * The embedded worker's, with the directory given for file connectors (made 0700 if missing,
         * and canonical), or with none: they are off. The directory is checked as
         * {@link FileConnectorsDirectory} says.
         */
        public static FileConnectors embedded(Path directory) {
            return embedded(directory, List.of());
        }

        /**
         * As {@link #embedded(Path)}, the directory also kept apart from these paths (the data
         * directory, the keyring, the users file): neither inside nor above any of them.
         */
        public static FileConnectors embedded(Path directory, java.util.Collection<Path> keptApart) {
            if (directory == null) {
                return new FileConnectors(true, null);
            }
            return new FileConnectors(true, FileConnectorsDirectory.require(directory, keptApart));
        }

        /** Whether the class (a name or an alias, as Connect takes it) is one of Kafka's FileStream connectors. */
        public static boolean isFileConnector(String connectorClass) {
            if (connectorClass == null) {
                return false;
            }
            String name = connectorClass.trim();
            name = name.substring(name.lastIndexOf('.') + 1);
            if (name.endsWith("Connector")) {
                name = name.substring(0, name.length() - "Connector".length());
            }
            return name.equals("FileStreamSource") || name.equals("FileStreamSink");
        }

        /** Why the config's file connector may not run here, or null. */
        ConnectorPolicies.Refusal refusal(Map<String, String> config) {
            if (!embedded || !isFileConnector(config.get(ConnectorRules.CONNECTOR_CLASS))) {
                return null;
            }
            if (directory == null) {
                return new ConnectorPolicies.Refusal(ConnectorPolicies.FILE_CONNECTORS, ConnectorRules.CONNECTOR_CLASS,
                        "the FileStream connectors are off on the embedded worker, which runs in the replica's process and could reach "
                                + "its files; a replica started with " + FLAG + " DIR allows them files under DIR");
            }
            String problem = problem(config.get("file"));
            return problem == null ? null : new ConnectorPolicies.Refusal(ConnectorPolicies.FILE_CONNECTORS, "file", problem);
        }

        private String problem(String file) {
            String within = "name a file under " + directory + " (" + FLAG + ") by its absolute path";
            if (file == null || file.isBlank()) {
                return "file is empty, so the connector would read the replica's standard input or write its standard output: " + within;
            }
            if (io.switchboard.secrets.ConfigReferences.holdsReference(file)) {
                return "file holds a config provider reference, which the worker resolves after every check: " + within;
            }
            Path path;
            try {
                path = Path.of(file);
            } catch (InvalidPathException e) {
                return "file (" + file + ") is no path: " + within;
            }
            if (!path.isAbsolute()) {
                return "file (" + file + ") is relative to the replica's working directory: " + within;
            }
            for (Path part : path) {
                if (part.toString().equals("..")) {
                    return "file (" + file + ") steps up with '..': " + within;
                }
            }
            Path real;
            try {
                real = resolved(path.normalize());
            } catch (IOException e) {
                return "file (" + file + ") cannot be resolved (" + e.getMessage() + "): " + within;
            }
            if (!real.startsWith(directory) || real.equals(directory)) {
                return "file (" + file + ")" + (real.equals(path) ? "" : ", which is " + real + ",") + " is outside " + directory
                        + ", the directory given for file connectors (" + FLAG + ")";
            }
            return null;
        }

        /** The path with its links resolved: the longest part of it that exists (a link too), made real, then the rest. */
        private static Path resolved(Path path) throws IOException {
            Path existing = path;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            return existing == null ? path : existing.toRealPath().resolve(existing.relativize(path));
        }
    }
}
