package io.switchboard.processor;

import io.switchboard.kafkaio.RecordRefusals;
import io.switchboard.kafkaio.RecordSignatures;
import io.switchboard.schemas.SignedStates;

/**
 * What the command topology signs and verifies, and where it counts what it refuses.
 *
 * @param commands        the replicas' signatures of commands: only commands that verify are decided, and the
 *                        commands the processor writes back to the command topic are signed with them
 * @param states          signs every state the connectors store holds, as what acts on its changelog verifies
 * @param records         the replicas' signatures of the records of the decisions, policies, policy-versions and
 *                        observations topics: the processor signs what it writes to the first three, and takes only
 *                        observations and policies that verify
 * @param refusedRecords  counts the records of those topics that did not verify
 * @param refusedCommands counts the commands that were not decided (unsigned, misplaced, stale, decided before)
 */
public record TopologySigning(RecordSignatures commands, SignedStates states, RecordSignatures records,
                              RecordRefusals refusedRecords, CommandRefusals refusedCommands) {
}
