package io.switchboard.schemas.wire;

/**
 * A Schema Registry call that failed: carries the HTTP status and the registry's error code
 * ({@code error_code} in Confluent's error body), or -1 for both when the registry could not be reached.
 */
public class SchemaRegistryException extends RuntimeException {
    /** Confluent's code for an unknown subject. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent's code for an unknown version. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent's code for an unknown schema (id or lookup). */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent's code for a schema rejected by the subject's compatibility level. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent's code for a schema that cannot be parsed. */
    public static final int INVALID_SCHEMA = 42201;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errorCode = -1;
    }

    /** The HTTP status, or -1 when no answer was received. */
    public int status() {
        return status;
    }

    /** The registry's error code, or -1 when no answer was received. */
    public int errorCode() {
        return errorCode;
    }
}
