package io.switchboard.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority of the test's own, made with the JDK's keytool: its certificate as a PEM
 * file (a truststore for the clients), and a server keystore (PKCS12) whose certificate it signed
 * for 127.0.0.1 and localhost. No JDK trusts it by default, so a client that does not load the PEM
 * file fails the TLS handshake (PKIX).
 *
 * @param caPem          the CA's certificate, PEM
 * @param serverKeystore the server's key and its chain (server, CA), PKCS12
 * @param password       the keystore's and its key's password
 */
public record PrivateCa(Path caPem, Path serverKeystore, String password) {

    /** Makes the CA and a server certificate it signed, in {@code dir}. */
    public static PrivateCa create(Path dir) {
        String password = "changeit";
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        Path server = dir.resolve("server.p12");
        Path request = dir.resolve("server.csr");
        Path signed = dir.resolve("server.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Switchboard Test CA",
                "-ext", "bc:c", "-validity", "2", "-storetype", "PKCS12", "-keystore", ca.toString(),
                "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password, "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", server.toString(), "-storepass", password, "-keypass", password);
        keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", password, "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", password, "-infile", request.toString(),
                "-outfile", signed.toString(), "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "KU=digitalSignature,keyEncipherment",
                "-ext", "EKU=serverAuth", "-validity", "2");
        // The chain: the CA first, so that the signed certificate can replace the self-signed one.
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", server.toString(), "-storepass", password,
                "-file", caPem.toString());
        keytool("-importcert", "-alias", "server", "-keystore", server.toString(), "-storepass", password,
                "-keypass", password, "-file", signed.toString());
        return new PrivateCa(caPem, server, password);
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
