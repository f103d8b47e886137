package io.switchboard.processor;

import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How far a replica's processor has decided a partition is what lets its owner say "no such
 * connector": that mark must not outlive the task whose copy holds those decisions, since a task
 * closed without committing is restored without them and decides them again.
 */
class CommandProgressTest {

    @Test
    void aMarkCountsOnlyWhileTheTaskThatMadeItIsOpen() {
        CommandProgress progress = new CommandProgress();
        progress.processed(3, 41);
        CommandProgress.Mark taken = progress.mark(3);
        assertEquals(42, progress.stillHeld(3, taken));

        progress.released(3);
        assertEquals(0, progress.stillHeld(3, taken), "the task closed after the mark was taken");
        assertEquals(0, progress.next(3));

        // The partition's next task decides the same command again: a mark from before still does not count.
        progress.processed(3, 41);
        assertEquals(0, progress.stillHeld(3, taken));
        assertEquals(42, progress.stillHeld(3, progress.mark(3)));
    }

    @Test
    void aMarkTakenBeforeACommandIsProcessedDoesNotCoverIt() {
        CommandProgress progress = new CommandProgress();
        progress.processed(0, 6);
        CommandProgress.Mark before = progress.mark(0);
        progress.processed(0, 7);
        assertEquals(7, progress.stillHeld(0, before), "the copy read after this mark may lack the command at 7");
        assertEquals(8, progress.next(0));
    }

    @Test
    void theTopologyReleasesItsPartitionsWhenItsTasksClose() {
        CommandProgress progress = new CommandProgress();
        DecisionObserver listener = new DecisionObserver() {
            @Override
            public void decided(CommandDecision decision) {
            }

            @Override
            public void processed(int partition, long offset) {
                progress.processed(partition, offset);
            }

            @Override
            public void released(int partition) {
                progress.released(partition);
            }
        };
        TopologyFixture fixture = TopologyFixture.observedBy(listener);
        fixture.commands().pipeInput("default/one", ConnectorCommand.newBuilder()
                .setCommandId("c-1").setCluster("default").setConnector("one").setIssuedAt(1L)
                .setAction(new CreateConnector(Map.of("connector.class", "FileStreamSource"), TargetState.RUNNING, null))
                .build());
        assertEquals(1, progress.next(0));
        CommandProgress.Mark taken = progress.mark(0);

        fixture.close();
        assertEquals(0, progress.stillHeld(0, taken));
    }
}
