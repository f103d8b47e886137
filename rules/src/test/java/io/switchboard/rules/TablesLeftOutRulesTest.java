package io.switchboard.rules;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule the decider and a pipeline's sender share on how many tables left out a connector keeps. */
class TablesLeftOutRulesTest {

    @Test
    void aTableIsRecordableWhileThereIsRoomOrWhenItIsRecordedAlready() {
        Map<String, String> recorded = new HashMap<>();
        for (int i = 0; i < CommandDecider.MAX_TABLES_LEFT_OUT - 1; i++) {
            recorded.put("public.t" + i, "no primary key");
        }
        assertTrue(CommandDecider.tableLeftOutRecordable(recorded, "public.new"), "one place left");
        recorded.put("public.last", "no primary key");
        assertFalse(CommandDecider.tableLeftOutRecordable(recorded, "public.new"), "full: a new table is not recorded");
        assertTrue(CommandDecider.tableLeftOutRecordable(recorded, "public.t7"), "full: a recorded table's reason may still change");
    }
}
