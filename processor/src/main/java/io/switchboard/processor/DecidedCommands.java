package io.switchboard.processor;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The ids of the commands a partition admitted lately ({@link StoreNames#DECIDED_COMMANDS}), each
 * under its issue time first ({@code <issued, 19 digits>\0<record key>\0<command id>}), so that a copy
 * of a command (the same signed bytes: the same issue time) is found by one look-up and the ids past
 * {@link CommandAdmission#forgetBefore} are forgotten by one range from the start. Bounded by the
 * commands of one partition within {@link CommandAdmission#LATE} and {@link CommandAdmission#MARGIN}.
 */
final class DecidedCommands {
    private final KeyValueStore<String, Long> store;

    DecidedCommands(KeyValueStore<String, Long> store) {
        this.store = store;
    }

    private static String key(long issuedAt, String recordKey, String commandId) {
        return String.format("%019d", Math.max(0, issuedAt)) + '\u0000' + recordKey + '\u0000' + commandId;
    }

    /** Whether the command was admitted before; remembers it from now on when it was not. */
    boolean seenElseRemember(long issuedAt, String recordKey, String commandId) {
        String key = key(issuedAt, recordKey, commandId);
        if (store.get(key) != null) {
            return true;
        }
        store.put(key, issuedAt);
        return false;
    }

    /** Forgets the commands issued before {@code issuedBefore}; answers how many. */
    int forgetBefore(long issuedBefore) {
        if (issuedBefore <= 0) {
            return 0;
        }
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = store.range(null, String.format("%019d", issuedBefore))) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                old.add(entry.key);
            }
        }
        old.forEach(store::delete);
        return old.size();
    }
}
