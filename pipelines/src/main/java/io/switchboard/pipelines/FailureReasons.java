package io.switchboard.pipelines;

import io.switchboard.kafkaio.KafkaRefusals;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What went wrong with a pipeline's connector, in plain words, read from the trace its worker
 * reports: the handful of causes people meet (a refused password, logical replication off, a
 * missing database, an unreachable host), else the database's own error when the trace holds one
 * (a missing privilege is named by it), else the message of the trace's root cause.
 */
public final class FailureReasons {
    private FailureReasons() {
    }

    /**
     * The pipeline's words for a replication slot that was lost (dropped, or invalidated when its WAL
     * was removed): changes made since it went are in no slot, and a slot made again would not hold them.
     */
    static String slotLost(String slot) {
        return "replication slot " + slot + " was lost (dropped, or its WAL removed): changes made since the pipeline last read it"
                + " are in no slot, so rows may be missing in the target; ReIntialize copies every row again (with a new slot)";
    }

    /** Whether a source's trace says that the position it would stream from is gone (Debezium's check of its slot at start). */
    static boolean saysSlotLost(String trace) {
        return trace != null && trace.contains("no longer available on the server");
    }

    public static String of(String trace) {
        if (trace == null || trace.isBlank()) {
            return null;
        }
        String kafka = kafkaRefusal(trace);
        if (kafka != null) {
            // Before the database's causes: Kafka's "Authentication failed" is not the database's password.
            return kafka;
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
        String refusal = databaseRefusal(trace);
        if (refusal != null) {
            // In the database's own words: which privilege is missing is what it says, not a guess.
            return "the database refused: " + refusal;
        }
        // The root cause says what happened; the first line is often only how the worker gave up
        // ("Exiting WorkerSinkTask due to unrecoverable exception.").
        String first = trace.lines().filter(line -> line.startsWith("Caused by: ")).reduce((a, b) -> b)
                .map(line -> line.substring("Caused by: ".length()))
                .orElse(trace.lines().findFirst().orElse(trace)).trim();
        int colon = first.indexOf(": ");
        String message = colon > 0 && first.substring(0, colon).matches("[\\w.$]+") ? first.substring(colon + 2) : first;
        return message.length() > 300 ? message.substring(0, 300) + "..." : message;
    }

    private static final Pattern KAFKA_REFUSAL = Pattern.compile(
            "org\\.apache\\.kafka\\.common\\.errors\\.(\\w*(Authorization|Authentication|SaslState|SaslMechanism)\\w*Exception)(: (.*))?");

    /**
     * Kafka refusing the worker's principal (a part's own clients are the worker's): what it refused,
     * in Kafka's words, and the setting that gives the worker its principal; null when the trace holds no such refusal.
     */
    private static String kafkaRefusal(String trace) {
        Matcher refusal = KAFKA_REFUSAL.matcher(trace);
        if (!refusal.find()) {
            return null;
        }
        String said = refusal.group(4) == null ? refusal.group(1) : refusal.group(4).trim();
        String words = said.length() > 300 ? said.substring(0, 300) + "..." : said;
        return refusal.group(2).equals("Authorization")
                ? "Kafka's ACLs refuse the Connect worker's principal: " + words + "; grant it the ACLs docs/security.md lists, or give"
                + " the worker the principal they are for with " + KafkaRefusals.WORKER_SETTINGS
                : "Kafka refused to authenticate the Connect worker: " + words + "; give it its credentials with "
                + KafkaRefusals.WORKER_SETTINGS;
    }

    /**
     * The server's own error from a trace ("ERROR: must be superuser to ...", with its SQLSTATE when
     * the trace carries one), the last one in the chain of causes being the closest to the database.
     */
    private static String databaseRefusal(String trace) {
        String found = null;
        for (String line : trace.lines().toList()) {
            int at = line.indexOf("ERROR: ");
            if (at >= 0 && (line.contains("PSQLException") || line.contains("SQLException") || line.trim().startsWith("ERROR: "))) {
                found = line.substring(at).trim();
            }
        }
        if (found == null) {
            return null;
        }
        Matcher state = Pattern.compile("SQLSTATE[ =:(]*([0-9A-Z]{5})").matcher(trace);
        String message = found.length() > 300 ? found.substring(0, 300) + "..." : found;
        return state.find() && !message.contains(state.group(1)) ? message + " (SQLSTATE " + state.group(1) + ")" : message;
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
