package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.core.Scope;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.kafkaio.Topics;
import io.switchboard.metrics.Metrics;
import io.switchboard.metrics.SinkLagHistory;
import io.switchboard.processor.StoreNames;
import io.switchboard.processor.TopologySigning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a replica measures, for {@code /metrics}: the processor and its decisions, the records and
 * commands refused, the reads of other replicas' stores, the connectors and policy violations of
 * each attached Connect cluster, and, unless {@code --health-series false}, each connector's health
 * as its reader of the lifecycle topic follows it, and sinks' lag (each sink's recent readings kept
 * for the console). Owns the metrics and that reader; they stop with the processor.
 */
final class MetricsAssembly {
    private final SwitchboardOptions options;
    private final Topics topics;
    private final KafkaAssembly kafka;
    private final CommandAssembly command;
    private final QueryAssembly query;
    private final CoreAssembly core;
    private final ConnectClusters connectClusters;
    private final ShutdownOrder.Part owned;
    private SinkLagHistory lagHistory;
    private Metrics metrics;

    MetricsAssembly(SwitchboardOptions options, Topics topics, KafkaAssembly kafka, CommandAssembly command, QueryAssembly query,
                    CoreAssembly core, ConnectClusters connectClusters, ShutdownOrder.Part owned) {
        this.options = options;
        this.topics = topics;
        this.kafka = kafka;
        this.command = command;
        this.query = query;
        this.core = core;
        this.connectClusters = connectClusters;
        this.owned = owned;
    }

    /** Makes the metrics, and starts following the lifecycle topic's health when asked to. */
    MetricsAssembly start() {
        lagHistory = new SinkLagHistory(options.health().sinkLagEvery());
        metrics = owned.add(Stage.PROCESSOR, new Metrics(command.streams()));
        TopologySigning signing = command.signing();
        metrics.timeDecisions(command.gateway());
        metrics.countRefusedCommands(signing.refusedCommands());
        metrics.countRefusedRecords(signing.refusedRecords());
        metrics.watchWorkerPrincipal(kafka::workerMayWriteCommands);
        metrics.watch(command.decisions().reader().client());
        metrics.watchReplicaReads(query.remoteStores()::reads, List.of(StoreNames.CONNECTORS, StoreNames.STATUSES, StoreNames.HISTORY,
                StoreNames.TIMELINE, StoreNames.SETS, StoreNames.ROLLOUTS));
        if (options.health().follow()) {
            owned.add(Stage.PROCESSOR, metrics.followHealth(kafka.bootstrapServers(), kafka.clients().common(), topics.lifecycle(),
                    command.serdes().events().deserializer(), kafka.admin(), options.health(), lagHistory,
                    DataPlaneAssembly.clustersOnSwitchboardKafka(options)));
        }
        metrics.countPolicyViolations(() -> perCluster(core.services().policies()::violationCounts));
        metrics.countConnectors(() -> perCluster(core.connectors()::describeAll));
        return this;
    }

    Metrics metrics() {
        return metrics;
    }

    /** Each sink's recent lag readings, kept by the health's reader and drawn by the console. */
    SinkLagHistory lagHistory() {
        return lagHistory;
    }

    /** What {@code each} answers of every attached Connect cluster, by cluster. */
    private <T> Map<String, T> perCluster(Function<Scope, T> each) {
        Map<String, T> all = new LinkedHashMap<>();
        connectClusters.names().forEach(cluster -> all.put(cluster, each.apply(new Scope(cluster))));
        return all;
    }
}
