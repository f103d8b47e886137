package io.switchboard.commands;

import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.TopicReader;
import io.switchboard.kafkaio.TopicRecord;
import io.switchboard.processor.AnnouncedDecisions;
import io.switchboard.processor.CommandProcessor;
import io.switchboard.processor.CommandProgress;
import io.switchboard.processor.DecisionObserver;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads every partition of the decisions topic, and of the connectors store's changelog, and
 * completes the future of each command this replica is waiting for. An accepted change to a
 * connector is announced by its next state's changelog record, which names its command; every
 * other decision by a decision record ({@link AnnouncedDecisions}). One consumer reads both, and acts
 * only on what a replica's processor signed, once ({@link DecisionChecks}).
 * It reads uncommitted records: a decision is visible as soon as the processor has
 * made it, before its transaction commits. That is safe because decisions are deterministic: if the
 * transaction aborts, the command is decided again, the same way, from the same state.
 * Decisions made by this replica's own processor arrive sooner, through {@link #decided}.
 */
public final class DecisionListener implements AutoCloseable, DecisionObserver {
    /** How far this replica's processor has decided each command partition (see {@link CommandProgress}). */
    private final CommandProgress progress = new CommandProgress();
    private static final Logger log = LoggerFactory.getLogger(DecisionListener.class);
    /** How long the start may take to fix the reader's positions at the topic's end. */
    private static final Duration POSITIONED_WITHIN = Duration.ofSeconds(30);

    private final Map<String, CompletableFuture<CommandDecision>> waiting = new ConcurrentHashMap<>();
    private final Map<String, Long> waitingSince = new ConcurrentHashMap<>();
    private final TopicReader<byte[], byte[]> reader;

    /** The reader, for its consumer's client metrics (records-lag and the like). */
    public TopicReader<byte[], byte[]> reader() {
        return reader;
    }
    private final Deserializer<CommandDecision> deserializer;
    private final String topic;
    /** How the connectors changelog's values read; null: decision records only. */
    private final Deserializer<ConnectorState> states;
    /** Which records are acted on: only what a replica's processor signed, once. */
    private final DecisionChecks checks;
    /** Completes futures for the stream thread, so answering a client never runs on it. */
    private final ExecutorService responders = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "switchboard-decision-responder");
        t.setDaemon(true);
        return t;
    });
    /** Whether anyone here wants every decision now, and who: see {@link #alsoTell}. */
    private volatile BooleanSupplier everyWanted = () -> false;
    private volatile Consumer<CommandDecision> every = decision -> { };

    /**
     * @param kafkaSettings settings every Kafka client gets (security, for one), under Switchboard's own
     * @param changelog     the connectors store's changelog, whose records announce accepted changes; it must exist
     * @param states        its values' deserializer
     * @param checks        which records of both are acted on ({@link DecisionChecks})
     */
    public DecisionListener(String bootstrapServers, Map<String, String> kafkaSettings, String topic,
                            Deserializer<CommandDecision> deserializer, String changelog, Deserializer<ConnectorState> states,
                            DecisionChecks checks) {
        this.deserializer = deserializer;
        this.topic = topic;
        this.states = states;
        this.checks = checks;
        String id = "switchboard-decisions-" + Long.toHexString(System.nanoTime());
        var builder = TopicReader.of(new KafkaClients(bootstrapServers, kafkaSettings), topic,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer());
        if (changelog != null) {
            builder.alsoTopic(changelog);
        }
        reader = builder
                .settings(Map.of(
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                        ConsumerConfig.CLIENT_ID_CONFIG, id))
                .from(TopicReader.From.END)
                .pollFor(Duration.ofMillis(200))
                .threadName("switchboard-decision-listener")
                .onRecords(this::read)
                .onFailure(TopicReader.OnFailure.RETRY, Duration.ofMillis(500),
                        e -> log.warn("Reading decisions failed; retrying: {}", e.toString()))
                .build()
                .start();
        // The start positions are fixed now, before any command is sent, so no decision can be missed.
        boolean positioned;
        try {
            positioned = reader.awaitPositioned(POSITIONED_WITHIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            positioned = false;
        } catch (RuntimeException e) {
            reader.close();
            responders.shutdownNow();
            throw e;
        }
        if (!positioned) {
            reader.close();
            responders.shutdownNow();
            throw new IllegalStateException("Cannot read the decisions topic " + topic + " from its end within "
                    + POSITIONED_WITHIN.toSeconds() + " s");
        }
    }

    /** Registers interest in a command's decision; call before the command is sent. */
    public CompletableFuture<CommandDecision> expect(String commandId) {
        CompletableFuture<CommandDecision> future = new CompletableFuture<>();
        waitingSince.put(commandId, System.nanoTime());
        waiting.put(commandId, future);
        future.whenComplete((decision, error) -> {
            waiting.remove(commandId);
            waitingSince.remove(commandId);
        });
        return future;
    }

    /** How long the oldest command still waiting for its decision has waited, in milliseconds. */
    public long oldestWaitMillis() {
        long now = System.nanoTime();
        return waitingSince.values().stream().mapToLong(since -> (now - since) / 1_000_000).max().orElse(0);
    }

    /** A command this replica's own processor has processed, on its stream thread. */
    @Override
    public void processed(int partition, long offset) {
        progress.processed(partition, offset);
    }

    /** This replica's task for a command partition closed, on its stream thread. */
    @Override
    public void released(int partition) {
        progress.released(partition);
    }

    /** How far this replica's own processor has decided each command partition. */
    public CommandProgress progress() {
        return progress;
    }

    /** A decision made by this replica's own processor, on its stream thread. */
    @Override
    public void decided(CommandDecision decision) {
        if (waiting.containsKey(decision.getCommandId())) {
            responders.execute(() -> complete(decision));
        }
    }

    private void complete(CommandDecision decision) {
        CompletableFuture<CommandDecision> future = waiting.get(decision.getCommandId());
        if (future != null) {
            future.complete(decision);
        }
    }

    /**
     * Also tells {@code listener} of every decision read from the topic (whichever replica made it)
     * while {@code wanted} says so: the data plane, which reconciles each decided change at once on
     * the replica holding its cluster's lease. One consumer of the decisions topic per replica
     * serves both. Called on the listener's thread; it must return quickly.
     */
    public void alsoTell(BooleanSupplier wanted, Consumer<CommandDecision> listener) {
        this.every = listener;
        this.everyWanted = wanted;
    }

    /** Only decisions some request here waits for are decoded; the header names the command. */
    private boolean isAwaited(TopicRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(CommandProcessor.COMMAND_ID_HEADER);
        return header == null || waiting.containsKey(new String(header.value(), StandardCharsets.UTF_8));
    }

    private void read(List<TopicRecord<byte[], byte[]>> records) {
        if (records.isEmpty()) {
            return;
        }
        // Decisions are decoded for every listener only while someone here wants them all; the
        // changelog's records, which name their command only inside the state, while anyone waits.
        boolean all = everyWanted.getAsBoolean();
        Consumer<CommandDecision> everyone = every;
        for (TopicRecord<byte[], byte[]> record : records) {
            CommandDecision decision = null;
            if (!record.topic().equals(topic)) {
                // A delete is announced by a decision record; its tombstone says nothing more. Every state is
                // read, so that a copy of an earlier one is known as such whoever waits.
                if (record.value() != null) {
                    ConnectorState state = checks.state(record, states);
                    decision = state == null || !(all || !waiting.isEmpty()) ? null : AnnouncedDecisions.fromState(state);
                }
            } else if ((all || isAwaited(record)) && checks.decision(record)) {
                decision = deserializer.deserialize(topic, record.headers(), record.value());
            }
            if (decision != null) {
                complete(decision);
                if (all) {
                    everyone.accept(decision);
                }
            }
        }
    }

    @Override
    public void close() {
        responders.shutdownNow();
        reader.close();
    }
}
