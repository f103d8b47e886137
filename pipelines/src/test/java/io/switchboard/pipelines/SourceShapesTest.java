package io.switchboard.pipelines;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The source connector's settings for partitions and generated columns: anchored patterns of exactly the names read. */
class SourceShapesTest {
    @Test
    void partitionsAndGeneratedColumnsAreLeftOutByTheirWholeNames() {
        SourceShapes shapes = new SourceShapes(true, List.of("public.measures_2025", "odd.\"we,ird\" name"), List.of("public.priced.total"), List.of());
        Map<String, String> settings = shapes.settings("^switchboard\\.sb_heartbeat_(?!x$).*$");
        assertEquals("true", settings.get("publish.via.partition.root"));
        String[] tables = settings.get("table.exclude.list").split(",");
        assertEquals(2, tables.length, "one pattern added to the heartbeat's, no comma inside it: " + settings);
        Pattern partitions = Pattern.compile(tables[1]);
        assertTrue(partitions.matcher("public.measures_2025").matches());
        assertTrue(partitions.matcher("db.public.measures_2025").matches(), "with a database name first");
        assertTrue(partitions.matcher("odd.\"we,ird\" name").matches());
        assertFalse(partitions.matcher("public.measures").find(), "the root is captured");
        assertFalse(partitions.matcher("public.measures_20251").find());
        assertFalse(partitions.matcher("publicXmeasures_2025").find(), "a dot is a dot");
        Pattern columns = Pattern.compile(settings.get("column.exclude.list"));
        assertTrue(columns.matcher("public.priced.total").matches());
        assertFalse(columns.matcher("public.priced.qty").find());
    }

    @Test
    void nothingReadLeavesTheConnectorsDefaults() {
        Map<String, String> settings = SourceShapes.NONE.settings(null);
        assertEquals(Map.of("publish.via.partition.root", "false"), settings);
        assertNull(SourceShapes.anyOf(List.of()));
    }
}
