package io.switchboard;

import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

/**
 * Where this replica's API listens and how the other replicas reach it: the port (the one asked
 * for, else a free one, reserved before Kafka Streams starts, since it is the replica's address
 * there), its own URL (on the loopback when it listens on every address), and the URL it advertises.
 */
record ReplicaAddress(int port, String url, URI advertised) {

    /** The address {@code options} give, with a free port reserved when they name none. */
    static ReplicaAddress reserve(SwitchboardOptions options) {
        int port = options.port() != 0 ? options.port() : freePort();
        String scheme = options.security().tlsKeystore() == null ? "http" : "https";
        String url = scheme + "://" + loopbackIfWildcard(options.effectiveBindHost()) + ":" + port;
        return new ReplicaAddress(port, url, URI.create(options.advertisedUrl() != null ? options.advertisedUrl() : url));
    }

    /** The advertised address as Kafka Streams knows the replica: its host and port. */
    HostInfo hostInfo() {
        return new HostInfo(advertised.getHost(), advertised.getPort());
    }

    /** {@link #hostInfo} as {@code host:port}. */
    String hostAndPort() {
        return advertised.getHost() + ":" + advertised.getPort();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String loopbackIfWildcard(String host) {
        return host == null || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    }
}
