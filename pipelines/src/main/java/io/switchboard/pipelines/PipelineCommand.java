package io.switchboard.pipelines;

import java.util.Arrays;
import java.util.Optional;

/**
 * The commands a pipeline takes ({@code POST /api/v1/connector/command/{id}}), and which of them
 * destroy what the pipeline has: its connectors, or its replication slot and publication, or what
 * it copied (a re-snapshot). The names are the API's own, ReIntialize's spelling included.
 */
public enum PipelineCommand {
    Start(false), Stop(false), Restart(false), Delete(true), ForceDelete(true), ReIntialize(true);

    private final boolean destructive;

    PipelineCommand(boolean destructive) {
        this.destructive = destructive;
    }

    public boolean destructive() {
        return destructive;
    }

    /** The command of that exact name, if there is one. */
    public static Optional<PipelineCommand> named(String name) {
        return Arrays.stream(values()).filter(command -> command.name().equals(name)).findFirst();
    }
}
