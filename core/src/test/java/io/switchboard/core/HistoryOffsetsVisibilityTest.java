package io.switchboard.core;

import io.switchboard.schemas.AvroTrust;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.HistoryOffsets;
import io.switchboard.secrets.Redactor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The offsets an entry keeps are seen by whoever sees config values; a caller who sees keys only sees the mask. */
class HistoryOffsetsVisibilityTest {
    private static final String AT_3 = "{\"offsets\":[{\"partition\":{\"filename\":\"/data/orders.txt\"},\"offset\":{\"position\":3}}]}";

    @BeforeAll
    static void trustTheGeneratedClasses() {
        AvroTrust.install();
    }

    private static ConnectorHistory history(HistoryOffsets offsets) {
        HistoryEntry entry = HistoryEntry.newBuilder().setSequence(1).setKind("OffsetsAltered").setVersion(1).setOccurredAt(0)
                .setCommandId("c-1").setOffsets(offsets).build();
        return ConnectorHistory.newBuilder().setCluster("default").setConnector("orders").setEntries(List.of(entry)).build();
    }

    private static HistoryOffsets shown(HistoryOffsets kept, Visibility visibility) {
        return HistoryVisibility.shape(history(kept), visibility, Redactor.DEFAULT).getEntries().get(0).getOffsets();
    }

    @Test
    void offsetsShowToWhoeverSeesValuesAndAsTheMaskToAViewer() {
        HistoryOffsets kept = new HistoryOffsets(AT_3, 5L, "applied", AT_3, 2L);
        assertEquals(kept, shown(kept, Visibility.FULL));
        assertEquals(new HistoryOffsets(Redactor.MASK, 5L, "applied", Redactor.MASK, 2L), shown(kept, Visibility.KEYS_ONLY));
        HistoryOffsets noPrevious = new HistoryOffsets(AT_3, 5L, "after", null, null);
        assertNull(shown(noPrevious, Visibility.KEYS_ONLY).getPrevious());
        assertNull(shown(null, Visibility.KEYS_ONLY));
    }
}
