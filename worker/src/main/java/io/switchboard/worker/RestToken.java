package io.switchboard.worker;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The embedded worker's REST API answers only its replica: every request carries
 * {@code Authorization: Bearer TOKEN}, the token the replica made for this start and handed over
 * in the worker's settings ({@value #TOKEN_CONFIG}); anything else is answered 401 before Kafka
 * Connect reads it. Loopback is no trust boundary: any local process can reach the port.
 *
 * <p>A worker forwards a request it is not the leader for with the request's own
 * {@code Authorization}, so every worker of the group is given the same token. The two requests
 * workers make of each other on their own (task configs for the leader, a fence for exactly-once
 * sources) carry none; as with Kafka's {@code BasicAuthSecurityRestExtension}, they pass here when
 * signed ({@code X-Connect-Authorization}), and Kafka Connect checks the signature with the
 * session key only workers hold.
 */
public final class RestToken implements ConnectRestExtension {
    /** The worker setting that carries the token. */
    public static final String TOKEN_CONFIG = "switchboard.rest.token";
    private static final Pattern TASKS = Pattern.compile("/?connectors/[^/]+/tasks/?");
    private static final Pattern FENCE = Pattern.compile("/?connectors/[^/]+/fence/?");
    private static final String SIGNATURE = "X-Connect-Authorization";

    private byte[] token;

    @Override
    public void configure(Map<String, ?> configs) {
        Object given = configs.get(TOKEN_CONFIG);
        if (given == null || given.toString().isBlank()) {
            throw new ConfigException(TOKEN_CONFIG, null, "The embedded worker's REST API needs the replica's token");
        }
        token = given.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        context.configurable().register(new Filter(token));
    }

    @Override
    public String version() {
        return AppInfoParser.getVersion();
    }

    @Override
    public void close() {
        // nothing held
    }

    @Priority(Priorities.AUTHENTICATION)
    static final class Filter implements ContainerRequestFilter {
        private final byte[] token;

        Filter(byte[] token) {
            this.token = token;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            if (signedBetweenWorkers(request.getMethod(), request.getUriInfo().getPath(), request.getHeaderString(SIGNATURE))) {
                return;
            }
            if (!presents(token, request.getHeaderString("Authorization"))) {
                request.abortWith(Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity("{\"error_code\":401,\"message\":\"This worker answers its Switchboard replica only\"}").build());
            }
        }
    }

    /** Whether {@code authorization} is {@code Bearer TOKEN}; compared in constant time. */
    static boolean presents(byte[] token, String authorization) {
        byte[] presented = authorization == null || !authorization.startsWith("Bearer ") ? new byte[0]
                : authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(token, presented);
    }

    /** The requests workers sign for each other, which Kafka Connect itself verifies. */
    static boolean signedBetweenWorkers(String method, String path, String signature) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        return "POST".equals(method) && TASKS.matcher(path).matches() || "PUT".equals(method) && FENCE.matcher(path).matches();
    }
}
