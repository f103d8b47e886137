package io.switchboard.processor;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorState;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The decisions a topology made, in the order it made them (as its {@link DecisionObserver} was
 * told), each checked, as it is read, to be announced on Kafka exactly as {@link AnnouncedDecisions}
 * says: an accepted change by its state's changelog record (read back with
 * {@link AnnouncedDecisions#fromState}, to the same outcome, connector and state), every other by a
 * decision record equal to it. A decision record nobody was told of fails the read.
 */
final class Announced {
    private final List<CommandDecision> observed;
    private final TestOutputTopic<String, CommandDecision> records;
    private final TestOutputTopic<String, ConnectorState> changelog;

    Announced(List<CommandDecision> observed, TestOutputTopic<String, CommandDecision> records,
              TestOutputTopic<String, ConnectorState> changelog) {
        this.observed = observed;
        this.records = records;
        this.changelog = changelog;
    }

    /** Every decision made since the last read, in order, each checked against what Kafka carries. */
    List<CommandDecision> readValuesToList() {
        List<CommandDecision> made;
        synchronized (observed) {
            made = new ArrayList<>(observed);
            observed.clear();
        }
        List<CommandDecision> written = records.readValuesToList();
        List<CommandDecision> fromStates = new ArrayList<>();
        for (TestRecord<String, ConnectorState> record : changelog.readRecordsToList()) {
            if (record.value() != null) {
                fromStates.add(AnnouncedDecisions.fromState(record.value()));
            }
        }
        for (CommandDecision decision : made) {
            if (AnnouncedDecisions.byState(decision)) {
                CommandDecision read = take(fromStates, decision.getCommandId());
                assertTrue(read != null, "an accepted change is announced by its state's changelog record: " + decision.getCommandId());
                assertEquals(decision.getOutcome(), read.getOutcome(), "outcome read back from the state");
                assertEquals(decision.getConnector(), read.getConnector());
                assertEquals(decision.getCluster(), read.getCluster());
                assertEquals(decision.getState(), read.getState());
                assertTrue(take(written, decision.getCommandId()) == null, "and by no decision record: " + decision.getCommandId());
            } else {
                CommandDecision read = take(written, decision.getCommandId());
                assertEquals(decision, read, "a decision not announced by a state is a decision record");
            }
        }
        if (!written.isEmpty()) {
            fail("decision records of no decision made: " + written);
        }
        return made;
    }

    CommandDecision readValue() {
        List<CommandDecision> made = readValuesToList();
        assertEquals(1, made.size(), "one decision: " + made);
        return made.get(0);
    }

    boolean isEmpty() {
        return readValuesToList().isEmpty();
    }

    private static CommandDecision take(List<CommandDecision> from, String commandId) {
        for (Iterator<CommandDecision> it = from.iterator(); it.hasNext(); ) {
            CommandDecision next = it.next();
            if (next.getCommandId().equals(commandId)) {
                it.remove();
                return next;
            }
        }
        return null;
    }
}
