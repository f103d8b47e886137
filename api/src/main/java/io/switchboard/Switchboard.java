package io.switchboard;

/**
 * {@code java -jar switchboard.jar [--port 8083] [--data-dir data] [--kafka-port 9092]
 * [--bootstrap-servers host:port] [--schema-registry-url url] [--advertised-url url]}.
 * With no flags it runs everything it needs in one process, keeping its data under ./data.
 */
public final class Switchboard {
    private Switchboard() {
    }

    public static void main(String[] args) {
        SwitchboardOptions options;
        try {
            options = SwitchboardOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard: " + e.getMessage());
            System.exit(2);
            return;
        }
        SwitchboardApp app = SwitchboardApp.start(options);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "switchboard-shutdown"));
        System.out.println("Switchboard is up.");
        System.out.println("  Kafka Connect REST API: " + app.url());
        System.out.println("  Kafka bootstrap servers: " + app.bootstrapServers()
                + (options.embeddedKafka() ? " (embedded, data in " + options.dataDir().toAbsolutePath() + ")" : ""));
        System.out.println("  Schema Registry: " + app.schemaRegistryUrl() + (options.embeddedSchemaRegistry() ? " (embedded)" : ""));
        app.connectClusters().forEach((name, url) -> System.out.println("  Connect cluster " + name + ": " + url));
    }
}
