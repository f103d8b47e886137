package io.switchboard.processor;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.LifecycleEvent;
import org.apache.kafka.common.serialization.Serde;

/** The Avro serdes of the topology's topics and store. */
public record TopologySerdes(Serde<ConnectorCommand> commands, Serde<ConnectorState> states,
                             Serde<CommandDecision> decisions, Serde<LifecycleEvent> events,
                             Serde<ConnectorObservation> observations) {
}
