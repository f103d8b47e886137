package io.switchboard.http;

import io.javalin.http.Context;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code --rate-limit REQUESTS/SECONDS}: a token bucket per principal (per client address when
 * anonymous), on this replica. Every answer says where the caller stands ({@code X-RateLimit-Limit},
 * {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset}: seconds until the bucket is full
 * again); past the limit, 429 with {@code Retry-After}, in the shape of the path's dialect. At most
 * {@value #MAX_BUCKETS} callers are tracked; past that the idlest are forgotten.
 */
public final class RateLimits {
    static final int MAX_BUCKETS = 10_000;
    private final int requests;
    private final double perSecond;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public RateLimits(int requests, int seconds) {
        if (requests < 1 || seconds < 1) {
            throw new IllegalArgumentException("--rate-limit takes REQUESTS/SECONDS, both at least 1");
        }
        this.requests = requests;
        this.perSecond = (double) requests / seconds;
    }

    /** From "REQUESTS/SECONDS". */
    public static RateLimits parse(String text) {
        String[] parts = text.trim().split("/");
        try {
            return new RateLimits(Integer.parseInt(parts[0].trim()), parts.length > 1 ? Integer.parseInt(parts[1].trim()) : 1);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--rate-limit takes REQUESTS/SECONDS, such as 100/60, not '" + text + "'");
        }
    }

    public void handle(Context ctx) {
        if (ctx.path().equals("/health") || ctx.path().startsWith("/internal/")) {
            return;
        }
        String principal = ctx.attribute(RequestContexts.PRINCIPAL_ATTRIBUTE);
        String caller = principal != null ? "p:" + principal : "a:" + ClientAddresses.limitKeyOf(ctx);
        long now = System.nanoTime();
        if (buckets.size() > MAX_BUCKETS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().at > 60_000_000_000L);
            if (buckets.size() > MAX_BUCKETS) {
                buckets.clear();
            }
        }
        Bucket bucket = buckets.computeIfAbsent(caller, c -> new Bucket(requests, now));
        boolean allowed;
        double tokens;
        synchronized (bucket) {
            bucket.tokens = Math.min(requests, bucket.tokens + (now - bucket.at) / 1e9 * perSecond);
            bucket.at = now;
            allowed = bucket.tokens >= 1;
            if (allowed) {
                bucket.tokens -= 1;
            }
            tokens = bucket.tokens;
        }
        ctx.header("X-RateLimit-Limit", String.valueOf(requests));
        ctx.header("X-RateLimit-Remaining", String.valueOf((long) Math.floor(tokens)));
        ctx.header("X-RateLimit-Reset", String.valueOf((long) Math.ceil((requests - tokens) / perSecond)));
        if (!allowed) {
            ctx.header("Retry-After", String.valueOf((long) Math.ceil((1 - tokens) / perSecond)));
            throw new ProblemException(429, "Too many requests: at most " + requests + " per "
                    + Math.round(requests / perSecond) + " s; retry after the Retry-After seconds");
        }
    }
}
