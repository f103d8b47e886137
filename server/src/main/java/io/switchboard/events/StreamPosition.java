package io.switchboard.events;

import io.switchboard.core.ServiceException;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A position in the lifecycle topic: for each partition, the offset of the next record to read, as
 * {@code 0:17,1:4,2:0}. Each event of {@code GET /events} carries the position just after it as its
 * id, so a client that resumes from it gets exactly the events after that one. Also
 * {@code earliest} (every retained event) and {@code latest} (only new events).
 */
public record StreamPosition(Start start, Map<Integer, Long> offsets) {
    public enum Start { EARLIEST, LATEST, OFFSETS }

    public static final StreamPosition EARLIEST = new StreamPosition(Start.EARLIEST, Map.of());
    public static final StreamPosition LATEST = new StreamPosition(Start.LATEST, Map.of());
    private static final int MAX_LENGTH = 10_000;

    /** Parses a position; a malformed one is a 400. */
    public static StreamPosition parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.equalsIgnoreCase("earliest")) {
            return EARLIEST;
        }
        if (trimmed.equalsIgnoreCase("latest")) {
            return LATEST;
        }
        if (trimmed.isEmpty() || trimmed.length() > MAX_LENGTH) {
            throw invalid(text);
        }
        Map<Integer, Long> offsets = new TreeMap<>();
        for (String part : trimmed.split(",", -1)) {
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw invalid(text);
            }
            try {
                int partition = Integer.parseInt(part.substring(0, colon).trim());
                long offset = Long.parseLong(part.substring(colon + 1).trim());
                if (partition < 0 || offset < 0 || offsets.put(partition, offset) != null) {
                    throw invalid(text);
                }
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
        }
        return new StreamPosition(Start.OFFSETS, Map.copyOf(offsets));
    }

    /** The token of a set of positions, partitions in order. */
    public static String format(Map<Integer, Long> offsets) {
        StringJoiner token = new StringJoiner(",");
        new TreeMap<>(offsets).forEach((partition, offset) -> token.add(partition + ":" + offset));
        return token.toString();
    }

    private static ServiceException invalid(String text) {
        String shown = text == null ? "" : text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return new ServiceException.InvalidRequest("Invalid event stream position '" + shown
                + "': expected 'earliest', 'latest' or an event id such as '0:17,1:4'");
    }
}
