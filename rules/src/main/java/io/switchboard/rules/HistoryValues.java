package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCreated;
import io.switchboard.schemas.ConnectorDeleted;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * What a connector's history holds, as its recorder (the processor's {@code HistoryProcessor})
 * writes it and its readers (the replay, the core's writes) read it: the kinds of its entries, and
 * long config values kept as their length and digest.
 */
public final class HistoryValues {
    /** The kind of the entry a create writes. */
    public static final String CREATED = ConnectorCreated.class.getSimpleName();
    /** The kind of the entry a delete writes. */
    public static final String DELETED = ConnectorDeleted.class.getSimpleName();

    private static final Pattern SHORTENED = Pattern.compile("<\\d+ characters, sha-256 [0-9a-f]+\\.\\.\\.>");

    private HistoryValues() {
    }

    /** Whether a stored value is what {@link #shortened} kept of a longer one (not the value itself). */
    public static boolean isShortened(String value) {
        return value != null && SHORTENED.matcher(value).matches();
    }

    /**
     * A value longer than {@code max} characters is kept as its length and the start of its
     * SHA-256, so that different long values still look different in a diff.
     */
    public static String shortened(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "<" + value.length() + " characters, sha-256 " + HexFormat.of().formatHex(digest, 0, 8) + "...>";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
