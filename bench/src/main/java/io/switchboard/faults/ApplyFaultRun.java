package io.switchboard.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.switchboard.faults.ApplyChecker.Outcome;
import io.switchboard.faults.ApplyChecker.Round;
import io.switchboard.faults.HistoryChecker.Version;
import io.switchboard.faults.HistoryChecker.Violation;
import io.switchboard.faults.Op.State;
import io.switchboard.kafkaio.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The apply fault run: a set of 200 connectors applied again and again to three replicas, and at
 * each apply the replica that decides it, the owner of the set's partition in the processor's
 * group, killed with SIGKILL while it decides, then started again on its data. The set's command
 * is watched for in the command topic (read uncommitted), and the owner is killed a chosen delay
 * after it arrives: at once (before the decision's transaction commits), or later (while the
 * connectors' commands the change wrote are being decided on their partitions, some of them by
 * the replica killed). The changes alternate: all 200 created, their config's {@link Op#MARKER_KEY}
 * changed across all 200, half of them pruned while the other half change, the pruned ones created
 * again. Then {@link ApplyChecker} decides whether every change is visible whole or not at all,
 * and the worker must converge to the histories ({@link Convergence}). Figures and violations go to
 * {@code OUT/apply-faults.json} and {@code .md}; the exit status is 1 on any violation.
 *
 * <p>Arguments: {@code [--rounds 6] [--connectors 200] [--out bench/out] [--seed N]}.
 */
public final class ApplyFaultRun {
    static final String SET = "bulk";
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    /** How long after the set's command reached its partition its owner is killed, by round, in turn. */
    private static final long[] KILL_DELAYS_MILLIS = {0, 200, 20, 500, 50, 1_000, 100};
    /** How long a change may take to show on every connector it touched once its apply came back. */
    private static final long SETTLE_MILLIS = 120_000;
    private static final Pattern MEMBER = Pattern.compile("replica-(\\d+)-\\d+");

    private final ApplyFaultParts parts;
    private final Topics topics = Topics.DEFAULT;
    private final List<String> names = new ArrayList<>();
    private final String run;

    /** One apply as it went: its round, the figures the report gives of it. */
    record Attempt(int round, String kind, int planned, int status, Outcome outcome, String changeId, int entry, int killed,
                   long killDelayMillis, long answeredMillis, long settledMillis) {
    }

    private ApplyFaultRun(ApplyFaultParts parts, int connectors, long seed) {
        this.parts = parts;
        this.run = Long.toString(seed % 100_000, 36);
        for (int i = 0; i < connectors; i++) {
            names.add(String.format("bulk-%s-%03d", run, i));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "6"));
        int connectors = Integer.parseInt(options.getOrDefault("connectors", "200"));
        long seed = Long.parseLong(options.getOrDefault("seed", String.valueOf(System.currentTimeMillis())));
        Path out = Path.of(options.getOrDefault("out", "bench/out"));
        Path work = Files.createTempDirectory("switchboard-apply-faults");
        int exit = 1;
        long started = System.nanoTime();
        ApplyFaultParts parts = new ApplyFaultParts(work);
        try (parts) {
            parts.start();
            System.out.println("[apply-faults] started in " + (System.nanoTime() - started) / 1_000_000_000 + " s; seed " + seed
                    + "; work in " + work);
            exit = new ApplyFaultRun(parts, connectors, seed).run(rounds, new Random(seed), seed, out);
        } catch (Exception failed) {
            failed.printStackTrace();
        } finally {
            // The processes are stopped by now; nothing else may keep this JVM from exiting.
            System.exit(exit);
        }
    }

    private int run(int roundCount, Random random, long seed, Path out) throws Exception {
        List<Round> rounds = new ArrayList<>();
        List<Attempt> attempts = new ArrayList<>();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", parts.bootstrap()))) {
            for (int r = 0; r < roundCount; r++) {
                Attempt attempt = round(r, random, admin, rounds);
                attempts.add(attempt);
                System.out.println("[apply-faults] " + attempt);
            }
        }
        Map<String, List<Version>> histories = new TreeMap<>();
        Map<String, State> finalReads = new TreeMap<>();
        for (String name : names) {
            histories.put(name, parts.history(name));
            finalReads.put(name, parts.connector(0, name));
        }
        List<Violation> violations = new ArrayList<>(ApplyChecker.check(rounds, histories, finalReads));
        long convergeStarted = System.nanoTime();
        List<String> notConverged = Convergence.await(url -> parts.call("GET", url, null, Map.of()), parts.workerUrl(), histories,
                FaultRun.CONVERGE_MILLIS);
        long convergeMillis = (System.nanoTime() - convergeStarted) / 1_000_000;
        for (String difference : notConverged) {
            violations.add(new Violation("NOT_CONVERGED", difference.substring(0, difference.indexOf(':')), -1, difference));
        }
        report(out, seed, attempts, violations, convergeMillis);
        violations.forEach(v -> System.out.println("[apply-faults] VIOLATION " + v));
        System.out.println("[apply-faults] " + violations.size() + " violations; figures in " + out.resolve("apply-faults.md"));
        return violations.isEmpty() ? 0 : 1;
    }

    /** The connectors a round's files hold: every third round from the third, the first half only, the rest pruned. */
    private List<String> filesOf(int round) {
        return round % 3 == 2 ? names.subList(0, names.size() / 2) : names;
    }

    private String body(int round, String marker) {
        List<Map<String, Object>> connectors = new ArrayList<>();
        for (String name : filesOf(round)) {
            connectors.add(Map.of("name", name, "labels", Map.of("set", SET), "state", "stopped",
                    "config", Map.of("connector.class", SOURCE, "file", "/tmp/switchboard-test-files/" + SET + ".txt", "topic", SET, "tasks.max", "1",
                            Op.MARKER_KEY, marker)));
        }
        return FaultClients.json(Map.of("selector", Map.of("set", SET), "connectors", connectors, "prune", round % 3 == 2,
                "max_deletes", names.size(), "force", true));
    }

    private Attempt round(int r, Random random, Admin admin, List<Round> rounds) throws Exception {
        String marker = "r" + r + "-" + run;
        String body = body(r, marker);
        String path = "/clusters/default/sets/" + SET + "/apply";
        FaultRun.Answer planned = plan(path, body);
        JsonNode plan = FaultRun.json(planned);
        Map<String, String> touched = new TreeMap<>();
        for (JsonNode item : plan.path("items")) {
            String action = item.path("action").asText();
            if (action.equals("create") || action.equals("update") || action.equals("delete")) {
                touched.put(item.path("name").asText(), action);
            }
        }
        String kind = r % 3 == 2 ? "prune half, change half" : r == 0 ? "create" : "change all";
        Map<Integer, Integer> owners = owners(admin);
        int entry = random.nextInt(parts.urls.size());
        long delay = KILL_DELAYS_MILLIS[r % KILL_DELAYS_MILLIS.length];
        int killed = -1;
        long sent;
        CompletableFuture<FaultRun.Answer> answer;
        try (KafkaConsumer<String, byte[]> tail = tail()) {
            sent = System.nanoTime();
            answer = CompletableFuture.supplyAsync(() -> parts.call("POST", parts.urls.get(entry) + path, body,
                    Map.of("If-Match", '"' + plan.path("version").asText() + '"')));
            int partition = awaitSetCommand(tail, answer);
            if (partition >= 0) {
                Thread.sleep(delay);
                Integer owner = owners.get(partition);
                if (owner != null) {
                    killed = owner;
                    System.out.println("[apply-faults] round " + r + ": killing replica-" + (owner + 1) + ", owner of partition "
                            + partition + ", " + delay + " ms after the set's command arrived");
                    parts.killAndRestart(owner);
                }
            }
        }
        FaultRun.Answer answered = answer.get(180, TimeUnit.SECONDS);
        long answeredMillis = (System.nanoTime() - sent) / 1_000_000;
        Outcome outcome;
        String changeId = null;
        if (answered.status() == 200 && "applied".equals(FaultRun.json(answered).path("result").asText())) {
            outcome = Outcome.APPLIED;
            changeId = FaultRun.json(answered).path("change_id").asText();
        } else if (answered.status() >= 400 && answered.status() < 500) {
            outcome = Outcome.REFUSED;
        } else {
            outcome = Outcome.UNKNOWN;
        }
        long settling = System.nanoTime();
        Map<String, State> settled = settle(touched, marker, random);
        long settledMillis = (System.nanoTime() - settling) / 1_000_000;
        rounds.add(new Round(r, marker, outcome, changeId, touched, settled));
        return new Attempt(r, kind, touched.size(), answered.status(), outcome, changeId, entry + 1, killed + 1, delay, answeredMillis,
                settledMillis);
    }

    /** The plan of a round's files, sent again while a replica answers 503 (one is starting again, say). */
    private FaultRun.Answer plan(String path, String body) throws InterruptedException {
        for (int attempt = 0; attempt < 120; attempt++) {
            FaultRun.Answer planned = parts.call("POST", parts.urls.get(attempt % parts.urls.size()) + path + "?dry_run=true", body, Map.of());
            if (planned.status() == 200) {
                return planned;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("No plan for the set in a minute");
    }

    /** Which replica runs each command partition actively now, by the members' identities in the processor's group. */
    private Map<Integer, Integer> owners(Admin admin) throws Exception {
        Map<Integer, Integer> owners = new HashMap<>();
        for (MemberDescription member : admin.describeConsumerGroups(List.of(topics.applicationId())).all().get(30, TimeUnit.SECONDS)
                .get(topics.applicationId()).members()) {
            Matcher identity = MEMBER.matcher(member.groupInstanceId().orElse(""));
            if (!identity.matches()) {
                continue;
            }
            for (TopicPartition partition : member.assignment().topicPartitions()) {
                if (partition.topic().equals(topics.commands())) {
                    owners.put(partition.partition(), Integer.parseInt(identity.group(1)) - 1);
                }
            }
        }
        return owners;
    }

    /** A reader of every command partition from its end on, uncommitted records included. */
    private KafkaConsumer<String, byte[]> tail() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, parts.bootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topics.commands(), Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topics.commands(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
        return consumer;
    }

    /** The partition the set's command reached, as soon as it is there; -1 if the apply came back without sending one. */
    private int awaitSetCommand(KafkaConsumer<String, byte[]> tail, CompletableFuture<FaultRun.Answer> answer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : tail.poll(Duration.ofMillis(20))) {
                if (record.key() != null && record.key().endsWith("/{set}" + SET)) {
                    return record.partition();
                }
            }
            if (answer.isDone()) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Each connector the round touched, as read once the change shows on all of them or on none
     * (or {@link #SETTLE_MILLIS} have passed): the commands a change writes are decided on their own
     * partitions, one after another, after the change itself.
     */
    private Map<String, State> settle(Map<String, String> touched, String marker, Random random) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        Map<String, State> reads = new TreeMap<>();
        while (true) {
            int showing = 0;
            for (Map.Entry<String, String> item : touched.entrySet()) {
                State state = parts.connector(random.nextInt(parts.urls.size()), item.getKey());
                reads.put(item.getKey(), state);
                boolean shows = item.getValue().equals("delete") ? !state.exists() : state.exists() && marker.equals(state.marker());
                showing += shows ? 1 : 0;
            }
            if (showing == 0 || showing == touched.size() || System.nanoTime() > deadline) {
                return reads;
            }
            Thread.sleep(1_000);
        }
    }

    private void report(Path out, long seed, List<Attempt> attempts, List<Violation> violations, long convergeMillis) throws Exception {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("seed", seed);
        json.put("connectors", names.size());
        json.put("applies_tried", attempts.size());
        json.put("applied", attempts.stream().filter(a -> a.outcome() == Outcome.APPLIED).count());
        json.put("refused", attempts.stream().filter(a -> a.outcome() == Outcome.REFUSED).count());
        json.put("unknown", attempts.stream().filter(a -> a.outcome() == Outcome.UNKNOWN).count());
        json.put("kills", attempts.stream().filter(a -> a.killed() > 0).count());
        json.put("converge_ms", convergeMillis);
        json.put("attempts", attempts);
        json.put("violations", violations.stream().map(Violation::toString).toList());
        FaultClients.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("apply-faults.json").toFile(), json);
        StringBuilder md = new StringBuilder("# Applies of a set of " + names.size() + " connectors, its deciding replica killed\n\n"
                + "Seed " + seed + ". Applies tried " + attempts.size() + ": applied " + json.get("applied") + ", refused "
                + json.get("refused") + ", unknown " + json.get("unknown") + "; kills " + json.get("kills") + "; violations "
                + violations.size() + "; the worker converged " + convergeMillis + " ms after the last round.\n\n"
                + "| round | change | connectors touched | entry replica | killed | kill after the command arrived, ms | answer | answered after, ms | settled after, ms |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Attempt a : attempts) {
            md.append("| ").append(a.round()).append(" | ").append(a.kind()).append(" | ").append(a.planned()).append(" | replica-")
                    .append(a.entry()).append(" | ").append(a.killed() > 0 ? "replica-" + a.killed() : "none").append(" | ")
                    .append(a.killDelayMillis()).append(" | ").append(a.status()).append(' ').append(a.outcome()).append(" | ")
                    .append(a.answeredMillis()).append(" | ").append(a.settledMillis()).append(" |\n");
        }
        violations.forEach(v -> md.append("\n- ").append(v));
        Files.writeString(out.resolve("apply-faults.md"), md.append('\n'));
    }
}
