package io.switchboard.core;

/**
 * What every dialect is built on: the connector service, what only the workers know, the Connect
 * clusters, the id of the Kafka cluster Switchboard keeps its state in, and connector sets
 * (connectors as code), and the user policies.
 */
public record CoreServices(ConnectorService connectors, NamedSecrets secrets, ClusterFacts facts, ClusterDirectory clusters,
                           String kafkaClusterId, ConnectorSets sets, Policies policies) {
}
