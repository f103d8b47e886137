package io.switchboard.dataplane;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Worker answers reduced to what fits one log line or one status field: a proxy's or servlet's
 * HTML error page becomes its title, anything else its first words, on one line, at most
 * {@link #MAX_LENGTH} characters.
 */
public final class WorkerMessages {
    static final int MAX_LENGTH = 300;
    private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile("<h[1-3][^>]*>(.*?)</h[1-3]>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private WorkerMessages() {
    }

    /** The gist of a worker's error body: its JSON message, an HTML page's title, or its text. */
    public static String summary(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        String trimmed = body.strip();
        if (trimmed.startsWith("{")) {
            Matcher message = MESSAGE.matcher(trimmed);
            if (message.find()) {
                return oneLine(message.group(1).replace("\\n", " ").replace("\\\"", "\"").replace("\\t", " "));
            }
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.startsWith("<") || lower.contains("<html")) {
            for (Pattern p : new Pattern[]{TITLE, HEADING}) {
                Matcher m = p.matcher(trimmed);
                if (m.find() && !TAG.matcher(m.group(1)).replaceAll("").isBlank()) {
                    return oneLine(TAG.matcher(m.group(1)).replaceAll(" "));
                }
            }
            return oneLine(TAG.matcher(trimmed).replaceAll(" "));
        }
        return oneLine(trimmed);
    }

    /** Any text on one line, whitespace collapsed, at most {@link #MAX_LENGTH} characters. */
    public static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > MAX_LENGTH ? line.substring(0, MAX_LENGTH - 3) + "..." : line;
    }
}
