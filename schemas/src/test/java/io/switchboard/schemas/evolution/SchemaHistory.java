package io.switchboard.schemas.evolution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The committed versions of files, read from git. Where there is no history to read (no git, not a
 * repository, no commits, a file never committed) there is simply nothing, and the reason is reported.
 */
final class SchemaHistory {
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    /** One committed version of a file: the commit, the file's path in that commit and its content. */
    record Revision(String commit, String path, String content) {
    }

    private final Git git;
    private final Path root;
    private final Map<String, Optional<String>> shown = new HashMap<>();

    private SchemaHistory(Path root) {
        this.root = root;
        this.git = new Git(root);
    }

    /** Why there is no history to compare with: the check cannot vouch for anything, so it must not pass. */
    static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message);
        }
    }

    /**
     * The history of the git work tree holding the directory.
     *
     * @throws Missing when there is none (no git, not a repository) or only part of it (a shallow
     *                 clone, where every schema would be compared with nothing but itself)
     */
    static SchemaHistory of(Path directory) {
        Git git = new Git(directory);
        Git.Result top = git.run("rev-parse", "--show-toplevel");
        if (!top.ok()) {
            throw new Missing("No git history to check the schemas in " + directory + " against: " + top.err().strip()
                    + ". Run the build in a clone of the repository.");
        }
        Git.Result shallow = git.run("rev-parse", "--is-shallow-repository");
        if (shallow.ok() && shallow.out().strip().equals("true")) {
            throw new Missing("The clone at " + top.out().strip() + " is shallow, so the schemas cannot be checked "
                    + "against their earlier versions. Run 'git fetch --unshallow' first.");
        }
        return new SchemaHistory(realPath(Path.of(top.out().strip())));
    }

    /** The file's path from the repository root, with '/' separators, as git names it. */
    String repoPath(Path file) {
        return root.relativize(realPath(file)).toString().replace('\\', '/');
    }

    /** Every committed version of the file, newest first, following renames; empty when it was never committed. */
    List<Revision> revisions(Path file, Consumer<String> report) {
        String path = repoPath(file);
        Git.Result log = git.run("log", "--follow", "--format=%H", "--name-only", "--", path);
        if (!log.ok()) {
            report.accept("No committed versions of " + path + ": " + log.err().strip());
            return List.of();
        }
        List<Revision> revisions = new ArrayList<>();
        String commit = null;
        for (String line : log.out().split("\n")) {
            String text = line.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (COMMIT.matcher(text).matches()) {
                commit = text;
            } else if (commit != null) {
                String pathThen = text;
                String at = commit;
                show(at, pathThen).ifPresent(content -> revisions.add(new Revision(at, pathThen, content)));
                commit = null;
            }
        }
        if (revisions.isEmpty()) {
            report.accept(path + " was never committed; nothing to check it against");
        }
        return revisions;
    }

    /** A file's content in a commit; empty when it did not exist there (or was deleted in it). */
    Optional<String> show(String commit, String path) {
        return shown.computeIfAbsent(commit + ":" + path, spec -> {
            Git.Result result = git.run("show", spec);
            return result.ok() ? Optional.of(result.out()) : Optional.empty();
        });
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
