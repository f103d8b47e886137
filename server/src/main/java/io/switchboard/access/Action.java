package io.switchboard.access;

/** What a request does, by the least role that may do it. */
public enum Action {
    /** Lists, status, tasks, topics, configs, history, events. */
    VIEW(Role.VIEWER),
    /** Pause, resume, stop, restart. */
    OPERATE(Role.OPERATOR),
    /** Create, change and delete connectors, offsets, secrets and pipelines. */
    EDIT(Role.EDITOR),
    /** Loggers and whatever else changes the server itself. */
    ADMIN(Role.ADMIN);

    private final Role least;

    Action(Role least) {
        this.least = least;
    }

    public Role least() {
        return least;
    }
}
