package io.switchboard.registry;

import java.util.List;
import java.util.UUID;

/**
 * One record of the registry's topic. Every change is proposed as an entry and takes effect only when
 * read back in log order, so all instances reading the topic reach the same state. Each entry carries a
 * unique nonce so its writer can learn whether its proposal was applied.
 *
 * @param nonce              unique per proposal
 * @param subject            the subject concerned; null for the global config
 * @param version            REGISTER, DELETE_VERSION: the version
 * @param id                 REGISTER: the proposed global schema id
 * @param schema             REGISTER: the canonical schema text
 * @param versions           DELETE_SUBJECT: the versions to mark deleted
 * @param compatibilityLevel CONFIG: the level, or null to remove the subject's own level
 */
record LogEntry(Type type, String nonce, String subject, Integer version, Integer id, String schema,
                List<Integer> versions, String compatibilityLevel) {

    enum Type { REGISTER, DELETE_VERSION, DELETE_SUBJECT, CONFIG }

    static LogEntry register(String subject, int version, int id, String canonicalSchema) {
        return new LogEntry(Type.REGISTER, newNonce(), subject, version, id, canonicalSchema, null, null);
    }

    static LogEntry deleteVersion(String subject, int version) {
        return new LogEntry(Type.DELETE_VERSION, newNonce(), subject, version, null, null, null, null);
    }

    static LogEntry deleteSubject(String subject, List<Integer> versions) {
        return new LogEntry(Type.DELETE_SUBJECT, newNonce(), subject, null, null, null, List.copyOf(versions), null);
    }

    static LogEntry config(String subject, CompatibilityLevel level) {
        return new LogEntry(Type.CONFIG, newNonce(), subject, null, null, null, null, level == null ? null : level.name());
    }

    private static String newNonce() {
        return UUID.randomUUID().toString();
    }
}
