package io.switchboard.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart under deploy/helm/switchboard, run through Helm in this JVM (helm-java's bundled native
 * library: no helm binary, no cluster, no network): linted and rendered for a values file, the
 * rendering parsed into fabric8's typed models.
 */
final class Chart {
    static final Path DIR = Path.of("helm", "switchboard");
    static final String RELEASE = "sb";
    static final String NAMESPACE = "switchboard";
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Chart() {
    }

    /** The values files the build renders: {@code ci/*-values.yaml}, by short name. */
    static Map<String, Path> valuesFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(DIR.resolve("ci"))) {
            list.sorted().forEach(file -> files.put(file.getFileName().toString().replace("-values.yaml", ""), file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** {@code helm template} with the values file and any {@code --set}s. */
    static String render(Path chart, Path values, Map<String, Object> sets) {
        var template = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
        if (values != null) {
            template.withValuesFile(values.toAbsolutePath());
        }
        sets.forEach(template::set);
        return template.call();
    }

    static String render(Path values) {
        return render(DIR, values, Map.of());
    }

    /**
     * {@code helm lint --strict} of the chart with this values file over its defaults: helm-java's
     * lint takes no values file, so the lint runs on a copy whose values.yaml is the two merged.
     */
    static LintResult lint(Path chart, Path values, Path scratch) throws IOException {
        Path copy = scratch.resolve("switchboard");
        copyTree(chart, copy);
        Map<String, Object> merged = merge(Yaml.map(Files.readString(chart.resolve("values.yaml"))),
                Yaml.map(Files.readString(values)));
        Files.writeString(copy.resolve("values.yaml"), Yaml.dump(merged));
        return new Helm(copy).lint().strict().call();
    }

    /** Every document of a rendering, parsed into its typed model. */
    static List<HasMetadata> parse(String rendered) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : rendered.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            if (!(parsed instanceof HasMetadata object)) {
                throw new AssertionError("Not a Kubernetes object: " + parsed + "\n" + document);
            }
            objects.add(object);
        }
        return objects;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && out.get(key) instanceof Map<?, ?> old) {
                out.put(key, merge((Map<String, Object>) old, (Map<String, Object>) map));
            } else {
                out.put(key, value);
            }
        });
        return out;
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path path : walk.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
