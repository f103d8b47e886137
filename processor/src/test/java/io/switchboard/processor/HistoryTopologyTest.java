package io.switchboard.processor;

import io.switchboard.kafkaio.Topics;
import io.switchboard.rules.HistoryReplay;
import io.switchboard.rules.HistoryValues;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.HistoryEntry;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.PutConnectorConfig;
import io.switchboard.schemas.RestartConnector;
import io.switchboard.schemas.TargetState;
import io.switchboard.schemas.wire.AvroSerde;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history store, through the real topology in a TopologyTestDriver. */
class HistoryTopologyTest {
    private static final Topics TOPICS = Topics.DEFAULT;
    private static final String MASK = "****";
    private static final Map<String, String> CONFIG = Map.of(
            "connector.class", "FileStreamSource", "file", "/tmp/in.txt", "topic", "lines", "name", "orders",
            "db.password", "hunter2");

    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private CommandInput commands;
    private Announced decisions;
    private TestOutputTopic<String, LifecycleEvent> lifecycle;
    private KeyValueStore<String, ConnectorHistory> history;
    private int sequence;

    private AvroSerde<ConnectorHistory> serdes() {
        return fixture.historySerde;
    }

    private void start(int maxEntries) {
        fixture = TopologyFixture.withHistory((key, value) -> key.contains("password") ? MASK : value, maxEntries);
        driver = fixture.driver;
        commands = fixture.commands();
        decisions = fixture.decisions();
        lifecycle = fixture.lifecycle();
        history = driver.getKeyValueStore(StoreNames.HISTORY);
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    private Outcome send(String name, Object action) {
        ConnectorCommand command = ConnectorCommand.newBuilder()
                .setCommandId("cmd-" + (++sequence))
                .setCluster("default")
                .setConnector(name)
                .setRequestId("req-" + sequence)
                .setPrincipal("alice")
                .setIssuedAt(1_000L * sequence)
                .setAction(action)
                .build();
        commands.pipeInput("default/" + name, command);
        List<CommandDecision> out = decisions.readValuesToList();
        assertEquals(1, out.size());
        return out.get(0).getOutcome();
    }

    /** A connector's whole history, as every reader gets it. */
    private ConnectorHistory stored(String key) {
        return HistoryLayout.read(history, key);
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @Test
    void everyAcceptedChangeIsAnEntryAndHistorySurvivesDeleteAndRecreate() {
        start(HistoryRecording.DEFAULT_MAX_ENTRIES);
        assertEquals(Outcome.CREATED, send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null)));
        assertEquals(Outcome.CONFLICT, send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null)));
        Map<String, String> v2 = with(CONFIG, "topic", "lines-v2");
        v2.put("tasks.max", "2");
        v2.remove("file");
        assertEquals(Outcome.UPDATED, send("orders", new PutConnectorConfig(v2)));
        assertEquals(Outcome.UNCHANGED, send("orders", new PutConnectorConfig(v2)));
        assertEquals(Outcome.UPDATED, send("orders", new PatchConnectorConfig(Map.of("db.password", "swordfish"), null)));
        assertEquals(Outcome.UPDATED, send("orders", new ChangeTargetState(TargetState.PAUSED)));
        assertEquals(Outcome.UNCHANGED, send("orders", new ChangeTargetState(TargetState.PAUSED)));
        assertEquals(Outcome.UPDATED, send("orders", new RestartConnector(true, false, null)));
        assertEquals(Outcome.DELETED, send("orders", new DeleteConnector()));
        assertEquals(Outcome.CREATED, send("orders", new PutConnectorConfig(CONFIG)));

        ConnectorHistory stored = stored("default/orders");
        assertNotNull(stored, "the history is kept under the connector's key");
        List<HistoryEntry> entries = stored.getEntries();
        assertEquals(List.of("ConnectorCreated", "ConnectorConfigChanged", "ConnectorConfigChanged", "TargetStateChanged",
                        "RestartRequested", "ConnectorDeleted", "ConnectorCreated"),
                entries.stream().map(HistoryEntry::getKind).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 1L), entries.stream().map(HistoryEntry::getVersion).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), entries.stream().map(HistoryEntry::getSequence).toList());
        assertEquals(List.of("cmd-1", "cmd-3", "cmd-5", "cmd-6", "cmd-8", "cmd-9", "cmd-10"),
                entries.stream().map(HistoryEntry::getCommandId).toList(), "refused and no-op commands leave no entry");
        assertEquals("req-3", entries.get(1).getRequestId());
        assertEquals("alice", entries.get(1).getPrincipal());
        assertEquals(3_000L, entries.get(1).getOccurredAt());

        HistoryEntry changed = entries.get(1);
        assertEquals(List.of("tasks.max"), changed.getAdded());
        assertEquals(List.of("file"), changed.getRemoved());
        assertEquals(List.of("topic"), changed.getChanged());
        assertEquals(Map.of("tasks.max", "2", "topic", "lines-v2"), changed.getValues(), "only what changed is stored");
        assertEquals(List.of("db.password"), entries.get(2).getChanged(), "a secret's change is seen though its value is masked");
        assertFalse(stored.toString().contains("hunter2"), stored.toString());
        assertFalse(stored.toString().contains("swordfish"), stored.toString());

        List<HistoryReplay.Step> steps = HistoryReplay.replay(stored);
        Map<String, String> maskedV2 = new TreeMap<>(with(v2, "db.password", MASK));
        assertEquals(maskedV2, steps.get(1).configAfter());
        assertEquals(TargetState.RUNNING, steps.get(2).targetStateAfter());
        assertEquals(TargetState.PAUSED, steps.get(3).targetStateAfter());
        assertEquals(TargetState.RUNNING, steps.get(3).targetStateBefore());
        assertEquals(maskedV2, steps.get(4).configAfter(), "a restart changes no config");
        assertEquals(true, steps.get(4).entry().getRestart().getIncludeTasks());
        assertNull(steps.get(5).configAfter(), "deleted");
        assertNull(steps.get(5).targetStateAfter());
        assertEquals(List.copyOf(maskedV2.keySet()), steps.get(5).entry().getRemoved());
        assertNull(steps.get(6).configBefore(), "re-created from nothing");
        assertEquals(new TreeMap<>(with(CONFIG, "db.password", MASK)), steps.get(6).configAfter());
        assertEquals(7, lifecycle.readValuesToList().size(), "the lifecycle topic is written as before");
    }

    @Test
    void theOldestEntriesAreFoldedIntoTheBase() {
        start(3);
        send("orders", new CreateConnector(CONFIG, TargetState.PAUSED, null));
        for (int i = 1; i <= 4; i++) {
            send("orders", new PatchConnectorConfig(Map.of("tasks.max", String.valueOf(i)), null));
        }
        ConnectorHistory stored = stored("default/orders");
        assertEquals(3, stored.getEntries().size());
        assertEquals(2, stored.getFolded());
        assertEquals(List.of(3L, 4L, 5L), stored.getEntries().stream().map(HistoryEntry::getSequence).toList());
        assertEquals("1", stored.getBaseConfig().get("tasks.max"));
        assertEquals(TargetState.PAUSED, stored.getBaseTargetState());
        List<HistoryReplay.Step> steps = HistoryReplay.replay(stored);
        Map<String, String> last = new TreeMap<>(with(with(CONFIG, "db.password", MASK), "tasks.max", "4"));
        assertEquals(last, steps.get(2).configAfter());
        assertEquals(TargetState.PAUSED, steps.get(2).targetStateAfter());
    }

    /** With every older entry folded into the base, each new entry still knows the connector as it was. */
    @Test
    void eachEntryKnowsTheConnectorFromTheLastEntryOrTheBase() {
        start(1);
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        send("orders", new ChangeTargetState(TargetState.PAUSED));
        send("orders", new RestartConnector(false, false, null));
        HistoryEntry restart = stored("default/orders").getEntries().get(0);
        assertEquals("RestartRequested", restart.getKind());
        assertEquals(TargetState.PAUSED, restart.getTargetState(), "the target state of the entry before it");
        assertEquals(Map.of(), restart.getValues(), "the config is known from the base");

        send("orders", new DeleteConnector());
        ConnectorHistory stored = stored("default/orders");
        HistoryEntry deleted = stored.getEntries().get(0);
        assertEquals("ConnectorDeleted", deleted.getKind());
        assertEquals(List.copyOf(new TreeMap<>(with(CONFIG, "db.password", MASK)).keySet()), deleted.getRemoved(),
                "a delete lists every key of the config the base and the entries before it make");
        assertEquals(new TreeMap<>(with(CONFIG, "db.password", MASK)), stored.getBaseConfig(), "the config before the delete");

        send("orders", new CreateConnector(with(CONFIG, "topic", "again"), TargetState.STOPPED, null));
        assertNull(stored("default/orders").getBaseConfig(), "nothing before the re-create");
        HistoryEntry created = stored("default/orders").getEntries().get(0);
        assertEquals(new TreeMap<>(with(with(CONFIG, "db.password", MASK), "topic", "again")), created.getValues());
        send("orders", new PatchConnectorConfig(Map.of("tasks.max", "3"), null));
        HistoryEntry patched = stored("default/orders").getEntries().get(0);
        assertEquals(Map.of("tasks.max", "3"), patched.getValues(), "only the change: the connector is known to exist");
        assertEquals(TargetState.STOPPED, patched.getTargetState());
        assertEquals(6, stored("default/orders").getFolded() + 1, "six changes, five folded");
    }

    /** Every record of the store fits in one changelog record, however large the configs. */
    @Test
    void largeValuesAreShortenedSoEachRecordFits() {
        start(HistoryRecording.DEFAULT_MAX_ENTRIES);
        // As large as resource-bounds lets a value be (64 KiB): far over what the history keeps of one.
        String padding = "x".repeat(60_000);
        send("orders", new CreateConnector(with(CONFIG, "padding", padding), TargetState.RUNNING, null));
        send("orders", new PatchConnectorConfig(Map.of("padding", "y".repeat(60_000)), null));
        ConnectorHistory stored = stored("default/orders");
        assertEquals(2, stored.getEntries().size());
        String first = stored.getEntries().get(0).getValues().get("padding");
        String second = stored.getEntries().get(1).getValues().get("padding");
        assertTrue(first.startsWith("<60000 characters, sha-256 "), first);
        assertTrue(HistoryValues.isShortened(first), first);
        assertFalse(HistoryValues.isShortened("<1 characters, a value of its own>"));
        assertFalse(first.equals(second), "different long values look different");
        assertEquals(List.of("padding"), stored.getEntries().get(1).getChanged());

        Map<String, String> wide = new HashMap<>(CONFIG);
        for (int i = 0; i < 400; i++) {
            wide.put("key." + i, String.valueOf(i).repeat(1000 / String.valueOf(i).length()));
        }
        send("orders", new PutConnectorConfig(wide));
        send("orders", new DeleteConnector());
        send("orders", new CreateConnector(wide, TargetState.PAUSED, null));
        try (var records = history.all()) {
            records.forEachRemaining(record -> {
                assertTrue(HistoryProcessor.size(record.value) <= HistoryProcessor.MAX_CHARS, record.key);
                assertTrue(serdes().serializer().serialize("t", record.value).length < 1_000_000, record.key);
            });
        }
        stored = stored("default/orders");
        assertEquals(5, stored.getFolded() + stored.getEntries().size(), "every change is counted");
        HistoryEntry last = stored.getEntries().get(stored.getEntries().size() - 1);
        assertEquals("ConnectorCreated", last.getKind());
        assertEquals(wide.size(), HistoryReplay.replay(stored).get(stored.getEntries().size() - 1).configAfter().size(),
                "every key is still there");
    }

    @Test
    void otherConnectorsKeepTheirOwnHistory() {
        start(HistoryRecording.DEFAULT_MAX_ENTRIES);
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        send("billing", new CreateConnector(with(CONFIG, "name", "billing"), TargetState.STOPPED, null));
        send("orders-2", new CreateConnector(with(CONFIG, "name", "orders-2"), TargetState.PAUSED, null));
        send("orders-2", new ChangeTargetState(TargetState.RUNNING));
        assertEquals(1, stored("default/orders").getEntries().size());
        assertEquals(TargetState.STOPPED, stored("default/billing").getEntries().get(0).getTargetState());
        assertNull(stored("default/never"));
    }

    /**
     * A change writes one record to the history's changelog, of the same size, whether the history
     * has one entry or a thousand (it was the whole history, rewritten, before).
     */
    @Test
    void aChangeWritesOneRecordWhateverTheHistorysLength() {
        start(HistoryRecording.DEFAULT_MAX_ENTRIES);
        TestOutputTopic<String, byte[]> changelog = driver.createOutputTopic(TOPICS.applicationId() + "-history-changelog",
                new StringDeserializer(), new ByteArrayDeserializer());
        send("short", new CreateConnector(with(CONFIG, "name", "short"), TargetState.RUNNING, null));
        send("long", new CreateConnector(with(CONFIG, "name", "long"), TargetState.RUNNING, null));
        for (int i = 0; i < 999; i++) {
            send("long", new ChangeTargetState(i % 2 == 0 ? TargetState.PAUSED : TargetState.RUNNING));
        }
        assertEquals(1000, stored("default/long").getEntries().size());
        changelog.readRecordsToList();

        send("short", new ChangeTargetState(TargetState.PAUSED));
        List<TestRecord<String, byte[]>> shortPause = changelog.readRecordsToList();
        send("long", new ChangeTargetState(TargetState.RUNNING)); // the last of the loop paused it
        List<TestRecord<String, byte[]>> longPause = changelog.readRecordsToList();
        assertEquals(1, shortPause.size());
        assertEquals(1, longPause.size());
        int shortBytes = shortPause.get(0).value().length;
        int longBytes = longPause.get(0).value().length;
        assertTrue(longBytes <= shortBytes + 8, "a change of a long history wrote " + longBytes + " bytes, of a short one " + shortBytes);
        assertEquals(1001, stored("default/long").getEntries().size());
        assertEquals(1001L, stored("default/long").getEntries().get(1000).getSequence());
    }

    /** Past its limit a history folds a tenth of the limit at once, not one entry a change. */
    @Test
    void aHistoryPastItsLimitFoldsATenthAtOnce() {
        start(20);
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        for (int i = 1; i <= 19; i++) {
            send("orders", new PatchConnectorConfig(Map.of("tasks.max", String.valueOf(i)), null));
        }
        assertEquals(0, stored("default/orders").getFolded());
        send("orders", new PatchConnectorConfig(Map.of("tasks.max", "20"), null));
        ConnectorHistory folded = stored("default/orders");
        assertEquals(3, folded.getFolded(), "21 entries, limit 20: down to 18");
        assertEquals(18, folded.getEntries().size());
        assertEquals("2", folded.getBaseConfig().get("tasks.max"));
        send("orders", new PatchConnectorConfig(Map.of("tasks.max", "21"), null));
        assertEquals(3, stored("default/orders").getFolded(), "no fold until the limit is passed again");
        assertEquals(new TreeMap<>(with(with(CONFIG, "db.password", MASK), "tasks.max", "21")),
                HistoryReplay.replay(stored("default/orders")).get(18).configAfter());
        long records = 0;
        try (var all = history.all()) {
            while (all.hasNext()) {
                all.next();
                records++;
            }
        }
        assertEquals(1 + 19, records, "the head and one record per entry kept");
    }

    /** Histories kept whole in one record (the layout before) are split soon after start, and read the same meanwhile. */
    @Test
    void historiesKeptInOneRecordAreSplitOnStart() {
        start(HistoryRecording.DEFAULT_MAX_ENTRIES);
        send("orders", new CreateConnector(CONFIG, TargetState.RUNNING, null));
        send("orders", new ChangeTargetState(TargetState.PAUSED));
        send("billing", new CreateConnector(with(CONFIG, "name", "billing"), TargetState.RUNNING, null));
        ConnectorHistory orders = stored("default/orders");
        ConnectorHistory billing = stored("default/billing");
        // Written back as the layout before kept them: every entry in the connector's own record,
        // one with a base from folded entries.
        history.delete(HistoryLayout.entryKey("default/orders", 1));
        history.delete(HistoryLayout.entryKey("default/orders", 2));
        history.delete(HistoryLayout.entryKey("default/billing", 1));
        history.put("default/orders", orders);
        ConnectorHistory oldBilling = ConnectorHistory.newBuilder(billing).setFolded(4)
                .setBaseConfig(Map.of("connector.class", "FileStreamSource")).setBaseTargetState(TargetState.STOPPED)
                .setEntries(List.of(HistoryEntry.newBuilder(billing.getEntries().get(0)).setSequence(5).build())).build();
        history.put("default/billing", oldBilling);
        assertEquals(orders, stored("default/orders"), "read the same before the split");
        assertEquals(oldBilling, stored("default/billing"));

        // A change to a history not yet split splits it first.
        send("orders", new ChangeTargetState(TargetState.RUNNING));
        assertEquals(List.of(1L, 2L, 3L), stored("default/orders").getEntries().stream().map(HistoryEntry::getSequence).toList());
        assertNull(history.get("default/orders"), "no head: nothing was folded");

        assertNull(history.get(HistoryLayout.SPLIT_MARKER));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertNotNull(history.get(HistoryLayout.SPLIT_MARKER), "the store is marked as split");
        assertEquals(oldBilling, stored("default/billing"), "read the same after");
        assertEquals(List.of(), history.get("default/billing").getEntries(), "the head keeps the base only");
        assertEquals(4, history.get("default/billing").getFolded());
        assertNotNull(history.get(HistoryLayout.entryKey("default/billing", 5)));
        send("billing", new ChangeTargetState(TargetState.PAUSED));
        assertEquals(List.of(5L, 6L), stored("default/billing").getEntries().stream().map(HistoryEntry::getSequence).toList());
    }
}
