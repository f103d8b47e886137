package io.switchboard.access;

import io.switchboard.http.HttpServer.Route;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The route × role matrix over a route table: every route called with no credentials, wrong
 * credentials, and each role with and without a grant on the cluster it addresses, answers what its
 * declaration says (open: never 401 or 403; replicas: 403 without a signature; otherwise 401 without
 * valid credentials, 403 below the action's role or outside the grant, and neither at or above it,
 * and no 5xx but 503). Path parameters take hostile names ({@code openapi.yaml}, {@code health},
 * {@code internal}). The users are {@link #GRANTS}: "pat" holds editor on another cluster only, "sam"
 * viewer everywhere, the others a role on cluster default. Used by the server's own matrix (its
 * routes, in memory) and by the app's (the routes the app adds, on a broker).
 */
public final class RouteMatrix {
    /** Who holds what: user to grants, as a users file has them. */
    public static final Map<String, String> GRANTS = Map.of("vera", "viewer@default", "otto", "operator@default",
            "erin", "editor@default", "ada", "admin@default", "pat", "editor@prod", "sam", "viewer@*");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
    private static final List<String> HOSTILE_NAMES = List.of("openapi.yaml", "health", "internal");
    /** User by the role it holds on cluster default. */
    private static final Map<String, Role> ON_DEFAULT = Map.of("vera", Role.VIEWER, "otto", Role.OPERATOR,
            "erin", Role.EDITOR, "ada", Role.ADMIN);

    private final String url;
    private final String kafkaClusterId;
    private final Function<String, String> basic;

    /**
     * @param url            the server's address
     * @param kafkaClusterId the Kafka cluster id the Confluent dialect's paths name
     * @param basic          a user's Authorization header with the right key
     */
    public RouteMatrix(String url, String kafkaClusterId, Function<String, String> basic) {
        this.url = url;
        this.kafkaClusterId = kafkaClusterId;
        this.basic = basic;
    }

    /** An answer: its status and (at most the first 8 MiB of) its body; an event stream's body is not read. */
    public record Answer(int status, String body) {
    }

    /** Every call to the routes that answered against their declaration; and how many calls were made. */
    public record Outcome(int calls, List<String> wrong) {
        public String describe() {
            return calls + " calls, " + wrong.size() + " answered against the declaration:\n"
                    + String.join("\n", wrong.subList(0, Math.min(wrong.size(), 40)));
        }
    }

    /** Calls each route as each caller, with each hostile name in its path parameters. */
    public Outcome check(List<Route> routes) {
        List<String> wrong = new ArrayList<>();
        int calls = 0;
        for (Route route : routes) {
            for (String name : HOSTILE_NAMES) {
                String path = concrete(route.path(), name);
                String body = route.method().equals("GET") || route.method().equals("DELETE") ? null : "{}";
                for (Caller caller : callers()) {
                    // Each malformed header differs; none is counted as a failed login (nothing was checked).
                    String authorization = caller.authorization() != null && caller.authorization().equals("Basic %%%")
                            ? "Basic " + Base64.getEncoder().encodeToString(("no-colon-" + calls).getBytes(StandardCharsets.UTF_8))
                            : caller.authorization();
                    Answer answer = call(route.method(), path, body, authorization, null);
                    calls++;
                    String expected = expected(route, caller);
                    if (!matches(expected, answer.status())) {
                        wrong.add(route.method() + " " + path + " as " + caller.name() + ": " + answer.status()
                                + ", declared " + route.access().describe() + ", expected " + expected);
                    }
                }
                if (!route.path().contains("{")) {
                    break;
                }
            }
        }
        return new Outcome(calls, wrong);
    }

    private String concrete(String template, String name) {
        Matcher m = PARAM.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = switch (m.group(1)) {
                case "cluster", "cluster_name" -> "default";
                case "environment_id" -> "env-default";
                case "kafka_cluster_id" -> kafkaClusterId;
                case "task" -> "0";
                case "plugin", "plugin_name" -> "org.apache.kafka.connect.file.FileStreamSourceConnector";
                case "part" -> "source";
                case "store" -> "connectors";
                case "logger" -> "io.switchboard.access." + name;
                case "id" -> name.replace('.', '_').toUpperCase(Locale.ROOT);
                default -> name;
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** @param best the highest role any of the caller's grants gives, anywhere */
    private record Caller(String name, String authorization, Role onDefault, Role everywhere, boolean anyGrant, Role best) {
    }

    private List<Caller> callers() {
        List<Caller> callers = new ArrayList<>();
        callers.add(new Caller("nobody", null, null, null, false, null));
        // Credentials that are not valid, cheap to refuse and not counted as failed logins (a wrong
        // API key costs a bcrypt check, and limits the address after 20).
        callers.add(new Caller("a malformed header", "Basic %%%", null, null, false, null));
        ON_DEFAULT.forEach((user, role) -> callers.add(new Caller(user, basic.apply(user), role, null, true, role)));
        callers.add(new Caller("pat", basic.apply("pat"), null, null, true, Role.EDITOR));
        callers.add(new Caller("sam", basic.apply("sam"), Role.VIEWER, Role.VIEWER, true, Role.VIEWER));
        return callers;
    }

    /** "open", "403", "401", "allowed" or "denied" (403). */
    private static String expected(Route route, Caller caller) {
        Access access = route.access();
        switch (access.kind()) {
            case OPEN:
                return "allowed";
            case REPLICAS:
                return "403";
            default:
                break;
        }
        if (!caller.anyGrant()) {
            // No credentials, or credentials that are not valid.
            return "401";
        }
        Action action = access.action();
        // Every path in the matrix addresses cluster default, or every cluster, or lists what the grants cover.
        boolean allowed;
        if (route.path().equals("/metrics") || route.path().endsWith("/connectors/{connector}/move")) {
            // A role on every cluster: the metrics of all, a move that changes two.
            allowed = caller.everywhere() != null && caller.everywhere().allows(action);
        } else if (List.of("/v1/kafka-connect/clusters", "/events", "/metrics/connectors", "/console/", "/console/connectors",
                "/console/bulk", "/console/bulk/progress")
                .contains(route.path())) {
            // Any grant that allows the action: the answer holds only what the grants cover.
            allowed = caller.best() != null && caller.best().allows(action);
        } else {
            allowed = caller.onDefault() != null && caller.onDefault().allows(action);
        }
        return allowed ? "allowed" : "403";
    }

    private static boolean matches(String expected, int status) {
        return switch (expected) {
            case "allowed" -> status != 401 && status != 403 && status < 500 || status == 503;
            default -> status == Integer.parseInt(expected);
        };
    }

    public Answer call(String method, String path, String body, String authorization, Charset charset) {
        return call(method, path, body, authorization, charset, Map.of());
    }

    /** Reads at most the first bytes of the answer: an event stream never ends. */
    public Answer call(String method, String path, String body, String authorization, Charset charset,
                       Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        byte[] bytes = body == null ? null : body.getBytes(charset == null ? StandardCharsets.UTF_8 : charset);
        request.method(method, bytes == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(bytes));
        try {
            HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                String text = path.startsWith("/events") && response.statusCode() == 200 ? ""
                        : new String(in.readNBytes(8 * 1024 * 1024), StandardCharsets.UTF_8);
                return new Answer(response.statusCode(), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
