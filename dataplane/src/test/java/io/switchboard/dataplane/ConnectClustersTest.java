package io.switchboard.dataplane;

import io.switchboard.core.ClusterDirectory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which clusters a scope may name: {@link ConnectClusters#manages} answers as its {@link ConnectClusters#names} list does. */
class ConnectClustersTest {

    @Test
    void aClusterIsManagedOnceAnnouncedWhileItStartsAndOnceAttached() {
        ConnectClusters clusters = new ConnectClusters(Optional.empty());
        List<String> asked = List.of(ClusterDirectory.DEFAULT_CLUSTER, "analytics", "billing", "nope", "");
        agree(clusters, asked);
        assertTrue(clusters.manages(ClusterDirectory.DEFAULT_CLUSTER), "the default cluster, before any is attached");
        assertFalse(clusters.manages("analytics"));
        assertFalse(clusters.manages(null));

        clusters.starting("analytics");
        agree(clusters, asked);
        assertTrue(clusters.manages("analytics"), "while it starts");

        clusters.attached("analytics", "http://127.0.0.1:1");
        clusters.attached("billing", "http://127.0.0.1:2");
        agree(clusters, asked);
        assertTrue(clusters.manages("analytics") && clusters.manages("billing"), "once attached");
        assertFalse(clusters.manages("nope"));
        assertFalse(clusters.manages(null));
    }

    private static void agree(ConnectClusters clusters, List<String> asked) {
        for (String cluster : asked) {
            assertEquals(clusters.names().contains(cluster), clusters.manages(cluster), cluster);
        }
    }
}
