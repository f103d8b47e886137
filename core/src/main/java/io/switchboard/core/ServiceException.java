package io.switchboard.core;

import io.switchboard.schemas.TargetState;

import java.util.List;

/**
 * Why the connector service could not do what was asked, in terms of connectors and clusters, not
 * of HTTP. Each dialect decides the status code and the words; {@link #getMessage()} is a plain
 * English description for logs and for dialects that have no wording of their own.
 */
public abstract sealed class ServiceException extends RuntimeException {

    private ServiceException(String message) {
        super(message);
    }

    /** What an operation was about when it failed, so that a dialect can word it as its API does. */
    public enum Operation {
        CREATE, PUT_CONFIG, PATCH_CONFIG, CHANGE_TARGET_STATE, DELETE, RESTART, RESTART_TASK, OFFSETS, TOPICS_RESET,
        RECONCILE, RECORD_PHASE, READ, READ_STATUS, READ_TASK_STATUS, READ_HISTORY, READ_TIMELINE
    }

    /** What does not exist. */
    public enum Subject { CONNECTOR, TASK, CLUSTER, OFFSETS_REQUEST, SECRET, PIPELINE, POLICY, ROLLOUT }

    /** The connector (or one of its tasks, or the cluster) does not exist. */
    public static final class NotFound extends ServiceException {
        private final Subject subject;
        private final String name;
        private final Integer task;
        private final Operation operation;

        public NotFound(Subject subject, String name, Integer task, Operation operation) {
            super(switch (subject) {
                case CONNECTOR -> "Connector " + name + " not found";
                case TASK -> "Task " + name + "-" + task + " not found";
                case CLUSTER -> "Connect cluster " + name + " not found";
                case OFFSETS_REQUEST -> "No offsets request was made for connector " + name;
                case SECRET -> "Secret " + name + " not found";
                case PIPELINE -> "Pipeline " + name + " not found";
                case POLICY -> "Policy " + name + " not found";
                case ROLLOUT -> "Rollout " + name + " not found";
            });
            this.subject = subject;
            this.name = name;
            this.task = task;
            this.operation = operation;
        }

        public static NotFound connector(String name, Operation operation) {
            return new NotFound(Subject.CONNECTOR, name, null, operation);
        }

        public static NotFound task(String connector, int task, Operation operation) {
            return new NotFound(Subject.TASK, connector, task, operation);
        }

        public static NotFound cluster(String cluster) {
            return new NotFound(Subject.CLUSTER, cluster, null, Operation.READ);
        }

        public Subject subject() {
            return subject;
        }

        public String name() {
            return name;
        }

        public Integer task() {
            return task;
        }

        public Operation operation() {
            return operation;
        }
    }

    /** A connector (or secret) of that name exists already. */
    public static final class AlreadyExists extends ServiceException {
        private final Subject subject;
        private final String name;

        public AlreadyExists(String name) {
            this(Subject.CONNECTOR, name);
        }

        public AlreadyExists(Subject subject, String name) {
            super((subject == Subject.SECRET ? "Secret " : "Connector ") + name + " already exists");
            this.subject = subject;
            this.name = name;
        }

        public Subject subject() {
            return subject;
        }

        public String name() {
            return name;
        }
    }

    /**
     * The connector belongs to a pipeline, and only the pipeline service changes it; or (pipeline
     * null) the pipeline service was asked to change a connector that exists and no pipeline owns.
     */
    public static final class NotTheOwner extends ServiceException {
        private final String name;
        private final String pipeline;

        public NotTheOwner(String name, String pipeline) {
            super(pipeline != null
                    ? "Connector " + name + " belongs to pipeline " + pipeline + "; change it through /api/v1/connectors/" + pipeline
                    : "Connector " + name + " exists and does not belong to the pipeline; delete it, or give the pipeline another id");
            this.name = name;
            this.pipeline = pipeline;
        }

        public String name() {
            return name;
        }

        /** The pipeline that owns the connector; null when none does. */
        public String pipeline() {
            return pipeline;
        }
    }

    /** A secret cannot be deleted while connectors use it. */
    public static final class InUse extends ServiceException {
        private final List<String> users;

        public InUse(String name, List<String> users) {
            super("Secret " + name + " is used by connector" + (users.size() == 1 ? " " : "s ") + String.join(", ", users)
                    + "; change their configs first");
            this.users = List.copyOf(users);
        }

        public List<String> users() {
            return users;
        }
    }

    /** The request breaks a rule of the product (a name, a value, a body): the client must change it. */
    public static non-sealed class InvalidRequest extends ServiceException {
        private final List<Violation> violations;

        public InvalidRequest(String message) {
            this(null, message);
        }

        /** @param field the field at fault, when there is one */
        public InvalidRequest(String field, String message) {
            this(message, List.of(new Violation(field, message)));
        }

        /** Several fields at fault, each with what is wrong with it. */
        public InvalidRequest(String message, List<Violation> violations) {
            super(message);
            this.violations = List.copyOf(violations);
        }

        /** The first field at fault; null when the request as a whole is. */
        public String field() {
            return violations.isEmpty() ? null : violations.get(0).key();
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    /**
     * A config whose {@code name} is not the connector's (Kafka Connect's rule, decided by
     * {@code ConnectorRules.configNameProblem}); each dialect words it its own way.
     */
    public static final class ConfigNameMismatch extends InvalidRequest {
        private final String configName;
        private final String name;

        public ConfigNameMismatch(String configName, String name, String message) {
            super("config.name", message);
            this.configName = configName;
            this.name = name;
        }

        /** The name the config gave. */
        public String configName() {
            return configName;
        }

        /** The connector's name. */
        public String name() {
            return name;
        }
    }

    /** The connector's plugin refused its config: one entry per error, each naming its config key when known. */
    public static final class InvalidConfig extends ServiceException {
        private final List<Violation> violations;

        public InvalidConfig(List<Violation> violations) {
            super("The connector config is invalid: " + violations.size() + " error(s)");
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }

    /** One thing wrong with a config; {@code key} is null when the error names no key. */
    public record Violation(String key, String message) {
    }

    /** The connector is not in the target state the operation requires. */
    public static final class NotInState extends ServiceException {
        private final String name;
        private final TargetState required;

        public NotInState(String name, TargetState required) {
            super("Connector " + name + " must be " + required + " first");
            this.name = name;
            this.required = required;
        }

        public String name() {
            return name;
        }

        public TargetState required() {
            return required;
        }
    }

    /** Another request is under way for the connector and must end first. */
    public static final class Busy extends ServiceException {
        public Busy(String message) {
            super(message);
        }
    }

    /** The Idempotency-Key was used before for a different request. */
    public static final class IdempotencyConflict extends ServiceException {
        public IdempotencyConflict(String message) {
            super(message);
        }
    }

    /** No credentials, or credentials that are not valid. */
    public static final class Unauthenticated extends ServiceException {
        public Unauthenticated(String message) {
            super(message);
        }
    }

    /** An authenticated principal without the role the request needs. */
    public static final class Forbidden extends ServiceException {
        public Forbidden(String message) {
            super(message);
        }
    }

    /** Cannot be served now but can soon: the client should retry after the given seconds. */
    public static final class Unavailable extends ServiceException {
        private final int retryAfterSeconds;

        public Unavailable(String message, int retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public Unavailable(String message) {
            this(message, 1);
        }

        public int retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /**
     * A Kafka Connect worker refused the request with a 4xx; {@code status} is its status and the
     * message its own words, without its address.
     */
    public static final class WorkerRefused extends ServiceException {
        private final int status;

        public WorkerRefused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
