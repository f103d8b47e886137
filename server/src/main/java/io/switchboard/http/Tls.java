package io.switchboard.http;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * HTTPS: the API served from a keystore (PKCS12 or JKS, TLS 1.2 and 1.3 only, Jetty's defaults for
 * ciphers), and the trust Switchboard's own HTTP clients use for other replicas and workers.
 */
public record Tls(Path keystore, String password) {

    /** The HTTPS connector for the API's host and port; there is then no plain HTTP listener. */
    public ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        if (isPem(keystore)) {
            ssl.setKeyStore(pemKeyStore(keystore));
            ssl.setKeyStorePassword("");
        } else {
            ssl.setKeyStorePath(keystore.toAbsolutePath().toString());
            ssl.setKeyStorePassword(password);
        }
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        // Clients reach a replica by whatever name or address routes to it; the certificate is checked by them, not by us.
        ssl.setSniRequired(false);
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        https.addCustomizer(secure);
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), RequestLines.connectionFactory(https));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    /** An SSL context trusting the certificates in a truststore, a keystore, or a PEM file. */
    public static SSLContext trusting(Path store, String password) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys;
            if (isPem(store)) {
                keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(Files.readString(store))) {
                    keys.setCertificateEntry("cert-" + i++, cert);
                }
            } else {
                keys = KeyStore.getInstance(KeyStore.getDefaultType());
                keys.load(in, password == null ? null : password.toCharArray());
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the truststore " + store + ": " + e.getMessage(), e);
        }
    }

    /** A PEM file: the private key (PKCS#8, RSA or EC) and the certificate chain, as web servers keep them. */
    static boolean isPem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(64), StandardCharsets.US_ASCII).contains("-----BEGIN");
        } catch (IOException e) {
            return false;
        }
    }

    private static KeyStore pemKeyStore(Path pem) {
        try {
            String text = Files.readString(pem);
            Matcher key = Pattern.compile(
                    "-----BEGIN PRIVATE KEY-----([^-]+)-----END PRIVATE KEY-----").matcher(text);
            if (!key.find()) {
                throw new IllegalArgumentException(pem + " has no PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
            }
            byte[] der = Base64.getMimeDecoder().decode(key.group(1));
            PrivateKey privateKey;
            try {
                privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notRsa) {
                privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            }
            List<Certificate> chain = certificates(text);
            if (chain.isEmpty()) {
                throw new IllegalArgumentException(pem + " has no certificate");
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("switchboard", privateKey, new char[0], chain.toArray(new Certificate[0]));
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot read the PEM file " + pem + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(String pem) throws GeneralSecurityException {
        List<Certificate> certs = new ArrayList<>();
        Matcher m = Pattern.compile(
                "-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----").matcher(pem);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        while (m.find()) {
            certs.add(factory.generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII))));
        }
        return certs;
    }
}
