package io.switchboard.commands;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.switchboard.kafkaio.CommandRecords;
import io.switchboard.kafkaio.KafkaClients;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.core.CommandBus;
import io.switchboard.core.CommandNotSentException;
import io.switchboard.core.DecisionTimeoutException;
import io.switchboard.core.RequestContext;
import io.switchboard.core.ServiceException;
import io.switchboard.processor.CommandAdmission;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.ControlPlane;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Turns a request into a command on the command topic and waits for the processor's decision.
 * The command is keyed by connector so one partition orders everything done to a connector; the
 * producer is idempotent with acks=all, so a command that was acknowledged is in Kafka for good.
 * Each command is signed as only replicas can ({@link CommandSignatures}), stamped with the time it is sent and
 * in the partition its key names ({@link CommandRecords}): the processor decides no other, and no copy of it.
 */
public final class CommandGateway implements CommandBus, AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<ConnectorCommand> serializer;
    private final RecordSignatures signatures;
    private final DecisionListener decisions;
    private final String topic;
    private final int partitions;
    private final Duration timeout;
    private final ControlPlane controlPlane;
    private final Clock clock;
    /**
     * Completes the answers of commands acknowledged by Kafka, so that answering a client (the
     * rest of the request's handling, writing the response) never runs on the producer's one I/O
     * thread, where it would hold up sending and acknowledging every other command. At most
     * {@link #ACKS_WAITING} answers wait for its two threads; past that, or once it is shut down,
     * an answer is completed on the producer's thread itself.
     */
    private final ExecutorService acknowledgers = new ThreadPoolExecutor(2, 2,
            0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(ACKS_WAITING), r -> {
        Thread thread = new Thread(r, "switchboard-command-acks");
        thread.setDaemon(true);
        return thread;
    });
    static final int ACKS_WAITING = 10_000;
    private volatile BiConsumer<Long, String> decided = (nanos, outcome) -> { };
    /** Null while tracing is off: then nothing of it runs. */
    private volatile CommandSpans spans;

    /** Traces each command's send and answer in its request's trace ({@link CommandSpans}); off until called. */
    public CommandGateway traced(OpenTelemetry openTelemetry) {
        this.spans = new CommandSpans(openTelemetry);
        return this;
    }

    /** Told, for every command, how long its decision took (nanoseconds) and its outcome (or "failed"). */
    public void onDecided(BiConsumer<Long, String> listener) {
        this.decided = listener;
    }

    /**
     * @param kafkaSettings settings every Kafka client gets (security, for one), under Switchboard's own
     * @param controlPlane  the deployment's control plane, which the processor behind the topic decides for
     * @param signatures    the replicas' signatures of commands ({@link CommandSignatures})
     * @param partitions    the command topic's partitions
     */
    public CommandGateway(String bootstrapServers, Map<String, String> kafkaSettings, String topic, ControlPlane controlPlane,
                          Serializer<ConnectorCommand> serializer, RecordSignatures signatures, int partitions, DecisionListener decisions,
                          Duration timeout, Clock clock) {
        this.controlPlane = controlPlane;
        this.producer = new KafkaClients(bootstrapServers, kafkaSettings).producer(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000), new ByteArraySerializer(), new ByteArraySerializer());
        this.serializer = serializer;
        this.signatures = signatures;
        this.decisions = decisions;
        this.topic = topic;
        this.partitions = partitions;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public ControlPlane controlPlane() {
        return controlPlane;
    }

    /** A command for one connector, stamped with a fresh id and the time it was accepted. */
    @Override
    public ConnectorCommand.Builder command(ConnectorKey key, Object action, RequestContext request) {
        return ConnectorCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setCluster(key.cluster())
                .setConnector(key.name())
                .setRequestId(request.requestId())
                .setPrincipal(request.principal())
                .setIdempotencyKey(request.idempotencyKey())
                .setPipeline(request.pipeline())
                .setIssuedAt(clock.millis())
                .setAction(action);
    }

    /**
     * Sends the command and completes with its decision. Fails with {@link CommandNotSentException}
     * when Kafka did not take the command, and with {@link DecisionTimeoutException} when it did but no
     * decision arrived in time (the command will still be applied).
     */
    @Override
    public CompletableFuture<CommandDecision> submit(ConnectorCommand command) {
        long started = System.nanoTime();
        CompletableFuture<CommandDecision> decision = decisions.expect(command.getCommandId());
        RecordHeaders headers = new RecordHeaders();
        // In the request's trace when tracing is on: the record carries the send's context to the processor.
        CommandSpans traced = spans;
        Span send = traced == null ? null : traced.send(command, topic, headers);
        long issuedAt = clock.millis();
        try {
            producer.send(signed(command, headers, issuedAt),
                    (metadata, error) -> {
                        if (send != null) {
                            CommandSpans.sent(send, error);
                        }
                        if (error != null) {
                            acknowledge(() -> decision.completeExceptionally(new CommandNotSentException(command, error)));
                        } else if (metadata.hasTimestamp() && !CommandAdmission.appendedInTime(issuedAt, metadata.timestamp())) {
                            // The processor refuses it as stale, by the same rule: nothing will be applied, and waiting says nothing.
                            acknowledge(() -> decision.completeExceptionally(clockOff(issuedAt, metadata.timestamp())));
                        }
                    });
        } catch (RuntimeException e) {
            if (send != null) {
                CommandSpans.sent(send, e);
            }
            decision.completeExceptionally(new CommandNotSentException(command, e));
        }
        CompletableFuture<CommandDecision> answer = decision
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                // Recorded before the caller goes on with the decision, so that the answer never
                // comes before its latency shows in the metrics.
                .whenComplete((d, e) -> decided.accept(System.nanoTime() - started, d == null ? "failed" : d.getOutcome().name()))
                .exceptionallyCompose(wrapped -> {
                    // Past whenComplete, the failure comes wrapped.
                    Throwable error = wrapped instanceof CompletionException && wrapped.getCause() != null
                            ? wrapped.getCause() : wrapped;
                    return CompletableFuture.failedFuture(
                            error instanceof TimeoutException ? new DecisionTimeoutException(command, timeout) : error);
                });
        return send == null ? answer : traced.answered(send, answer);
    }

    /**
     * Sends the command and completes once Kafka has it for good (acks=all, idempotent), without
     * waiting for its decision: for commands whose answer the caller already knows. The command is
     * still decided exactly once, like any other. Fails with {@link CommandNotSentException} when
     * Kafka did not take it.
     */
    @Override
    public CompletableFuture<Void> submitDurably(ConnectorCommand command) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            long issuedAt = clock.millis();
            producer.send(signed(command, new RecordHeaders(), issuedAt),
                    (metadata, error) -> acknowledge(() -> {
                        if (error != null) {
                            written.completeExceptionally(new CommandNotSentException(command, error));
                        } else if (metadata.hasTimestamp() && !CommandAdmission.appendedInTime(issuedAt, metadata.timestamp())) {
                            written.completeExceptionally(clockOff(issuedAt, metadata.timestamp()));
                        } else {
                            written.complete(null);
                        }
                    }));
        } catch (RuntimeException e) {
            written.completeExceptionally(new CommandNotSentException(command, e));
        }
        return written;
    }

    /** The decision listener's future of the command, timed out after {@code timeout}; done, it is no longer followed. */
    @Override
    public CompletableFuture<CommandDecision> decisionOf(String commandId, Duration timeout) {
        return decisions.expect(commandId).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The command's record, serialized here rather than by the producer (on the same thread, once)
     * so that its signature covers the bytes sent, stamped with the time it is sent, in its key's partition.
     */
    private ProducerRecord<byte[], byte[]> signed(ConnectorCommand command, RecordHeaders headers, long issuedAt) {
        byte[] key = (command.getCluster() + ConnectorKey.SEPARATOR + command.getConnector()).getBytes(StandardCharsets.UTF_8);
        byte[] value = serializer.serialize(topic, headers, command);
        CommandRecords.stampAndSign(signatures, topic, key, value, headers, issuedAt);
        return new ProducerRecord<>(topic, CommandRecords.partition(key, partitions), key, value, headers);
    }

    /** Seconds a client is told to wait before it retries a request this replica could not serve. */
    private static final int RETRY_AFTER_SECONDS = 1;

    /** The answer when Kafka appended a command outside the window around its issue time: this replica's clock is off. */
    private static ServiceException.Unavailable clockOff(long issuedAt, long appendedAt) {
        long seconds = Math.abs(appendedAt - issuedAt) / 1000;
        return new ServiceException.Unavailable("This replica's clock is about " + seconds + " s " + (issuedAt > appendedAt ? "ahead of" : "behind")
                + " Kafka's: commands issued by it are refused as stale, so nothing was applied. Set its clock right (NTP), or send the"
                + " request to another replica", RETRY_AFTER_SECONDS);
    }

    private void acknowledge(Runnable answer) {
        try {
            acknowledgers.execute(answer);
        } catch (RejectedExecutionException fullOrClosing) {
            answer.run();
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        acknowledgers.shutdown();
    }
}
