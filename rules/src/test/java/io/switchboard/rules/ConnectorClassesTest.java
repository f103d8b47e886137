package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PolicyAction;
import io.switchboard.schemas.PolicySpec;
import io.switchboard.schemas.PolicyValidation;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A policy matches and sees the class the worker loads, whichever name Kafka Connect accepts for it. */
class ConnectorClassesTest {
    private static Decision create(UserPolicies policies, String name, String connectorClass) {
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("cmd-" + name).setCluster("default").setConnector(name)
                .setPrincipal("erin").setIssuedAt(5L).setAction(new CreateConnector(Map.of("connector.class", connectorClass,
                        "connection.url", "jdbc:postgresql://127.0.0.1:1/x", "topics", "t", "file", "/dev/null", "topic", "t"),
                        TargetState.RUNNING, null)).build();
        return CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, policies, null, null, command);
    }

    private static UserPolicies deny(List<String> classes, String expression) {
        return new UserPolicies(List.of(UserPoliciesTest.policy("p", 1, PolicySpec.newBuilder().setAction(PolicyAction.DENY)
                .setMatchClasses(classes).setValidations(List.of(new PolicyValidation(expression, "refused"))).build())));
    }

    @Test
    void classGlobsMatchTheAliasesConnectAccepts() {
        UserPolicies noJdbc = deny(List.of("*JdbcSinkConnector"), "false");
        for (String alias : List.of("JdbcSink", "JdbcSinkConnector", "io.debezium.connector.jdbc.JdbcSinkConnector", " JdbcSink")) {
            assertEquals(Outcome.REJECTED, create(noJdbc, "j1", alias).outcome(), alias);
        }
        UserPolicies noFiles = deny(List.of("org.apache.kafka.connect.file.*"), "false");
        assertEquals(Outcome.REJECTED, create(noFiles, "f1", "FileStreamSource").outcome());
        assertEquals(Outcome.REJECTED, create(noFiles, "f2", "FileStreamSinkConnector").outcome());
        // An alias of a plugin the replica does not bundle: a glob's last segment is tried on its simple names.
        assertEquals(Outcome.REJECTED, create(deny(List.of("io.acme.*SinkConnector"), "false"), "a1", "AcmeSink").outcome());
    }

    @Test
    void expressionsSeeTheClassTheWorkerLoads() {
        UserPolicies debeziumOnly = deny(List.of(), "connector.class == 'io.debezium.connector.postgresql.PostgresConnector'");
        assertEquals(Outcome.REJECTED, create(debeziumOnly, "x", "FileStreamSource").outcome());
        assertEquals("org.apache.kafka.connect.file.FileStreamSourceConnector", ConnectorClasses.canonical("FileStreamSource"));
        assertEquals("io.debezium.connector.jdbc.JdbcSinkConnector", ConnectorClasses.canonical("JdbcSink"));
        assertEquals("Unknown", ConnectorClasses.canonical("Unknown"));
        // An alias naming two plugins names none (Connect refuses it too).
        assertEquals("JdbcSink", ConnectorClasses.canonical("JdbcSink", List.of("a.JdbcSinkConnector", "b.JdbcSinkConnector")));
        assertNull(PolicyExpressions.breach("connector.class == 'io.debezium.connector.jdbc.JdbcSinkConnector'",
                new PolicyExpressions.Subject("default", "j", Map.of("connector.class", "JdbcSink"), Map.of()), null, null));
    }
}
