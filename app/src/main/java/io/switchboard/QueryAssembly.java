package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.auth.InternalRequests;
import io.switchboard.auth.ReplicaKeys;
import io.switchboard.kafkaio.Topics;
import io.switchboard.processor.TopologySerdes;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.query.ObservationWatcher;
import io.switchboard.query.PolicyQueries;
import io.switchboard.query.RemoteStores;
import io.switchboard.query.ReplicaRouter;
import io.switchboard.query.SessionTimers;

import java.time.Clock;
import java.time.Duration;

/**
 * The query side of a replica: the reads of the command processor's stores, on this replica or,
 * signed as replicas sign what they ask each other, on the one that holds a key's partition; the
 * wait for what the data plane reports; and the policies' reads. Owns the reads, which stop with
 * the processor (after the HTTP server and the data plane that read through them), and the wait,
 * which stops with the HTTP server.
 */
final class QueryAssembly {
    /** How long a read waits for some replica to hold a usable copy of its data (a partition moving after a replica's
     * death) before it is answered 503 with Retry-After. */
    static final Duration READ_WAIT = Duration.ofSeconds(10);

    private final SwitchboardOptions options;
    private final Topics topics;
    private final KafkaAssembly kafka;
    private final CommandAssembly command;
    private final ReplicaAddress address;
    private final ShutdownOrder.Part owned;
    private InternalRequests internalRequests;
    private RemoteStores remoteStores;
    private ConnectorQueries queries;
    private ObservationWatcher watcher;
    private PolicyQueries policies;

    QueryAssembly(SwitchboardOptions options, Topics topics, KafkaAssembly kafka, CommandAssembly command, ReplicaAddress address,
                  ShutdownOrder.Part owned) {
        this.options = options;
        this.topics = topics;
        this.kafka = kafka;
        this.command = command;
        this.address = address;
        this.owned = owned;
    }

    /**
     * Starts the reads, once the command processor has started: a copy answers what a connector is
     * only when it holds the decision of every command that was in its partition when the read arrived.
     */
    QueryAssembly start() {
        ReplicaKeys keys = command.replicaKeys();
        internalRequests = new InternalRequests(keys::signingKey, keys::acceptedKeys, address.hostAndPort(), Clock.systemUTC());
        TopologySerdes serdes = command.serdes();
        remoteStores = new RemoteStores(Duration.ofSeconds(5), internalRequests::sign, options.security().replicaTrust());
        ConnectorQueries queries = new ConnectorQueries(command.streams(),
                new ReplicaRouter(command.streams(), address.hostInfo()), remoteStores, serdes.states(), serdes.observations(),
                command.histories(), command.commandPartitions(), READ_WAIT, ConnectorQueries.MAX_WAITING_READS,
                // The lease and the pause fence follow the processor's own group session.
                SessionTimers.of(command.processorSettings())).keepsTimelines(command.timelines(), serdes.sets()).keepsRollouts(serdes.rollouts());
        queries.checkCoverage(command.decisions().progress(), kafka.admin(), topics.commands(), topics.applicationId());
        // Its threads stop with the processor's stage, after the HTTP server and the data plane that read through it.
        this.queries = owned.add(Stage.PROCESSOR, queries);
        watcher = owned.add(Stage.HTTP, new ObservationWatcher(
                queries::statusNow, options.commandTimeout(), Duration.ofMillis(100)));
        policies = new PolicyQueries(command.streams());
        return this;
    }

    /** How this replica signs, and tells apart, the requests replicas make of each other. */
    InternalRequests internalRequests() {
        return internalRequests;
    }

    /** The reads of other replicas' copies of the stores. */
    RemoteStores remoteStores() {
        return remoteStores;
    }

    ConnectorQueries queries() {
        return queries;
    }

    /** The wait for what the data plane reports. */
    ObservationWatcher watcher() {
        return watcher;
    }

    PolicyQueries policies() {
        return policies;
    }
}
