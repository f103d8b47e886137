package io.switchboard.pipelines;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A pipeline's failure in plain words, and a database's refusal in its own words rather than a guess. */
class FailureReasonsTest {
    @Test
    void aDatabaseRefusalIsReportedAsTheDatabaseWordedIt() {
        String trace = """
                org.apache.kafka.connect.errors.ConnectException: An exception occurred in the change event producer.
                \tat io.debezium.pipeline.ErrorHandler.setProducerThrowable(ErrorHandler.java:67)
                Caused by: io.debezium.DebeziumException: Creation of replication slot failed
                \tat io.debezium.connector.postgresql.PostgresConnectorTask.start(PostgresConnectorTask.java:150)
                Caused by: org.postgresql.util.PSQLException: ERROR: must be superuser to create FOR ALL TABLES publication
                \tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2733)
                """;
        assertEquals("the database refused: ERROR: must be superuser to create FOR ALL TABLES publication", FailureReasons.of(trace));
        assertEquals("the database refused: ERROR: permission denied for table customers (SQLSTATE 42501)",
                FailureReasons.of("io.debezium.DebeziumException: snapshot failed\nCaused by: org.postgresql.util.PSQLException:"
                        + " ERROR: permission denied for table customers\n  SQLSTATE: 42501"));
    }

    @Test
    void theCausesPeopleMeetAreNamedPlainly() {
        assertEquals("authentication refused: the user name or password is wrong",
                FailureReasons.of("org.postgresql.util.PSQLException: FATAL: password authentication failed for user \"repl\""));
        assertEquals("wal_level is not logical: PostgreSQL must run with wal_level=logical for logical replication",
                FailureReasons.of("org.postgresql.util.PSQLException: ERROR: logical decoding requires wal_level >= logical"));
        assertEquals("something else entirely", FailureReasons.of("java.lang.IllegalStateException: something else entirely"));
    }

    @Test
    void otherwiseTheRootCauseSaysWhatHappenedNotHowTheWorkerGaveUp() {
        String trace = """
                org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.
                	at org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:636)
                Caused by: org.apache.kafka.connect.errors.ConnectException: JDBC sink connector failure
                	at io.debezium.connector.jdbc.JdbcSinkConnectorTask.put(JdbcSinkConnectorTask.java:121)
                Caused by: java.sql.SQLException: Cannot ALTER table 'sales.orders' because field 'product' is not optional but has no default value
                	at io.debezium.connector.jdbc.JdbcChangeEventSink.alterTableIfNeeded(JdbcChangeEventSink.java:300)
                """;
        assertEquals("Cannot ALTER table 'sales.orders' because field 'product' is not optional but has no default value",
                FailureReasons.of(trace));
    }

    /** A part's Kafka clients are the worker's: Kafka refusing them names the worker's setting, never a database password. */
    @Test
    void kafkaRefusingTheWorkersPrincipalNamesItsSetting() {
        String denied = FailureReasons.of("""
                org.apache.kafka.connect.errors.ConnectException: Unrecoverable exception from producer send callback
                \tat org.apache.kafka.connect.runtime.WorkerSourceTask.maybeThrowProducerSendException(WorkerSourceTask.java:312)
                Caused by: org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [switchboard.pipeline-notifications]
                """);
        assertEquals("Kafka's ACLs refuse the Connect worker's principal: Not authorized to access topics: [switchboard.pipeline-notifications];"
                + " grant it the ACLs docs/security.md lists, or give the worker the principal they are for with"
                + " --worker-kafka-config FILE or --worker-kafka-property KEY=VALUE", denied);
        String unauthenticated = FailureReasons.of("org.apache.kafka.connect.errors.ConnectException: failed\n"
                + "Caused by: org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed: Invalid username or password");
        assertEquals("Kafka refused to authenticate the Connect worker: Authentication failed: Invalid username or password;"
                + " give it its credentials with --worker-kafka-config FILE or --worker-kafka-property KEY=VALUE", unauthenticated);
    }
}
