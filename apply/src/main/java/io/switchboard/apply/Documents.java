package io.switchboard.apply;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.apply.DesiredStateException.Problem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * YAML or JSON files as trees whose nodes know their lines, and the typed reads of those trees:
 * each read that finds something else than it expects records a problem at the node's file,
 * document, line and field, and answers null (or nothing) so that reading goes on.
 */
final class Documents {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    private final List<Problem> problems = new ArrayList<>();

    /** Where a document is: file, document number, and the line of the node a problem is about. */
    record Place(String file, int document, int line) {
        Place at(Node node) {
            return new Place(file, document, node == null ? line : node.line());
        }
    }

    /** A value (a map of nodes, a list of nodes, a scalar's text, or null) and the line it starts on (a key's, in a map). */
    record Node(Object value, int line) {
    }

    /** Every problem recorded so far. */
    List<Problem> problems() {
        return problems;
    }

    /** Reads one file's documents, giving each non-empty one to {@code document}; a file that is not YAML is a problem. */
    void readFile(DesiredStateFiles.Source file, BiConsumer<Place, Node> document) {
        int number = 0;
        try (JsonParser parser = YAML.createParser(file.text())) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                number++;
                Node root = node(parser, token, new Place(file.file(), number, 0));
                if (root != null && root.value() != null) {
                    document.accept(new Place(file.file(), number, root.line()), root);
                }
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(new Problem(file.file(), Math.max(number, 1), line, "", "not YAML or JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            problems.add(new Problem(file.file(), 0, 0, "", "cannot be read: " + e.getMessage()));
        }
    }

    Map<String, String> strings(Place at, Node node, String field) {
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

    Map<String, Node> required(Place at, Map<String, Node> doc, String key, String prefix) {
        Node node = doc.get(key);
        if (node == null || node.value() == null) {
            problem(at, prefix + key, "missing");
            return null;
        }
        return map(at, node, prefix + key);
    }

    @SuppressWarnings("unchecked")
    Map<String, Node> map(Place at, Node node, String field) {
        if (node.value() instanceof Map<?, ?> map) {
            return (Map<String, Node>) map;
        }
        problem(at.at(node), field.isEmpty() ? "(document)" : field, "must be a mapping of keys to values");
        return null;
    }

    /** A scalar's text; a problem when it is missing (if required) or not a scalar. */
    String text(Place at, Node node, String field, boolean required) {
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

    void onlyFields(Place at, Map<String, Node> doc, String prefix, Set<String> allowed) {
        doc.forEach((key, value) -> {
            if (!allowed.contains(key)) {
                problem(at.at(value), prefix + key, "unknown field (expected " + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        });
    }

    void problem(Place at, String field, String message) {
        problems.add(new Problem(at.file(), at.document(), at.line(), field, message));
    }

    void problem(Problem problem) {
        problems.add(problem);
    }

    // ---- a tree that knows its lines ------------------------------------------------------------

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
