package io.switchboard.kafka;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A secret's write that another replica's writer fenced is decided again, whichever way the
 * producer reports the fencing; only other failures answer that the topic cannot be written now.
 */
class KafkaSecretStoreFencingTest {
    @Test
    void fencingIsKnownAsItselfAndUnderTheErrorsItEndsIn() {
        assertTrue(KafkaSecretStore.fenced(new ProducerFencedException("fenced")));
        // A commit after a send that failed on the fencing: the producer's error state, over it.
        assertTrue(KafkaSecretStore.fenced(new KafkaException("Cannot execute transactional method because we are in an error state",
                new ProducerFencedException("fenced"))));
        assertTrue(KafkaSecretStore.fenced(new ExecutionException(new ProducerFencedException("fenced"))));
        // The coordinator aborted the transaction for the new writer before this one's commit arrived.
        assertTrue(KafkaSecretStore.fenced(new InvalidTxnStateException("COMPLETE_ABORT")));
        assertFalse(KafkaSecretStore.fenced(new TimeoutException("no broker")));
        assertFalse(KafkaSecretStore.fenced(new KafkaException("disk full")));
    }
}
