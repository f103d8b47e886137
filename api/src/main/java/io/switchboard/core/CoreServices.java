package io.switchboard.core;

/**
 * What every dialect is built on: the connector service, the Connect clusters, and the facts of the
 * Kafka cluster Switchboard keeps its state in.
 */
public record CoreServices(ConnectorService connectors, ClusterDirectory clusters, String kafkaClusterId) {
}
