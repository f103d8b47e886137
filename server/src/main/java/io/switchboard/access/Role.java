package io.switchboard.access;

import java.util.Locale;

/**
 * What a principal may do in a scope, each role including the ones before it: a viewer reads
 * (with every config value redacted), an operator also pauses, resumes, stops and restarts, an
 * editor also creates, changes and deletes (connectors, offsets, secrets, pipelines), and an admin
 * also changes the server (loggers).
 */
public enum Role {
    VIEWER, OPERATOR, EDITOR, ADMIN;

    public boolean allows(Action action) {
        return ordinal() >= action.least().ordinal();
    }

    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + text + "': roles are viewer, operator, editor and admin");
        }
    }
}
