package io.switchboard.pipelines;

import java.util.Locale;

/**
 * What went wrong with a pipeline's connector, in plain words, read from the trace its worker
 * reports: the handful of causes people meet (a refused password, logical replication off, a
 * missing database, an unreachable host), else the exception's own first line.
 */
public final class FailureReasons {
    private FailureReasons() {
    }

    public static String of(String trace) {
        if (trace == null || trace.isBlank()) {
            return null;
        }
        String lower = trace.toLowerCase(Locale.ROOT);
        if (lower.contains("password authentication failed") || lower.contains("authentication failed")
                || lower.contains("no password was provided")) {
            return "authentication refused: the user name or password is wrong";
        }
        if (lower.contains("wal_level") || lower.contains("logical decoding requires")) {
            return "wal_level is not logical: PostgreSQL must run with wal_level=logical for logical replication";
        }
        if (lower.contains("database") && lower.contains("does not exist")) {
            return "database missing: " + firstMatch(trace, "database \"", "\"") + " does not exist";
        }
        if (lower.contains("connection refused") || (lower.contains("connection to") && lower.contains("refused"))
                || lower.contains("unknownhost") || lower.contains("unknown host") || lower.contains("connect timed out")
                || lower.contains("could not connect")) {
            return "host unreachable: the database server does not answer at the address given";
        }
        if (lower.contains("permission denied") || lower.contains("must be superuser") || lower.contains("replication privilege")) {
            return "permission refused: the user may not do what replication needs (REPLICATION and the tables' SELECT)";
        }
        String first = trace.lines().findFirst().orElse(trace).trim();
        int colon = first.indexOf(": ");
        String message = colon > 0 && first.substring(0, colon).matches("[\\w.$]+") ? first.substring(colon + 2) : first;
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    private static String firstMatch(String text, String before, String after) {
        int start = text.indexOf(before);
        if (start < 0) {
            return "the database";
        }
        start += before.length();
        int end = text.indexOf(after, start);
        return end < 0 ? "the database" : "\"" + text.substring(start, end) + "\"";
    }
}
