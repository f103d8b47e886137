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
    void whatTheConsumerSkippedAfterTheLastCommandItReturnedCountsOnceThatCommandIsProcessed() {
        CommandProgress progress = new CommandProgress();
        // A poll returns the commands at 4 and 5, and the consumer reads 7 next: 6 is a commit marker.
        progress.polled(2, 5, 7);
        progress.processed(2, 4);
        assertEquals(5, progress.next(2), "the command at 5 is not processed yet");
        progress.processed(2, 5);
        assertEquals(7, progress.next(2), "the marker at 6 is no command to wait for");

        // A poll that returns no command of the partition, only moves past markers (or aborted records).
        progress.polled(2, CommandProgress.NONE_RETURNED, 9);
        assertEquals(9, progress.next(2));

        // Commands returned and not processed yet hold the mark where it is, whatever the consumer skips after them.
        progress.polled(2, 12, 14);
        progress.polled(2, CommandProgress.NONE_RETURNED, 16);
        assertEquals(9, progress.next(2));
        progress.processed(2, 11);
        assertEquals(12, progress.next(2));
        progress.processed(2, 12);
        assertEquals(16, progress.next(2));
    }

    @Test
    void aTaskOpenedAgainIsNotMovedByWhatItsConsumerReturnedBefore() {
        CommandProgress progress = new CommandProgress();
        progress.polled(1, 20, 22);
        progress.processed(1, 20);
        assertEquals(22, progress.next(1));
        progress.released(1);

        // Opened again from the group's committed offset 15; its consumer's first poll after the seek
        // returns no command of the partition (a marker at 15), so the last command returned is still 20.
        progress.polled(1, CommandProgress.NONE_RETURNED, 16);
        assertEquals(0, progress.next(1), "no mark until this task processes a command");
        progress.polled(1, 18, 19);
        progress.processed(1, 17);
        assertEquals(18, progress.next(1));
        progress.processed(1, 18);
        assertEquals(19, progress.next(1));
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
