package io.switchboard.bench;

import io.switchboard.SwitchboardApp;
import io.switchboard.kafka.EmbeddedKafka;
import io.switchboard.pipelines.PipelineCompiler;
import io.switchboard.pipelines.PostgresConnection;
import io.switchboard.testing.ConnectWorker;
import io.switchboard.testing.Http;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.Postgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Rows per second through one typed pipeline (a real PostgreSQL, Debezium's source and JDBC sink on
 * the embedded worker): the initial snapshot of N rows, then N rows inserted as changes. The same
 * two connectors are also created straight on a plain Kafka Connect worker's REST API (with the
 * same plugins), bypassing Switchboard, on another pair of databases, as the baseline measured in
 * the same run. Figures go to
 * bench/out/pipeline.txt. Usage: bench/pipeline.sh [rows, default 20000].
 */
public final class PipelineThroughputBenchmark {
    private PipelineThroughputBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Path dir = Files.createTempDirectory("switchboard-pipeline-bench");
        try (Postgres postgres = Postgres.start(); EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("broker"), 0).start()) {
            SwitchboardApp app = SwitchboardApp.start(OptionsBuilder.defaults().fileConnectorsDir(io.switchboard.testing.TestReplicas.FILES).port(0).schemaRegistryPort(0)
                    .dataDir(dir.resolve("replica")).bootstrapServers(kafka.bootstrapServers()).build());
            try {
                StringBuilder report = new StringBuilder("# Rows per second through one Postgres-to-Postgres pipeline, "
                        + rows + " rows each phase\n");
                report.append(run("through Switchboard's pipeline API", postgres, rows, "sw", (source, sink) -> {
                    String body = "{\"source\": {\"postgres\": {\"connection\": " + connection(postgres, source)
                            + ", \"replication_type\": {\"logical_replication\": {}}}}, \"sink\": {\"postgres\": {\"connection\": "
                            + connection(postgres, sink) + ", \"target_schema\": \"public\"}}}";
                    Http.Response created = Http.call(app.url(), "POST", "/api/v1/connectors", body, Map.of());
                    if (created.status() != 201) {
                        throw new IllegalStateException(created.toString());
                    }
                }));
                // The baseline runs on a worker of its own: Switchboard's data plane would remove connectors it did not create.
                ConnectWorker plain = ConnectWorker.start(kafka.bootstrapServers(),
                        Map.of("connector.client.config.override.policy", "All"));
                String worker = plain.url();
                report.append(run("straight on a Kafka Connect worker", postgres, rows, "kc", (source, sink) -> {
                    PipelineCompiler.Compiled compiled = PipelineCompiler.compile("bench-kc",
                            new PostgresConnection("localhost", postgres.port(), Postgres.USER, Postgres.PASSWORD, source, null), null, false,
                            null, new PostgresConnection("localhost", postgres.port(), Postgres.USER, Postgres.PASSWORD, sink, null), "public");
                    for (var c : List.of(Map.entry(compiled.sinkName(), compiled.sink()), Map.entry(compiled.sourceName(), compiled.source()))) {
                        Http.Response created = Http.call(worker, "POST", "/connectors", Http.json(Map.of("name", c.getKey(), "config", c.getValue())), Map.of());
                        if (created.status() != 201) {
                            throw new IllegalStateException(created.toString());
                        }
                    }
                }));
                plain.close();
                Files.createDirectories(Path.of("bench/out"));
                Files.writeString(Path.of("bench/out/pipeline.txt"), report);
                System.out.print(report);
            } finally {
                app.close();
            }
        }
    }

    interface Create {
        void create(String sourceDb, String sinkDb) throws Exception;
    }

    private static String run(String how, Postgres postgres, int rows, String prefix, Create create) throws Exception {
        String source = prefix + "_source";
        String sink = prefix + "_sink";
        postgres.createDatabase(source);
        postgres.createDatabase(sink);
        postgres.sql(source, "CREATE TABLE events (id bigint PRIMARY KEY, payload text NOT NULL)",
                "INSERT INTO events SELECT g, 'payload-' || g FROM generate_series(1, " + rows + ") g");
        long started = System.nanoTime();
        create.create(source, sink);
        awaitCount(postgres, sink, rows);
        double snapshotSeconds = (System.nanoTime() - started) / 1e9;
        started = System.nanoTime();
        postgres.sql(source, "INSERT INTO events SELECT g, 'change-' || g FROM generate_series(" + (rows + 1) + ", " + (2 * rows) + ") g");
        awaitCount(postgres, sink, 2 * rows);
        double changeSeconds = (System.nanoTime() - started) / 1e9;
        return String.format("%s: snapshot %.0f rows/s (%.1f s, including connector start), changes %.0f rows/s (%.1f s)%n",
                how, rows / snapshotSeconds, snapshotSeconds, rows / changeSeconds, changeSeconds);
    }

    private static void awaitCount(Postgres postgres, String db, int rows) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Long.parseLong(postgres.query(db, "SELECT count(*) FROM public.events").get(0)) >= rows) {
                    return;
                }
            } catch (IllegalStateException e) {
                // The sink has not created the table yet.
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("rows did not arrive in " + db);
    }

    private static String connection(Postgres postgres, String db) {
        return "{\"host\": \"localhost\", \"port\": " + postgres.port() + ", \"user\": \"postgres\", \"password\": \""
                + Postgres.PASSWORD + "\", \"database\": \"" + db + "\"}";
    }
}
