package io.switchboard;

import io.switchboard.ShutdownOrder.Stage;
import io.switchboard.commands.CommandGateway;
import io.switchboard.core.ClusterFacts;
import io.switchboard.core.ConnectorConfigValidator;
import io.switchboard.core.ConnectorCore;
import io.switchboard.core.ConnectorPlugins;
import io.switchboard.core.ConnectorSecrets;
import io.switchboard.core.ConnectorSets;
import io.switchboard.core.CoreServices;
import io.switchboard.core.NamedSecrets;
import io.switchboard.core.Policies;
import io.switchboard.core.Rollouts;
import io.switchboard.dataplane.ConnectClusters;
import io.switchboard.kafkaio.Topics;
import io.switchboard.pipelines.ConnectionCheck;
import io.switchboard.pipelines.Pipelines;
import io.switchboard.pipelines.SnapshotProgressFeed;
import io.switchboard.query.ConnectorQueries;
import io.switchboard.query.PolicyQueries;

import java.time.Clock;

/**
 * The connector service over the command and query sides ({@link CoreServices}: connectors, named
 * secrets, sets, policies, rollouts, what is known of each Connect cluster), and the pipelines over
 * it. Owns the pipelines' feed of snapshot progress, which stops with the processor.
 */
final class CoreAssembly {
    private final SwitchboardOptions options;
    private final Topics topics;
    private final KafkaAssembly kafka;
    private final CommandAssembly command;
    private final QueryAssembly query;
    private final ConnectClusters connectClusters;
    private final ShutdownOrder.Part owned;
    private ConnectorSecrets secrets;
    private ConnectorCore connectors;
    private CoreServices services;
    private Pipelines pipelines;

    CoreAssembly(SwitchboardOptions options, Topics topics, KafkaAssembly kafka, CommandAssembly command, QueryAssembly query,
                 ConnectClusters connectClusters, ShutdownOrder.Part owned) {
        this.options = options;
        this.topics = topics;
        this.kafka = kafka;
        this.command = command;
        this.query = query;
        this.connectClusters = connectClusters;
        this.owned = owned;
    }

    /** Makes the service, with the connector plugins found and the secrets' sealing and keys, and starts the pipelines' feed. */
    CoreAssembly start(ConnectorPlugins plugins, ConnectorSecrets secrets) {
        this.secrets = secrets;
        CommandGateway gateway = command.gateway();
        ConnectorQueries queries = query.queries();
        NamedSecrets namedSecrets = new NamedSecrets(command.secretStore(), queries, Clock.systemUTC(), options.secretBounds());
        ConnectorConfigValidator validator = new ConnectorConfigValidator(plugins, connectClusters::client, secrets.keys());
        connectors = new ConnectorCore(gateway, queries, plugins, validator, query.watcher(), secrets, namedSecrets,
                connectClusters);
        PolicyQueries policyQueries = query.policies();
        ClusterFacts facts = new ClusterFacts(connectClusters, connectors, secrets, validator, gateway::controlPlane, Clock.systemUTC());
        services = new CoreServices(connectors, namedSecrets, facts, connectClusters, kafka.clusterId(),
                new ConnectorSets(gateway, queries, validator, secrets, namedSecrets, connectClusters, connectors.preflight(), policyQueries),
                new Policies(gateway, policyQueries, queries), new Rollouts(gateway, queries, facts::installed, connectors.preflight()));
        pipelines = new Pipelines(connectors, queries, secrets, new ConnectionCheck(), SwitchboardApp.DEFAULT_CLUSTER, Clock.systemUTC(),
                owned.add(Stage.PROCESSOR, new SnapshotProgressFeed(kafka.bootstrapServers(), kafka.clients().common(),
                        topics.pipelineNotifications()).start())::of,
                topics.pipelineNotifications());
        return this;
    }

    /** What is secret in a config, and how sealed values are opened. */
    ConnectorSecrets secrets() {
        return secrets;
    }

    ConnectorCore connectors() {
        return connectors;
    }

    CoreServices services() {
        return services;
    }

    Pipelines pipelines() {
        return pipelines;
    }
}
