package io.switchboard.http;

import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The body of a request anybody may send (the console's sign-in form), read so that slow clients
 * cannot hold the API's threads: a {@code Content-Length} is required and at most {@link #limit}
 * bytes (else 411 or 413, before anything is read); at most {@value #MAX_READS} such bodies are read
 * at once, {@value #MAX_READS_PER_ADDRESS} per client address (else 503 with Retry-After, at once);
 * and the whole body must arrive within {@link #deadlineMillis} (else 408 and the connection is
 * closed). A client sending one byte every few seconds thus holds one thread for a few seconds, and
 * one address a few threads, whatever it sends.
 */
public final class SmallBodies {
    public static final int MAX_READS = 16;
    public static final int MAX_READS_PER_ADDRESS = 4;

    private final int limit;
    private final long deadlineMillis;
    private final Semaphore reads = new Semaphore(MAX_READS);
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();

    public SmallBodies(int limit, long deadlineMillis) {
        this.limit = limit;
        this.deadlineMillis = deadlineMillis;
    }

    /** The request's body, read within the bounds above. */
    public byte[] read(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length < 0) {
            throw new ProblemException(411, "A Content-Length is required");
        }
        if (length > limit) {
            throw new ProblemException(413, "The body is over " + limit + " bytes");
        }
        String address = ClientAddresses.limitKeyOf(ctx);
        if (!reads.tryAcquire()) {
            throw busy(ctx);
        }
        try {
            int[] mine = new int[1];
            perAddress.compute(address, (a, n) -> {
                mine[0] = n == null ? 1 : n + 1;
                return mine[0] > MAX_READS_PER_ADDRESS ? n : Integer.valueOf(mine[0]);
            });
            if (mine[0] > MAX_READS_PER_ADDRESS) {
                throw busy(ctx);
            }
            try {
                return readWithin(ctx, (int) length);
            } finally {
                perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
        } finally {
            reads.release();
        }
    }

    private byte[] readWithin(Context ctx, int length) {
        EndPoint endPoint = ServletContextRequest.getServletContextRequest(ctx.req())
                .getConnectionMetaData().getConnection().getEndPoint();
        long idleTimeout = endPoint.getIdleTimeout();
        long deadline = System.nanoTime() + deadlineMillis * 1_000_000L;
        byte[] body = new byte[length];
        int read = 0;
        try {
            InputStream in = ctx.req().getInputStream();
            while (read < length) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    throw timedOut(ctx);
                }
                // Each blocking read waits at most until the deadline: the connection's idle timeout.
                endPoint.setIdleTimeout(left);
                int n = in.read(body, read, length - read);
                if (n < 0) {
                    throw new ProblemException(400, "The body ended before its Content-Length");
                }
                read += n;
            }
            endPoint.setIdleTimeout(idleTimeout);
            return body;
        } catch (IOException e) {
            throw timedOut(ctx);
        }
    }

    private static ProblemException busy(Context ctx) {
        ctx.header("Retry-After", "5");
        return new ProblemException(503, "Too many unauthenticated bodies are being read; retry shortly");
    }

    private ProblemException timedOut(Context ctx) {
        ctx.header("Connection", "close");
        return new ProblemException(408, "The body did not arrive within " + deadlineMillis + " ms");
    }
}
