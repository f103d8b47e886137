package io.switchboard.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The registry's state, materialised from its log. {@link #apply} is deterministic and depends only on
 * the entries applied before, so every instance reading the same log agrees on every id and version.
 * Thread-safe: one thread applies while request threads query.
 */
final class RegistryView {
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final TreeMap<String, TreeMap<Integer, SubjectVersion>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private int maxId;

    RegistryView(CompatibilityLevel defaultLevel) {
        this.globalLevel = defaultLevel;
    }

    /** Applies an entry read from the log; false when it was a proposal that lost to an earlier entry. */
    synchronized boolean apply(LogEntry entry) {
        return switch (entry.type()) {
            case REGISTER -> applyRegister(entry);
            case DELETE_VERSION -> applyDeleteVersion(entry);
            case DELETE_SUBJECT -> applyDeleteSubject(entry);
            case CONFIG -> applyConfig(entry);
        };
    }

    /**
     * A registration holds if its id is the schema's id (or a free id for a new schema) and its version is
     * the subject's next one; otherwise another registration got there first and the writer retries.
     */
    private boolean applyRegister(LogEntry e) {
        if (e.subject() == null || e.version() == null || e.id() == null || e.schema() == null || e.id() <= 0) {
            return false;
        }
        Integer knownId = idsBySchema.get(e.schema());
        if (knownId != null ? !knownId.equals(e.id()) : schemasById.containsKey(e.id())) {
            return false;
        }
        TreeMap<Integer, SubjectVersion> versions = subjects.computeIfAbsent(e.subject(), s -> new TreeMap<>());
        int next = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        boolean alreadyLive = versions.values().stream().anyMatch(v -> !v.deleted() && v.id() == e.id());
        if (e.version() != next || alreadyLive) {
            if (versions.isEmpty()) {
                subjects.remove(e.subject());
            }
            return false;
        }
        idsBySchema.put(e.schema(), e.id());
        schemasById.put(e.id(), e.schema());
        maxId = Math.max(maxId, e.id());
        versions.put(e.version(), new SubjectVersion(e.subject(), e.version(), e.id(), e.schema(), false));
        return true;
    }

    private boolean applyDeleteVersion(LogEntry e) {
        return e.subject() != null && e.version() != null && markDeleted(e.subject(), e.version());
    }

    private boolean applyDeleteSubject(LogEntry e) {
        if (e.subject() == null || e.versions() == null) {
            return false;
        }
        boolean any = false;
        for (Integer version : e.versions()) {
            any |= version != null && markDeleted(e.subject(), version);
        }
        return any;
    }

    private boolean markDeleted(String subject, int version) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        SubjectVersion v = versions == null ? null : versions.get(version);
        if (v == null || v.deleted()) {
            return false;
        }
        versions.put(version, new SubjectVersion(v.subject(), v.version(), v.id(), v.schema(), true));
        return true;
    }

    private boolean applyConfig(LogEntry e) {
        Optional<CompatibilityLevel> level = CompatibilityLevel.parse(e.compatibilityLevel());
        if (e.subject() == null) {
            level.ifPresent(l -> globalLevel = l);
            return level.isPresent();
        }
        if (level.isPresent()) {
            subjectLevels.put(e.subject(), level.get());
        } else {
            subjectLevels.remove(e.subject());
        }
        return true;
    }

    /** Subjects with a live version (or any version, when deleted ones are included), sorted. */
    synchronized List<String> subjects(boolean includeDeleted) {
        return subjects.entrySet().stream()
                .filter(s -> includeDeleted || s.getValue().values().stream().anyMatch(v -> !v.deleted()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** Whether the subject ever had a version, deleted or not. */
    synchronized boolean subjectKnown(String subject) {
        return subjects.containsKey(subject);
    }

    /** The subject's versions, oldest first; soft-deleted ones only when asked. */
    synchronized List<SubjectVersion> versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }

    synchronized Optional<SubjectVersion> version(String subject, int version) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        return Optional.ofNullable(versions == null ? null : versions.get(version));
    }

    /** The subject's live version holding exactly this canonical schema. */
    synchronized Optional<SubjectVersion> liveVersionOf(String subject, String canonicalSchema) {
        Integer id = idsBySchema.get(canonicalSchema);
        if (id == null) {
            return Optional.empty();
        }
        return versions(subject, false).stream().filter(v -> v.id() == id).findFirst();
    }

    synchronized Optional<String> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    synchronized Optional<Integer> idOf(String canonicalSchema) {
        return Optional.ofNullable(idsBySchema.get(canonicalSchema));
    }

    /** Every live subject version using the schema id. */
    synchronized List<SubjectVersion> usesOf(int id) {
        List<SubjectVersion> uses = new ArrayList<>();
        for (TreeMap<Integer, SubjectVersion> versions : subjects.values()) {
            versions.values().stream().filter(v -> v.id() == id && !v.deleted()).forEach(uses::add);
        }
        return uses;
    }

    /** The id a new schema would be proposed with. */
    synchronized int nextId() {
        return maxId + 1;
    }

    /** The version a new registration under the subject would be proposed with; versions are never reused. */
    synchronized int nextVersion(String subject) {
        TreeMap<Integer, SubjectVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** The level that applies to the subject: its own, else the global one. */
    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
