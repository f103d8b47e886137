package io.switchboard.pipelines;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.ConnectorStore;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorHistory;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ConnectorTimeline;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lease holder's periodic scans of the pipelines (the scheduler's beat, the phase watcher's
 * round) list no connector while the decisions it is told keep its index of pipelines current: with
 * no pipeline, a beat costs nothing; a pipeline created (on any replica) or deleted is followed
 * from its decision; a lease taken, and the safety net's interval, list the store again.
 */
class PipelineScansTest {
    private static final String CLUSTER = "default";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MemoryStore store = new MemoryStore();
    private final MovableClock clock = new MovableClock();
    private final Pipelines pipelines = new Pipelines(null, store, null, null, CLUSTER, clock, prefix -> Optional.empty(), "notifications");
    private final PipelineScheduler scheduler = new PipelineScheduler(pipelines, () -> true, clock);
    private final PipelinePhaseWatcher phases = new PipelinePhaseWatcher(pipelines, () -> true);

    private void beats(int count) {
        for (int i = 0; i < count; i++) {
            scheduler.tick();
            phases.round();
            clock.advance(Duration.ofSeconds(2));
        }
    }

    @Test
    void beatsWithNoPipelineListNoConnectorAfterTheFirst() {
        for (int i = 0; i < 1000; i++) {
            store.put(state("plain-" + i, Map.of("connector.class", "FileStreamSource")));
        }
        beats(20);
        assertEquals(1, store.listings.get(), "20 beats over 40 s: one listing, the first");
        assertEquals(0, store.reads.get(), "no pipeline, nothing read");
    }

    @Test
    void aPipelineCreatedOnAnyReplicaIsSeenFromItsDecisionAndOneDeletedIsNoLongerLookedAt() {
        beats(1);
        int listed = store.listings.get();
        ConnectorState source = createPipeline("p1");
        beats(1);
        assertEquals(List.of("p1"), pipelines.ids());
        assertTrue(store.readsOf(PipelineCompiler.sourceName("p1")) > 0, "the beat looked at the new pipeline");
        assertEquals(listed, store.listings.get(), "without listing the store");

        store.remove(source.getName());
        pipelines.decided(decision(Outcome.DELETED, source.getName(), null));
        int reads = store.reads.get();
        beats(3);
        assertEquals(List.of(), pipelines.ids());
        assertEquals(reads, store.reads.get(), "a pipeline deleted is not looked at");
        assertEquals(listed, store.listings.get());
    }

    @Test
    void aLeaseTakenAndTheSafetyNetListTheStoreAgain() {
        beats(1);
        // Created while this replica did not hold the lease: it was told no decision.
        createPipelineUntold("p2");
        beats(1);
        assertEquals(List.of(), pipelines.ids(), "not told, not listed again yet");
        pipelines.leaseChanged();
        beats(1);
        assertEquals(List.of("p2"), pipelines.ids(), "a lease taken starts from a full listing");
        assertEquals(2, store.listings.get());

        createPipelineUntold("p3");
        clock.advance(PipelineIndex.RELIST_EVERY);
        beats(1);
        assertEquals(List.of("p2", "p3"), pipelines.ids(), "the safety net's listing finds what no decision told");
        assertEquals(3, store.listings.get());
    }

    @Test
    void aDecisionToldJustBeforeAListingIsKeptThoughTheStoreDoesNotShowItYet() {
        // Told (decisions are told before their transaction commits), not in the store yet when listed.
        ConnectorState source = pipelineStates("p4")[0];
        pipelines.decided(decision(Outcome.CREATED, source.getName(), source));
        assertEquals(List.of("p4"), pipelines.ids());
        assertEquals(1, store.listings.get());
    }

    private ConnectorState createPipeline(String id) {
        ConnectorState source = createPipelineUntold(id);
        pipelines.decided(decision(Outcome.CREATED, source.getName(), source));
        return source;
    }

    private ConnectorState createPipelineUntold(String id) {
        ConnectorState[] both = pipelineStates(id);
        store.put(both[1]);
        store.put(both[0]);
        return both[0];
    }

    /** A disabled pipeline's source and sink as the pipeline service stores them: the scans touch no database for it. */
    private static ConnectorState[] pipelineStates(String id) {
        ObjectNode body = JSON.createObjectNode().put("disabled", true);
        for (String side : List.of("source", "sink")) {
            body.putObject(side).putObject("postgres").putObject("connection")
                    .put("host", "db.example").put("user", "repl").put("database", "app").put("password", "pw");
        }
        ((ObjectNode) body.get("source").get("postgres")).putObject("replication_type").putObject("logical_replication");
        PipelineCompiler.Compiled compiled = PipelineCompiler.compile(PipelineSpec.parse(id, body, null), "run-1", 0, "notifications");
        return new ConnectorState[] {state(compiled.sourceName(), compiled.source()), state(compiled.sinkName(), compiled.sink())};
    }

    private static ConnectorState state(String name, Map<String, String> config) {
        return ConnectorState.newBuilder().setCluster(CLUSTER).setName(name).setConfig(new TreeMap<>(config))
                .setTargetState(TargetState.STOPPED).setVersion(1).setCreatedAt(0).setUpdatedAt(0).setLastCommandId("c").build();
    }

    private static CommandDecision decision(Outcome outcome, String connector, ConnectorState state) {
        return CommandDecision.newBuilder().setCommandId("c").setCluster(CLUSTER).setConnector(connector).setOutcome(outcome)
                .setState(state).build();
    }

    /** The store as a map, counting its full listings and its reads of one connector. */
    private static final class MemoryStore implements ConnectorStore {
        private final Map<String, ConnectorState> states = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> readsByName = new ConcurrentHashMap<>();
        final AtomicInteger listings = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();

        void put(ConnectorState state) {
            states.put(state.getName(), state);
        }

        void remove(String name) {
            states.remove(name);
        }

        int readsOf(String name) {
            return readsByName.getOrDefault(name, new AtomicInteger()).get();
        }

        @Override
        public Optional<ConnectorState> connector(ConnectorKey key) {
            reads.incrementAndGet();
            readsByName.computeIfAbsent(key.name(), n -> new AtomicInteger()).incrementAndGet();
            return Optional.ofNullable(states.get(key.name()));
        }

        @Override
        public List<ConnectorState> connectors(String cluster) {
            listings.incrementAndGet();
            return new TreeMap<>(states).values().stream().toList();
        }

        @Override
        public List<String> names(String cluster) {
            listings.incrementAndGet();
            return new TreeMap<>(states).keySet().stream().toList();
        }

        @Override
        public AtHand atHand() {
            return key -> Optional.empty();
        }

        @Override
        public Optional<ConnectorObservation> status(ConnectorKey key) {
            return Optional.empty();
        }

        @Override
        public Map<String, ConnectorObservation> statuses(String cluster) {
            return Map.of();
        }

        @Override
        public Optional<ConnectorHistory> history(ConnectorKey key) {
            return Optional.empty();
        }

        @Override
        public Optional<SetState> set(ConnectorKey key) {
            return Optional.empty();
        }

        @Override
        public Optional<ConnectorTimeline> timeline(ConnectorKey key) {
            return Optional.empty();
        }
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
