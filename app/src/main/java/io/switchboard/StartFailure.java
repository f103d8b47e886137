package io.switchboard;

import io.switchboard.kafkaio.TopicSetup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Why a replica could not start, in one line: each distinct message of the failure's causes, outermost first. */
final class StartFailure {
    private static final int MAX_CAUSES = 5;

    private StartFailure() {
    }

    static String describe(Throwable failure, Path dataDir) {
        Set<String> messages = new LinkedHashSet<>();
        boolean diskFull = false;
        List<Throwable> seen = new ArrayList<>();
        for (Throwable t = failure; t != null && !seen.contains(t) && seen.size() < 20; t = t.getCause()) {
            seen.add(t);
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            diskFull |= message.contains("No space left on device");
            if (messages.size() < MAX_CAUSES) {
                messages.add(message);
            }
            if (t instanceof TopicSetup.Refused) {
                // Kafka refused the replica: what it refused and the setting are said whole; its causes repeat them.
                break;
            }
        }
        String described = String.join(": ", messages);
        return diskFull ? "the data directory " + dataDir.toAbsolutePath() + " is full (" + described
                + "); free space there and start again: the state is restored from Kafka" : described;
    }
}
