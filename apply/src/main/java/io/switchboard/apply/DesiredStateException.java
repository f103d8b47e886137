package io.switchboard.apply;

import java.util.List;

/**
 * Files that cannot be read as desired state: each problem names its file, document, line and
 * field, so that a CI log points at what to fix.
 */
public final class DesiredStateException extends RuntimeException {
    private final List<Problem> problems;

    public DesiredStateException(List<Problem> problems) {
        super(String.join("\n", problems.stream().map(Problem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /**
     * @param document the document's number in its file, from 1 (0: the file as a whole)
     * @param line     the line, from 1 (0: unknown)
     * @param field    the field's path in the document ("spec.tasksMax"), or empty
     */
    public record Problem(String file, int document, int line, String field, String message) {
        @Override
        public String toString() {
            return file + (document > 0 ? ": document " + document : "") + (line > 0 ? ", line " + line : "")
                    + (field.isEmpty() ? "" : ", " + field) + ": " + message;
        }
    }
}
