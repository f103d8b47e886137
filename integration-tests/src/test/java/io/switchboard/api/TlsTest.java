package io.switchboard.api;

import io.switchboard.testing.Await;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.TestReplicas;
import io.switchboard.SwitchboardApp;
import io.switchboard.SwitchboardOptions;
import io.switchboard.http.Tls;
import io.switchboard.secrets.Keyring;
import io.switchboard.testing.Http;
import io.switchboard.testing.Keytool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS: two replicas serving the API from one keystore (made by the JDK's keytool), and reading
 * each other's stores over HTTPS; plain HTTP and clients that do not trust the certificate get nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private static final String PASSWORD = "changeit";
    /** The replicas' topics on the JVM's broker: nothing here stops, fills or scans it. */
    private final String prefix = SharedKafka.newPrefix();
    private Path dir;
    private SwitchboardApp first;
    private SwitchboardApp second;
    private HttpClient trusting;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-tls");
        Path keystore = dir.resolve("api.p12");
        Keytool.run("-genkeypair", "-alias", "switchboard", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        Keyring.loadOrCreate(dir.resolve("shared-secrets.key"));
        String[] tls = {"--tls-keystore", keystore.toString(), "--tls-keystore-password", PASSWORD};
        first = SwitchboardApp.start(options("a", tls));
        second = SwitchboardApp.start(OptionsBuilder.from(options("b", tls)).schemaRegistryUrl(first.schemaRegistryUrl()).build());
        SSLContext trust = Tls.trusting(keystore, PASSWORD);
        trusting = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** @param tlsFlags the flags that serve HTTPS */
    private SwitchboardOptions options(String name, String... tlsFlags) {
        return SharedKafka.broker().replica(TestReplicas.defaults().port(0).schemaRegistryPort(0).dataDir(dir.resolve(name))
                .topicPrefix(prefix).embeddedWorker(false)
                .secretsKeyFile(dir.resolve("shared-secrets.key")).flags(tlsFlags).build());
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {second, first}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        SharedKafka.deleteTopics(prefix);
        SwitchboardFixture.deleteQuietly(dir);
    }

    private HttpResponse<String> send(HttpClient client, String url, String method, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The key and certificate as a PEM file, as web servers keep them, serve HTTPS too. */
    @Test
    void aPemFileServesHttps() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("api.p12"))) {
            keys.load(in, PASSWORD.toCharArray());
        }
        Base64.Encoder mime = Base64.getMimeEncoder(64, "\n".getBytes());
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + mime.encodeToString(keys.getKey("switchboard", PASSWORD.toCharArray()).getEncoded()) + "\n-----END PRIVATE KEY-----\n"
                + "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(keys.getCertificate("switchboard").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        Path file = Files.writeString(dir.resolve("api.pem"), pem);
        try (SwitchboardApp third = SwitchboardApp.start(OptionsBuilder.from(options("c", "--tls-keystore", file.toString()))
                .schemaRegistryUrl(first.schemaRegistryUrl()).build())) {
            assertEquals(200, send(trusting, third.url() + "/", "GET", null).statusCode());
        }
    }

    @Test
    void theApiIsServedOverHttpsOnlyAndReplicasReadEachOtherOverIt() throws Exception {
        assertTrue(first.url().startsWith("https://"), first.url());
        assertEquals(200, send(trusting, first.url() + "/", "GET", null).statusCode());
        for (int i = 0; i < 12; i++) {
            String body = Http.json(Map.of("name", "tls-" + i, "config",
                    Map.of("connector.class", "FileStreamSource", "file", "/tmp/switchboard-test-files/tls-" + i, "topic", "t")));
            assertEquals(201, send(trusting, first.url() + "/connectors", "POST", body).statusCode());
        }
        // A list through the second replica gathers every partition, most of them from the first replica.
        String list = Await.atMost(Duration.ofSeconds(60)).until("a 200 list through the second replica with tls-11", () -> {
            HttpResponse<String> answer = send(trusting, second.url() + "/connectors", "GET", null);
            return answer.statusCode() + " " + answer.body();
        }, answer -> answer.startsWith("200 ") && answer.contains("tls-11"));
        for (int i = 0; i < 12; i++) {
            assertTrue(list.contains("\"tls-" + i + "\""), list);
        }

        HttpClient plainTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(SSLHandshakeException.class, () -> send(plainTrust, first.url() + "/", "GET", null),
                "a client that does not trust the certificate gets nothing");
        String plain = first.url().replace("https://", "http://");
        try {
            HttpResponse<String> answer = send(plainTrust, plain + "/connectors", "GET", null);
            assertTrue(answer.statusCode() >= 400, "plain HTTP is not served: " + answer.statusCode());
        } catch (IOException expected) {
            // The TLS listener drops a plain HTTP request: nothing is served.
        }
    }
}
