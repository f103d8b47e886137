package io.switchboard.core;

/**
 * What every dialect is built on: the connector service, what only the workers know, the Connect
 * clusters, the id of the Kafka cluster Switchboard keeps its state in, and connector sets
 * (connectors as code), the user policies, and plugin version rollouts.
 */
public record CoreServices(ConnectorService connectors, NamedSecrets secrets, ClusterFacts facts, ClusterDirectory clusters,
                           String kafkaClusterId, ConnectorSets sets, Policies policies, Rollouts rollouts) {
}
