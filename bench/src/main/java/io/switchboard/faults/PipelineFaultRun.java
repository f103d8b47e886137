package io.switchboard.faults;

import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.registry.EmbeddedSchemaRegistry;
import io.switchboard.testing.Http;
import io.switchboard.testing.Postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A typed pipeline's delivery under worker crashes, with data that shows a duplicate: the target
 * table keeps an append-only record of every row the sink writes into it (a trigger), so a change
 * applied twice is counted however the sink hides it (it upserts, and a second upsert of the same
 * row changes nothing the table shows).
 *
 * <p>A real PostgreSQL, a broker, and Switchboard with its embedded Kafka Connect worker (as it
 * runs by default) as a process of its own. The source holds {@code rows} rows; the pipeline
 * snapshots them and the process is killed ({@code SIGKILL}), worker and all, a third of the way
 * through and started again on its data. Then inserts, updates and deletes
 * run in small transactions while the process is killed again a third of the way through them.
 * After each phase the target must equal the source (every row, every value, no row the source
 * does not have): a difference is a lost or a wrong write, and the run exits 1. The writes counted
 * more than once are the re-deliveries a crash causes, reported per phase with the time the
 * target took to match the source again. Figures go to bench/out/pipeline-faults.json and .md.
 *
 * <p>Usage: {@code bench/pipeline-faults.sh [--rows 30000] [--changes 6000]}.
 */
public final class PipelineFaultRun {
    private static final Duration CONVERGE = Duration.ofMinutes(5);
    private final Postgres postgres;
    /** The Switchboard process, its worker embedded. */
    private final JavaProcess replica;
    private final String url;

    private PipelineFaultRun(Postgres postgres, JavaProcess replica, String url) {
        this.postgres = postgres;
        this.replica = replica;
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int rows = Integer.parseInt(options.getOrDefault("rows", "30000"));
        int changes = Integer.parseInt(options.getOrDefault("changes", "6000"));
        Path work = Files.createTempDirectory("switchboard-pipeline-faults");
        int exit;
        try (Postgres postgres = Postgres.start(); EmbeddedKafka kafka = new EmbeddedKafka(work.resolve("broker"), 0).start();
             EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(new EmbeddedSchemaRegistry.Settings(kafka.bootstrapServers(),
                     java.util.Map.of(), "switchboard._schemas", "127.0.0.1", 0, io.switchboard.RegistryCredentials.accepted(
                             io.switchboard.secrets.Keyring.loadOrCreate(work.resolve("secrets.key"))))).start()) {
            // Switchboard with its embedded worker, as it runs by default: a SIGKILL takes the worker down with it.
            int port = JavaProcess.freePort();
            String url = "http://127.0.0.1:" + port;
            JavaProcess replica = new JavaProcess("replica", List.of("-Xmx768m", "-XX:+UseSerialGC"), "io.switchboard.Switchboard",
                    List.of("--port", String.valueOf(port), "--bind-host", "127.0.0.1", "--advertised-url", url,
                            "--data-dir", work.resolve("replica").toString(), "--secrets-key-file", work.resolve("secrets.key").toString(),
                            "--bootstrap-servers", kafka.bootstrapServers(), "--schema-registry-url", registry.url()),
                    work.resolve("logs")).start();
            PipelineFaultRun run = new PipelineFaultRun(postgres, replica, url);
            try {
                run.awaitHealthy();
                exit = run.run(rows, changes);
            } finally {
                replica.stop();
            }
        }
        System.exit(exit);
    }

    /** One phase's figures. */
    record Phase(String name, long sourceRows, long writes, long writtenTwiceOrMore, long convergedMillis, String difference) {
    }

    private int run(int rows, int changes) throws Exception {
        postgres.createDatabase("shop");
        postgres.createDatabase("lake");
        postgres.sql("shop", "CREATE TABLE orders (id bigint PRIMARY KEY, payload text NOT NULL)",
                "INSERT INTO orders SELECT g, 'snapshot-' || g FROM generate_series(1, " + rows + ") g");
        // The table as the sink would create it, and beside it every row the sink writes, in order.
        postgres.sql("lake", "CREATE TABLE public.orders (id bigint PRIMARY KEY, payload text NOT NULL)",
                "CREATE TABLE public.written (seq bigserial PRIMARY KEY, id bigint NOT NULL, payload text)",
                "CREATE FUNCTION public.record_write() RETURNS trigger AS $$ BEGIN "
                        + "INSERT INTO public.written (id, payload) VALUES (NEW.id, NEW.payload); RETURN NEW; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER record_write AFTER INSERT OR UPDATE ON public.orders FOR EACH ROW EXECUTE FUNCTION public.record_write()");
        String body = "{\"name\": \"shop to lake\", \"source\": {\"postgres\": {\"connection\": " + connection("shop")
                + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                + connection("lake") + ", \"target_schema\": \"public\"}}}";
        Http.Response created = Http.call(url, "POST", "/api/v1/connectors", body, Map.of());
        if (created.status() != 201) {
            throw new IllegalStateException("The pipeline was not created: " + created);
        }
        List<Phase> phases = new ArrayList<>();

        // Snapshot: the worker dies a third of the way through.
        awaitTargetRows(rows / 3);
        killAndRestartWorker();
        long healed = System.nanoTime();
        phases.add(phase("snapshot, worker killed at a third", "snapshot-%", healed));

        // Changes: inserts, updates and deletes in transactions of 20, the worker killed a third of the way.
        AtomicLong done = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < changes; i += 20) {
                    long from = rows + i + 1;
                    postgres.sql("shop", "BEGIN",
                            "INSERT INTO orders SELECT g, 'change-' || g FROM generate_series(" + from + ", " + (from + 19) + ") g",
                            "UPDATE orders SET payload = 'change-' || id || '-updated-" + i + "' WHERE id IN (" + (1 + i) + ", " + (2 + i) + ")",
                            "DELETE FROM orders WHERE id = " + (3 + i),
                            "COMMIT");
                    done.set(i + 20);
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                failed.set(true);
                e.printStackTrace();
            }
        }, "source-writer");
        writer.start();
        while (done.get() < changes / 3 && writer.isAlive()) {
            Thread.sleep(50);
        }
        killAndRestartWorker();
        writer.join();
        if (failed.get()) {
            throw new IllegalStateException("The source's writer failed");
        }
        healed = System.nanoTime();
        phases.add(phase("changes, worker killed at a third", "change-%", healed));
        return report(rows, changes, phases);
    }

    private void killAndRestartWorker() throws InterruptedException {
        replica.kill();
        System.out.println("[pipeline-faults] Switchboard and its worker killed; starting them again");
        replica.start();
        awaitHealthy();
    }

    private void awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Http.call(url, "GET", "/health", null, Map.of()).status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("Switchboard not healthy in 3 minutes; see " + replica.log());
    }

    /** Waits until the target matches the source, then counts the phase's writes. */
    private Phase phase(String name, String payloads, long healed) throws InterruptedException {
        String difference = awaitSame();
        long converged = (System.nanoTime() - healed) / 1_000_000;
        long source = Long.parseLong(postgres.query("shop", "SELECT count(*) FROM orders WHERE payload LIKE '" + payloads + "'").get(0));
        List<String> writes = postgres.query("lake", "SELECT count(*) || ' ' || (count(*) - count(DISTINCT (id, payload))) "
                + "FROM public.written WHERE payload LIKE '" + payloads + "'");
        String[] figures = writes.get(0).split(" ");
        Phase phase = new Phase(name, source, Long.parseLong(figures[0]), Long.parseLong(figures[1]), converged, difference);
        System.out.println("[pipeline-faults] " + phase);
        return phase;
    }

    /** Waits for the target to hold what the source holds; answers what still differs if it never does (else null). */
    private String awaitSame() throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            String source = digest("shop", "orders");
            String target = digest("lake", "public.orders");
            if (source.equals(target)) {
                return null;
            }
            last = "source " + source + ", target " + target;
            Thread.sleep(500);
        }
        return last;
    }

    /** How many rows a table holds, and a digest of every row's id and value. */
    private String digest(String database, String table) {
        try {
            return postgres.query(database, "SELECT count(*) || ' rows, md5 ' || coalesce(md5(string_agg(id || ':' || payload, ',' "
                    + "ORDER BY id)), '-') FROM " + table).get(0);
        } catch (IllegalStateException notYet) {
            return "(not readable: " + notYet.getMessage() + ")";
        }
    }

    private void awaitTargetRows(long rows) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (System.nanoTime() < deadline) {
            if (Long.parseLong(postgres.query("lake", "SELECT count(*) FROM public.orders").get(0)) >= rows) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("Fewer than " + rows + " rows arrived in " + CONVERGE);
    }

    private int report(int rows, int changes, List<Phase> phases) throws Exception {
        StringBuilder md = new StringBuilder("# A pipeline under worker crashes\n\n" + rows + " rows snapshotted, " + changes
                + " rows inserted with updates and deletes in transactions of 20; the worker killed (SIGKILL) a third of the"
                + " way through each phase and started again.\n\n"
                + "| phase | source rows | rows written | written more than once | target matched the source after, ms | difference |\n"
                + "|---|---|---|---|---|---|\n");
        boolean lost = false;
        for (Phase phase : phases) {
            lost |= phase.difference() != null;
            md.append("| ").append(phase.name()).append(" | ").append(phase.sourceRows()).append(" | ").append(phase.writes())
                    .append(" | ").append(phase.writtenTwiceOrMore()).append(" | ").append(phase.convergedMillis()).append(" | ")
                    .append(phase.difference() == null ? "none" : phase.difference()).append(" |\n");
        }
        Path out = Path.of("bench/out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("pipeline-faults.md"), md);
        FaultClients.JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("pipeline-faults.json").toFile(),
                Map.of("rows", rows, "changes", changes, "phases", phases));
        System.out.print(md);
        System.out.println(lost ? "[pipeline-faults] the target never matched the source" : "[pipeline-faults] the target matched the source after each phase");
        return lost ? 1 : 0;
    }

    private String connection(String database) {
        return "{\"host\": \"localhost\", \"port\": " + postgres.port() + ", \"user\": \"" + Postgres.USER + "\", \"password\": \""
                + Postgres.PASSWORD + "\", \"database\": \"" + database + "\"}";
    }
}
