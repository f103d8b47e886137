package io.switchboard.commands;

/** Who asked, and the id of the request, carried into every command for audit. */
public record RequestContext(String requestId, String principal) {
}
