package io.switchboard.registry;

import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the registry does, apart from HTTP: queries answered from the view, changes proposed to the log.
 * A query that finds nothing first catches up with the log and asks again, so a schema registered
 * through another instance a moment ago is found here too.
 */
final class SchemaRegistryService {
    static final String AVRO = "AVRO";
    private static final int MAX_REGISTER_ATTEMPTS = 20;

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryService.class);

    private final RegistryView view;
    private final RegistryLog registryLog;
    private final ReentrantLock changes = new ReentrantLock();

    SchemaRegistryService(RegistryView view, RegistryLog log) {
        this.view = view;
        this.registryLog = log;
    }

    /** Registers the schema under the subject, or finds it there; returns its global id. */
    int register(String subject, String schemaText, String schemaType) {
        requireAvro(schemaType);
        Schema schema = parse(schemaText);
        String canonical = schema.toString();
        changes.lock();
        try {
            for (int attempt = 0; attempt < MAX_REGISTER_ATTEMPTS; attempt++) {
                Optional<SubjectVersion> existing = view.liveVersionOf(subject, canonical);
                if (existing.isPresent()) {
                    return existing.get().id();
                }
                List<String> problems = view.effectiveLevel(subject).incompatibilities(schema, parsedVersions(subject));
                if (!problems.isEmpty()) {
                    throw RegistryError.incompatible(subject, problems);
                }
                int id = view.idOf(canonical).orElseGet(view::nextId);
                if (registryLog.append(LogEntry.register(subject, view.nextVersion(subject), id, canonical))) {
                    return id;
                }
                log.debug("A concurrent registration took id {} or the next version of {} first; retrying", id, subject);
            }
            throw RegistryError.storeError("Error while registering schema: " + MAX_REGISTER_ATTEMPTS
                    + " attempts lost to concurrent registrations");
        } finally {
            changes.unlock();
        }
    }

    /** The subject's live version holding this schema. */
    SubjectVersion lookup(String subject, String schemaText, String schemaType) {
        requireAvro(schemaType);
        String canonical = parse(schemaText).toString();
        return fresh(() -> {
            requireLiveSubject(subject);
            return view.liveVersionOf(subject, canonical).orElseThrow(RegistryError::schemaNotFound);
        });
    }

    List<String> subjects(boolean includeDeleted) {
        return view.subjects(includeDeleted);
    }

    List<Integer> versions(String subject, boolean includeDeleted) {
        return fresh(() -> {
            List<SubjectVersion> versions = view.versions(subject, includeDeleted);
            if (versions.isEmpty()) {
                throw RegistryError.subjectNotFound(subject);
            }
            return versions.stream().map(SubjectVersion::version).toList();
        });
    }

    SubjectVersion version(String subject, String versionText, boolean includeDeleted) {
        VersionRef ref = VersionRef.parse(versionText);
        return fresh(() -> {
            if (!includeDeleted) {
                requireLiveSubject(subject);
            } else if (!view.subjectKnown(subject)) {
                throw RegistryError.subjectNotFound(subject);
            }
            if (ref.latest()) {
                List<SubjectVersion> versions = view.versions(subject, includeDeleted);
                return versions.get(versions.size() - 1);
            }
            SubjectVersion version = view.version(subject, ref.number())
                    .orElseThrow(() -> RegistryError.versionNotFound(ref.number()));
            if (version.deleted() && !includeDeleted) {
                throw RegistryError.versionNotFound(ref.number());
            }
            return version;
        });
    }

    String schemaById(int id) {
        return fresh(() -> view.schema(id).orElseThrow(() -> RegistryError.schemaNotFound(Integer.toString(id))));
    }

    List<SubjectVersion> usesOf(int id) {
        return fresh(() -> {
            view.schema(id).orElseThrow(() -> RegistryError.schemaNotFound(Integer.toString(id)));
            return view.usesOf(id);
        });
    }

    /**
     * Problems that would stop the schema following the subject's version: empty when compatible.
     * Against "latest" a transitive level compares with every version; against a number, with that one.
     */
    List<String> compatibilityProblems(String subject, String versionText, String schemaText, String schemaType) {
        requireAvro(schemaType);
        VersionRef ref = VersionRef.parse(versionText);
        Schema candidate = parse(schemaText);
        return fresh(() -> {
            requireLiveSubject(subject);
            CompatibilityLevel level = view.effectiveLevel(subject);
            if (ref.latest()) {
                return level.incompatibilities(candidate, parsedVersions(subject));
            }
            SubjectVersion version = view.version(subject, ref.number())
                    .filter(v -> !v.deleted())
                    .orElseThrow(() -> RegistryError.versionNotFound(ref.number()));
            return level.against(candidate, new Schema.Parser().parse(version.schema()));
        });
    }

    /** The subject's own level, else the global one; the global one for a null subject. */
    CompatibilityLevel level(String subject) {
        return subject == null ? view.globalLevel() : view.effectiveLevel(subject);
    }

    CompatibilityLevel setLevel(String subject, String levelText) {
        CompatibilityLevel level = CompatibilityLevel.parse(levelText)
                .orElseThrow(() -> RegistryError.invalidCompatibilityLevel(levelText));
        appendChange(LogEntry.config(subject, level));
        return level;
    }

    /** Removes the subject's own level; returns the level it had before. */
    CompatibilityLevel clearLevel(String subject) {
        CompatibilityLevel before = view.effectiveLevel(subject);
        appendChange(LogEntry.config(subject, null));
        return before;
    }

    /** Soft-deletes every live version of the subject; returns them. */
    List<Integer> deleteSubject(String subject) {
        changes.lock();
        try {
            List<Integer> versions = fresh(() -> {
                requireLiveSubject(subject);
                return view.versions(subject, false).stream().map(SubjectVersion::version).toList();
            });
            appendChange(LogEntry.deleteSubject(subject, versions));
            return versions;
        } finally {
            changes.unlock();
        }
    }

    /** Soft-deletes one version of the subject; returns its number. */
    int deleteVersion(String subject, String versionText) {
        VersionRef ref = VersionRef.parse(versionText);
        changes.lock();
        try {
            SubjectVersion target = fresh(() -> {
                requireLiveSubject(subject);
                if (ref.latest()) {
                    List<SubjectVersion> live = view.versions(subject, false);
                    return live.get(live.size() - 1);
                }
                SubjectVersion version = view.version(subject, ref.number())
                        .orElseThrow(() -> RegistryError.versionNotFound(ref.number()));
                if (version.deleted()) {
                    throw RegistryError.versionSoftDeleted(subject, ref.number());
                }
                return version;
            });
            appendChange(LogEntry.deleteVersion(subject, target.version()));
            return target.version();
        } finally {
            changes.unlock();
        }
    }

    private void appendChange(LogEntry entry) {
        registryLog.append(entry); // deletes and config changes always apply; a lost race only means someone else did it
    }

    private void requireLiveSubject(String subject) {
        if (view.versions(subject, false).isEmpty()) {
            throw view.subjectKnown(subject) ? RegistryError.subjectSoftDeleted(subject) : RegistryError.subjectNotFound(subject);
        }
    }

    private List<Schema> parsedVersions(String subject) {
        return view.versions(subject, false).stream().map(v -> new Schema.Parser().parse(v.schema())).toList();
    }

    /** Runs a query; when it finds nothing, catches up with the log and runs it once more. */
    private <T> T fresh(Supplier<T> query) {
        try {
            return query.get();
        } catch (RegistryError e) {
            if (e.status() != 404) {
                throw e;
            }
            registryLog.catchUp();
            return query.get();
        }
    }

    private static void requireAvro(String schemaType) {
        if (schemaType != null && !AVRO.equalsIgnoreCase(schemaType)) {
            throw new RegistryError(422, 42201, "Invalid schema: schema type " + schemaType + " is not supported; this registry holds AVRO schemas");
        }
    }

    /** Parses a schema, so that whitespace and key order do not make two copies of one schema differ. */
    static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryError.invalidSchema("the schema is empty");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) { // the parser throws several kinds for malformed JSON and bad schemas
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    /** A version path segment: a number from 1 up, or "latest" (or -1). */
    record VersionRef(boolean latest, int number) {
        static VersionRef parse(String text) {
            if ("latest".equalsIgnoreCase(text) || "-1".equals(text)) {
                return new VersionRef(true, -1);
            }
            try {
                int number = Integer.parseInt(text);
                if (number >= 1) {
                    return new VersionRef(false, number);
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw RegistryError.invalidVersion(text);
        }
    }
}
