package io.switchboard.http;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The dialects a server speaks, and which one owns a path: the one with the longest base path it starts with. */
public final class Dialects {
    private final List<Dialect> all;
    /** Base path to dialect, longest first. */
    private final Map<String, Dialect> byBasePath = new TreeMap<>(Comparator.comparingInt(String::length).reversed()
            .thenComparing(Comparator.naturalOrder()));

    public Dialects(List<Dialect> dialects) {
        this.all = List.copyOf(dialects);
        for (Dialect dialect : all) {
            for (String base : dialect.basePaths()) {
                if (byBasePath.putIfAbsent(base, dialect) != null) {
                    throw new IllegalArgumentException("Two dialects claim " + base);
                }
            }
        }
        if (!byBasePath.containsKey("/")) {
            throw new IllegalArgumentException("No dialect owns /");
        }
    }

    public List<Dialect> all() {
        return all;
    }

    public Dialect ownerOf(String path) {
        String p = path == null || path.isEmpty() ? "/" : path;
        for (Map.Entry<String, Dialect> entry : byBasePath.entrySet()) {
            String base = entry.getKey();
            // "/connect/v1/" owns "/connect/v1" too.
            if (p.startsWith(base) || (base.endsWith("/") && p.equals(base.substring(0, base.length() - 1)))) {
                return entry.getValue();
            }
        }
        return byBasePath.get("/");
    }
}
