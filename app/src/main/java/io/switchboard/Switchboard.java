package io.switchboard;

import io.switchboard.apply.ApplyCommand;
import io.switchboard.kafka.KafkaReplicaKeys;
import io.switchboard.auth.SecretHashes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code java -jar switchboard.jar [--port 8083] [--data-dir data] [--kafka-port 9092]
 * [--bootstrap-servers host:port] [--schema-registry-url url] [--advertised-url url]}.
 * With no flags it runs everything it needs in one process, keeping its data under ./data.
 * {@code java -jar switchboard.jar apply -f PATH... --url URL}: connectors as code ({@link ApplyCommand}).
 */
public final class Switchboard {
    private Switchboard() {
    }

    /**
     * {@code switchboard.jar hash-secret}: reads an API key on standard input (one line) and prints
     * the bcrypt hash a users file line takes, NAME:HASH:ROLE@SCOPE.
     */
    private static void hashSecret() {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String secret = in.readLine();
            if (secret == null || secret.isEmpty()) {
                System.err.println("switchboard hash-secret: give the secret on standard input");
                System.exit(2);
                return;
            }
            System.out.println(SecretHashes.hash(secret));
        } catch (IOException e) {
            System.err.println("switchboard hash-secret: " + e.getMessage());
            System.exit(2);
        }
    }

    /** What {@code --help} prints: the commands, then every flag as {@link Flag} defines it. */
    static String usage() {
        return "Usage: java -jar switchboard.jar [--FLAG VALUE]...  |  hash-secret  |  apply -f PATH... --url URL\n"
                + "Each flag can also be given as SWITCHBOARD_<FLAG> (capitals, _ for -) in the environment.\n\n" + Flag.usage();
    }

    public static void main(String[] args) {
        StartupSteps.mainReached();
        if (args.length == 1 && args[0].equals("hash-secret")) {
            hashSecret();
            return;
        }
        if (args.length > 0 && args[0].equals("apply")) {
            System.exit(ApplyCommand.run(Arrays.asList(args).subList(1, args.length), System.getenv(), System.out));
            return;
        }
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(usage());
            return;
        }
        SwitchboardOptions options;
        try {
            options = SwitchboardOptions.parse(args, System.getenv());
            // Checked before anything starts: the file connectors' directory must be the service user's alone.
            DataPlaneAssembly.controlPlane(options, new io.switchboard.kafkaio.Topics(options.topicPrefix()));
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(2);
            return;
        }
        SwitchboardApp app;
        try {
            app = SwitchboardApp.start(options);
        } catch (KafkaReplicaKeys.KeyringMismatch e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            // What stopped the start, in one line an operator can act on; the parts started were stopped.
            System.err.println("switchboard: could not start: " + StartFailure.describe(e, options.dataDir()));
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "switchboard-shutdown"));
        System.out.println("Switchboard is up.");
        System.out.println("  Kafka Connect REST API: " + app.url());
        System.out.println("  Kafka bootstrap servers: " + app.bootstrapServers()
                + (options.embeddedKafka() ? " (embedded, data in " + options.dataDir().toAbsolutePath() + ")" : ""));
        System.out.println("  Schema Registry: " + app.schemaRegistryUrl() + (options.embeddedSchemaRegistry() ? " (embedded)" : ""));
        app.connectClusters().forEach((name, url) -> System.out.println("  Connect cluster " + name + ": " + url
                + app.workerIsolation(name).map(i -> " (embedded; worker isolation: " + i.mode() + ", " + i.description() + ")").orElse("")));
    }
}
