package io.switchboard.processor;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorPolicy;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.LifecycleEvent;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.wire.AvroSerde;
import io.switchboard.schemas.wire.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Serde;

/** The Avro serdes of the topology's topics and stores. */
public record TopologySerdes(Serde<ConnectorCommand> commands, Serde<ConnectorState> states,
                             Serde<CommandDecision> decisions, Serde<LifecycleEvent> events,
                             Serde<ConnectorObservation> observations, Serde<SetState> sets,
                             Serde<ConnectorPolicy> policies, Serde<RolloutState> rollouts) {

    /** The Avro serdes of every record type, each schema registered and looked up in the registry. */
    public static TopologySerdes avro(SchemaRegistryClient registry) {
        return new TopologySerdes(
                new AvroSerde<>(registry, ConnectorCommand.class, false),
                new AvroSerde<>(registry, ConnectorState.class, false),
                new AvroSerde<>(registry, CommandDecision.class, false),
                new AvroSerde<>(registry, LifecycleEvent.class, false),
                new AvroSerde<>(registry, ConnectorObservation.class, false),
                new AvroSerde<>(registry, SetState.class, false),
                new AvroSerde<>(registry, ConnectorPolicy.class, false),
                new AvroSerde<>(registry, RolloutState.class, false));
    }
}
