package io.switchboard.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.DesiredState;
import io.switchboard.secrets.Redactor;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code java -jar switchboard.jar apply -f PATH... --url URL [--dry-run] [--prune] [--max-deletes N]
 * [--force] [--set NAME] [--cluster NAME]}: connectors as code from CI (docs/apply.md). Reads the files
 * (a directory: its .yaml, .yml and .json files), expands {@code ${ENV}} from the environment (in the
 * values of secret keys, and in any key for the variables named with {@code --env NAME}), asks
 * the server for the plan, prints it (every expanded value masked), and applies it with the plan's version (If-Match), so that a
 * change in between refuses it whole. {@code kind: ConnectorPolicy} documents are planned and stored
 * before the set ({@link PolicyPlan}); files of policies alone plan no set. Credentials: {@code SWITCHBOARD_USER} and
 * {@code SWITCHBOARD_PASSWORD}, or {@code SWITCHBOARD_TOKEN}. Exit status: 0 nothing changed, 2
 * changes planned or applied, 1 any error or refusal.
 */
public final class ApplyCommand {
    static final int UNCHANGED = 0;
    static final int ERROR = 1;
    static final int CHANGED = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String USAGE = "usage: switchboard apply -f PATH... --url URL [--dry-run] [--prune] [--max-deletes N]"
            + " [--force] [--set NAME] [--cluster NAME] [--env NAME...]";
    private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;
    private final PrintStream out;
    private final List<Path> paths = new ArrayList<>();
    /** Variables {@code --env} lets the files expand in any key, not only in secret keys' values. */
    private final java.util.Set<String> alsoExpanded = new java.util.TreeSet<>();
    /** Every variable the files expanded, with its value: never printed ({@link #masked}). */
    private final Map<String, String> expanded = new java.util.TreeMap<>();
    private String url;
    private boolean dryRun;
    private boolean prune;
    private boolean force;
    private Integer maxDeletes;
    private String set;
    private String cluster = "default";

    private ApplyCommand(Map<String, String> env, PrintStream out) {
        this.env = env;
        this.out = out;
    }

    /** Runs {@code apply} with its arguments (after the word apply); answers the exit status. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out) {
        ApplyCommand command = new ApplyCommand(env, out);
        try {
            command.parse(args);
            return command.apply();
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            out.println(USAGE);
            return ERROR;
        } catch (DesiredStateException e) {
            out.println("error: the files have " + e.problems().size() + " problem(s):");
            e.problems().forEach(p -> out.println("  " + p));
            return ERROR;
        } catch (IOException e) {
            out.println("error: " + e.getMessage());
            return ERROR;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.println("error: interrupted");
            return ERROR;
        }
    }

    private void parse(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-f", "--filename" -> {
                    while (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) {
                        paths.add(Path.of(args.get(++i)));
                    }
                }
                case "--url" -> url = value(args, ++i, arg);
                case "--dry-run" -> dryRun = true;
                case "--prune" -> prune = true;
                case "--force" -> force = true;
                case "--set" -> set = value(args, ++i, arg);
                case "--cluster" -> cluster = value(args, ++i, arg);
                case "--env" -> {
                    for (String name : value(args, ++i, arg).split(",")) {
                        if (!VARIABLE.matcher(name.trim()).matches()) {
                            throw new IllegalArgumentException("--env takes environment variable names, not '" + name.trim() + "'");
                        }
                        alsoExpanded.add(name.trim());
                    }
                }
                case "--max-deletes" -> {
                    try {
                        maxDeletes = Integer.parseInt(value(args, ++i, arg));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--max-deletes takes a whole number");
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("give the files with -f PATH...");
        }
        if (url == null) {
            url = env.get("SWITCHBOARD_URL");
        }
        if (url == null) {
            throw new IllegalArgumentException("give the server with --url URL");
        }
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(flag + " takes a value");
        }
        return args.get(i);
    }

    private int apply() throws IOException, InterruptedException {
        DesiredStateFiles.Read read = DesiredStateFiles.readAll(sources(), new DesiredStateFiles.Options(set, cluster, name -> {
            String value = env.get(name);
            if (value != null) {
                expanded.put(name, value);
            }
            return value;
        }, Redactor.DEFAULT, alsoExpanded, dryRun));
        int applied = applySet(read.desired(), read.rollout());
        if (applied == ERROR || read.offsets().isEmpty()) {
            return applied;
        }
        // Strimzi's offsets operations, once the set is as the files say (an alter needs the connector stopped).
        int offsets = new ApplyOffsets((method, target, body) -> send(method, target, body, null), out, url.replaceAll("/+$", ""))
                .run(read.offsets(), dryRun);
        return offsets == ERROR ? ERROR : Math.max(applied, offsets);
    }

    /**
     * The set's plan and apply; with {@code rollout} (the set's {@code spec.rollout}), its connectors'
     * version changes are planned as rollouts ({@link RolloutPlan}): the set is planned again without
     * them, and the rollouts are started once the set's change is applied.
     */
    private int applySet(DesiredState desired, SetRollout rollout) throws IOException, InterruptedException {
        String server = url.replaceAll("/+$", "");
        PolicyPlan.Server sender = (method, target, body) -> send(method, target, body, null);
        PolicyPlan policies = new PolicyPlan(sender, out, server, desired.set().cluster());
        if (!policies.plan(desired.policies())) {
            return ERROR;
        }
        String body = JSON.writeValueAsString(body(desired));
        String path = server + "/clusters/" + encode(desired.set().cluster()) + "/sets/" + encode(desired.set().name()) + "/apply";
        JsonNode plan = null;
        RolloutPlan rollouts = null;
        ApplyRollouts starts = new ApplyRollouts(sender, out, server);
        int changes = policies.changes();
        if (desired.setDeclared()) {
            out.println("Read " + desired.connectors().size() + " connector(s) for set " + desired.set().name() + " in cluster "
                    + desired.set().cluster() + " from " + paths.size() + " path(s).");
            HttpResponse<String> planned = send("POST", path + "?dry_run=true", body, null);
            plan = json(planned);
            if (planned.statusCode() == 200 && rollout != null) {
                rollouts = RolloutPlan.of(desired, rollout, plan, starts.of(desired.set().cluster()));
                if (!rollouts.problems().isEmpty()) {
                    rollouts.problems().forEach(p -> out.println(masked("error: " + p)));
                    return ERROR;
                }
                if (rollouts.any()) {
                    // The set's change without the version changes the rollouts make.
                    body = JSON.writeValueAsString(body(rollouts.desired()));
                    planned = send("POST", path + "?dry_run=true", body, null);
                    plan = json(planned);
                }
            }
            if (plan.has("text")) {
                out.print(masked(plan.get("text").asText()));
            }
            if (planned.statusCode() != 200) {
                return refused(planned, plan);
            }
            changes += plan.path("changes").asInt();
            if (rollouts != null && rollouts.any()) {
                out.print(masked(rollouts.text()));
                changes += rollouts.rollouts().size();
            }
        }
        if (dryRun) {
            out.println(changes == 0 ? "No changes." : "Dry run: nothing applied.");
            return changes == 0 ? UNCHANGED : CHANGED;
        }
        if (changes == 0) {
            out.println("No changes. Nothing was written.");
            return UNCHANGED;
        }
        // Policies first: the set's connectors are then decided against the policies the files declare.
        if (!policies.apply()) {
            return ERROR;
        }
        boolean setChanged = false;
        if (plan != null && plan.path("changes").asInt() > 0) {
            HttpResponse<String> applied = send("POST", path, body, plan.path("version").asText());
            JsonNode result = json(applied);
            if (applied.statusCode() != 200) {
                return refused(applied, result);
            }
            out.println("Applied as change " + result.path("change_id").asText() + ": set " + desired.set().name() + " is at version "
                    + result.path("set_version").asText() + ". Connectors converge on the workers next.");
            setChanged = "applied".equals(result.path("result").asText());
        }
        // Once the set is as the files say but for the versions, which the rollouts move.
        if (rollouts != null && !starts.start(desired.set().cluster(), rollouts)) {
            return ERROR;
        }
        boolean started = rollouts != null && !rollouts.rollouts().isEmpty();
        return setChanged || started || policies.changes() > 0 ? CHANGED : UNCHANGED;
    }

    private int refused(HttpResponse<String> answer, JsonNode json) {
        out.println(masked("error: refused (" + answer.statusCode() + "): " + json.path("message").asText(answer.body())));
        for (JsonNode item : json.path("items")) {
            if (item.has("error")) {
                out.println(masked("  " + item.path("name").asText() + ": " + item.path("error").asText()));
            }
        }
        json.path("problems").forEach(p -> out.println(masked("  " + p.asText())));
        return ERROR;
    }

    /**
     * Text to print with every expanded value replaced by its {@code ${NAME}}: the server shows
     * non-secret values (and a worker's error may quote any), so a value from the environment is
     * masked wherever it appears; one shorter than 4 characters only where it stands alone (not
     * inside a longer word), so that it does not mask every digit of the plan.
     */
    String masked(String text) {
        String masked = text;
        List<Map.Entry<String, String>> longestFirst = expanded.entrySet().stream().filter(e -> !e.getValue().isEmpty())
                .sorted((a, b) -> b.getValue().length() - a.getValue().length()).toList();
        for (Map.Entry<String, String> e : longestFirst) {
            String reference = java.util.regex.Matcher.quoteReplacement("${" + e.getKey() + "}");
            String value = java.util.regex.Pattern.quote(e.getValue());
            masked = masked.replaceAll(e.getValue().length() >= 4 ? value : "(?<![A-Za-z0-9])" + value + "(?![A-Za-z0-9])", reference);
        }
        return masked;
    }

    private Map<String, Object> body(DesiredState desired) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("selector", desired.set().selector());
        List<Map<String, Object>> connectors = new ArrayList<>();
        for (DesiredState.Connector c : desired.connectors()) {
            Map<String, Object> connector = new LinkedHashMap<>();
            connector.put("name", c.name());
            connector.put("labels", c.labels());
            connector.put("config", c.config());
            if (c.state() != null) {
                connector.put("state", c.state().name().toLowerCase(Locale.ROOT));
            }
            connectors.add(connector);
        }
        body.put("connectors", connectors);
        body.put("prune", prune);
        if (maxDeletes != null) {
            body.put("max_deletes", maxDeletes);
        }
        body.put("force", force);
        return body;
    }

    private List<DesiredStateFiles.Source> sources() throws IOException {
        List<DesiredStateFiles.Source> sources = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    for (Path file : files.filter(ApplyCommand::readable).sorted().toList()) {
                        sources.add(new DesiredStateFiles.Source(file.toString(), Files.readString(file)));
                    }
                }
            } else if (Files.isRegularFile(path)) {
                sources.add(new DesiredStateFiles.Source(path.toString(), Files.readString(path)));
            } else {
                throw new IOException("no file or directory " + path);
            }
        }
        return sources;
    }

    /** How long a request answered 503 with Retry-After is sent again. */
    private static final long RETRY_FOR_S = 30;

    private static boolean readable(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    /**
     * Sent again (any method: each is idempotent, a set's apply by its If-Match, a policy's PUT by its body) while answered 503 with Retry-After (the server could not read its data yet, its
     * partition moving between replicas, say; nothing was applied), for up to 30 s: a read waits up
     * to 10 s on the server, and a replica's partitions move within its session of 10 s and a restore.
     */
    private HttpResponse<String> send(String method, String target, String body, String ifMatch) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(RETRY_FOR_S).toNanos();
        while (true) {
            HttpResponse<String> answer = sendOnce(method, target, body, ifMatch);
            String retryAfter = answer.headers().firstValue("Retry-After").orElse(null);
            if (answer.statusCode() != 503 || retryAfter == null || System.nanoTime() > deadline) {
                return answer;
            }
            long seconds;
            try {
                seconds = Math.max(1, Math.min(5, Long.parseLong(retryAfter.trim())));
            } catch (NumberFormatException notSeconds) {
                seconds = 1;
            }
            Thread.sleep(seconds * 1000);
        }
    }

    private HttpResponse<String> sendOnce(String method, String target, String body, String ifMatch) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        String user = env.get("SWITCHBOARD_USER");
        String token = env.get("SWITCHBOARD_TOKEN");
        if (user != null) {
            String password = env.getOrDefault("SWITCHBOARD_PASSWORD", "");
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        } else if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (ifMatch != null) {
            request.header("If-Match", '"' + ifMatch + '"');
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", "the server answered " + answer.statusCode() + " with no JSON");
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
