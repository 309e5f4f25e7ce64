package io.clipstream.schemas.registry;

/**
 * A schema registry answered with an error, or could not be reached.
 *
 * <p>Carries the registry's numeric error code (Confluent's REST API codes such as 40401) and the kind it
 * stands for, so callers can tell "subject not found" from "incompatible schema" from "registry down"
 * without parsing messages.
 */
public final class SchemaRegistryException extends RuntimeException {

    /** What went wrong, by Confluent's error code. */
    public enum Kind {
        /** 40401: the subject has no versions. */
        SUBJECT_NOT_FOUND(40401),
        /** 40402: the subject has no such version. */
        VERSION_NOT_FOUND(40402),
        /** 40403: no schema with that id, or the schema is not registered under the subject. */
        SCHEMA_NOT_FOUND(40403),
        /** 40408: the subject has no subject-level compatibility setting. */
        SUBJECT_CONFIG_NOT_FOUND(40408),
        /** 409: the schema breaks the subject's compatibility rule. */
        INCOMPATIBLE_SCHEMA(409),
        /** 42201: the schema does not parse or is of an unsupported type. */
        INVALID_SCHEMA(42201),
        /** 42202: a version that is not a positive number or "latest". */
        INVALID_VERSION(42202),
        /** 42203: an unknown compatibility level. */
        INVALID_COMPATIBILITY_LEVEL(42203),
        /** 42205: the registry or subject is in read-only mode (nothing can be registered). */
        OPERATION_NOT_PERMITTED(42205),
        /** 401: credentials missing or wrong. */
        UNAUTHORIZED(401),
        /** 403: credentials lack permission. */
        FORBIDDEN(403),
        /** 5xx or no connection: worth retrying later. */
        UNAVAILABLE(50001),
        /** Anything else, including answers that are not the registry's JSON. */
        OTHER(50000);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The Confluent error code this kind is sent as. */
        public int code() {
            return code;
        }

        /** The kind for a registry error code and HTTP status. */
        public static Kind of(int errorCode, int httpStatus) {
            for (Kind k : values()) {
                if (k.code == errorCode && k != OTHER && k != UNAVAILABLE) {
                    return k;
                }
            }
            if (httpStatus == 401) return UNAUTHORIZED;
            if (httpStatus == 403) return FORBIDDEN;
            if (httpStatus == 409) return INCOMPATIBLE_SCHEMA;
            if (httpStatus >= 500 || (errorCode >= 50000 && errorCode < 60000)) return UNAVAILABLE;
            return OTHER;
        }

        /** The HTTP status a registry answers this kind with. */
        public int httpStatus() {
            return code >= 10000 ? code / 100 : code;
        }
    }

    private final Kind kind;
    private final int errorCode;

    public SchemaRegistryException(Kind kind, String message) {
        this(kind, kind.code(), message, null);
    }

    public SchemaRegistryException(Kind kind, int errorCode, String message, Throwable cause) {
        super(message + " (" + kind + ", error code " + errorCode + ")", cause);
        this.kind = kind;
        this.errorCode = errorCode;
    }

    public Kind kind() {
        return kind;
    }

    /** The registry's own error code as received (may differ from {@code kind().code()} for OTHER). */
    public int errorCode() {
        return errorCode;
    }

    /** Whether trying again later may succeed. */
    public boolean isRetriable() {
        return kind == Kind.UNAVAILABLE;
    }
}
