package io.switchboard.dataplane;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.switchboard.core.WorkerClient;
import io.switchboard.http.Tls;
import io.switchboard.testing.Keytool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker served over HTTPS with a certificate from a CA of the test's own (made with the JDK's
 * keytool): the worker client trusts it when given the truststore Switchboard is configured with
 * (--tls-truststore), and refuses it with the JVM's default trust.
 */
class HttpsWorkerTrustTest {
    private static final String PASSWORD = "changeit";
    private Path dir;
    private HttpsServer worker;
    private Path truststore;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-https-worker");
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("worker.p12");
        truststore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Test CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-genkeypair", "-alias", "worker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", server.toString());
        Path request = dir.resolve("worker.csr");
        Path signed = dir.resolve("worker.crt");
        Path caCert = dir.resolve("ca.crt");
        keytool("-certreq", "-alias", "worker", "-keystore", server.toString(), "-file", request.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(), "-outfile", signed.toString(),
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2");
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-file", caCert.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", server.toString(), "-file", caCert.toString());
        keytool("-importcert", "-alias", "worker", "-keystore", server.toString(), "-file", signed.toString());
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", truststore.toString(), "-file", caCert.toString());

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(server.toFile())) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        worker = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        worker.setHttpsConfigurator(new HttpsConfigurator(tls));
        worker.createContext("/connectors", exchange -> {
            byte[] answer = "{\"name\":\"x\",\"connector\":{\"state\":\"RUNNING\"},\"tasks\":[]}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        worker.start();
    }

    @AfterEach
    void stop() throws IOException {
        worker.stop(0);
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aWorkerBehindAPrivateCaIsTrustedThroughTheTruststoreGiven() {
        String url = "https://127.0.0.1:" + worker.getAddress().getPort();
        try (ConnectClusterClient client = new ConnectClusters(Optional.of(Tls.trusting(truststore, PASSWORD))).newClient(url)) {
            assertEquals("RUNNING", client.status("x").orElseThrow().path("connector").path("state").asText());
        }
        try (ConnectClusterClient client = new ConnectClusters(Optional.empty()).newClient(url)) {
            WorkerClient.ConnectCallException refused = assertThrows(WorkerClient.ConnectCallException.class,
                    () -> client.status("x"));
            assertTrue(refused.getMessage().contains("PKIX") || refused.getMessage().contains("certificat"), refused.getMessage());
        }
    }

    private static void keytool(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        if (all.contains("-genkeypair")) {
            all.addAll(List.of("-keypass", PASSWORD));
        }
        Keytool.run(all.toArray(String[]::new));
    }
}
