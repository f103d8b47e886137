package io.switchboard.registry;

/** One version of a subject: which global schema it is and whether it was soft-deleted. */
record SubjectVersion(String subject, int version, int id, String schema, boolean deleted) {
}
