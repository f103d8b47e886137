package io.switchboard.rules;

import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.TargetState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A JDBC driver property that reads the worker's files or deserializes is refused, in a URL or on its own, in any case. */
class JdbcDriverPropertiesTest {
    private static final String SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";

    private static ConnectorPolicies.Refusal refusal(String key, String value) {
        Map<String, String> config = new HashMap<>(Map.of("connector.class", SINK, "topics", "orders"));
        config.put(key, value);
        return ConnectorPolicies.refusal(ConnectorPoliciesTest.CONTROL_PLANE, config);
    }

    @Test
    void driverPropertiesThatReadFilesOrDeserializeAreRefused() {
        for (String url : List.of(
                "jdbc:mysql://attacker:3306/x?allowLoadLocalInfile=true",
                "jdbc:mysql://attacker:3306/x?ALLOWLOADLOCALINFILE=TRUE",
                "jdbc:mysql://attacker:3306/x?useSSL=false&allowUrlInLocalInfile=true",
                "jdbc:mysql://attacker:3306/x?autoDeserialize=true&queryInterceptors=com.mysql.cj.jdbc.interceptors.ServerStatusDiffInterceptor",
                "jdbc:mysql://attacker:3306/x?statementInterceptors=x",
                "jdbc:mysql://address=(host=attacker)(port=3306)(allowLoadLocalInfile=true)/x",
                "jdbc:mysql://attacker:3306/x?allow%4CoadLocalInfile=true",
                "jdbc:mariadb://attacker:3306/x?allowLocalInfile=true",
                "jdbc:postgresql://attacker/x?socketFactory=org.springframework.context.support.ClassPathXmlApplicationContext",
                "jdbc:postgresql://attacker/x?loggerFile=/tmp/x")) {
            ConnectorPolicies.Refusal refused = refusal("connection.url", url);
            assertTrue(refused != null && refused.policy().equals(JdbcDriverProperties.POLICY), url + ": " + refused);
        }
        ConnectorPolicies.Refusal separate = refusal("driver.allowLoadLocalInfile", "true");
        assertEquals("Connector config refused by policy jdbc-driver-properties: driver.allowLoadLocalInfile names the JDBC driver "
                + "property allowloadlocalinfile, which lets a database read the worker's files or run code on it", separate.message());
        assertTrue(refusal("hibernate.connection.AutoDeserialize", "true") != null);
        assertTrue(refusal("connection.properties", "autoDeserialize=true") != null);

        ConnectorCommand create = ConnectorCommand.newBuilder().setCommandId("c").setCluster("default").setConnector("j1")
                .setPrincipal("erin").setIssuedAt(1L).setAction(new CreateConnector(Map.of("connector.class", SINK, "topics", "t",
                        "connection.url", "jdbc:mysql://attacker:3306/x?allowLoadLocalInfile=true"), TargetState.RUNNING, null)).build();
        Decision decision = CommandDecider.decide(ConnectorPoliciesTest.CONTROL_PLANE, UserPolicies.NONE, null, null, create);
        assertEquals(Outcome.REJECTED, decision.outcome());
        assertEquals(DecisionReasons.REFUSED_BY_POLICY, decision.reason());
    }

    @Test
    void ordinaryUrlsAndPropertiesAreNot() {
        assertNull(refusal("connection.url", "jdbc:postgresql://db:5432/orders?sslmode=require&ApplicationName=sink"));
        assertNull(refusal("connection.url", "jdbc:mysql://db:3306/orders?useSSL=true&serverTimezone=UTC"));
        assertNull(refusal("database.hostname", "db"));
        assertTrue(PolicyDecider.BUILT_IN.contains(JdbcDriverProperties.POLICY));
    }
}
