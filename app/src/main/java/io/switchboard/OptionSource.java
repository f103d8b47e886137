package io.switchboard;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Command-line flags over {@code SWITCHBOARD_*} environment variables. */
final class OptionSource {
    static final Set<String> KNOWN = Set.of("port", "data-dir", "kafka-port", "bootstrap-servers",
            "schema-registry-url", "schema-registry-port", "advertised-url", "bind-host", "topic-prefix",
            "command-partitions", "command-timeout-ms", "embedded-worker", "connect-cluster", "plugin-path",
            "secrets-key-file", "secrets-key", "secret-key-patterns", "lifecycle-topic", "confluent-scope",
            "users-file", "oidc-issuer", "oidc-audience", "oidc-jwks-url", "oidc-roles-claim", "oidc-client-id", "rate-limit", "trusted-proxies", "ipv6-limit-prefix", "kafka-property",
            "kafka-config", "worker-kafka-property", "worker-kafka-config",
            "tls-keystore", "tls-keystore-password", "tls-truststore", "tls-truststore-password", "instance-id",
            "health-max-connectors", "health-flapping-window-s", "health-flapping-failures",
            "health-sink-lag-interval-s", "health-sink-lag-age-partitions", "health-series", "full-pass-interval-ms",
            "file-connectors-dir", "worker-handoff-dir",
            "max-tasks-per-connector", "max-tasks-per-cluster", "max-secret-bytes", "max-secrets-per-cluster");
    /** Flags that may be given more than once; their values are joined with commas. */
    static final Set<String> REPEATABLE = Set.of("connect-cluster", "confluent-scope", "kafka-property", "worker-kafka-property");

    private final Map<String, String> flags = new HashMap<>();
    private final Map<String, String> env;

    OptionSource(String[] args, Map<String, String> env) {
        this.env = env;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("Flag --" + name + " needs a value");
            }
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("Unknown flag --" + name + "; known flags: --" + String.join(", --", KNOWN));
            }
            if (REPEATABLE.contains(name) && flags.containsKey(name)) {
                // Kafka settings may hold commas (ssl.enabled.protocols): they are kept a line each.
                value = flags.get(name) + (name.endsWith("kafka-property") ? "\n" : ",") + value;
            }
            flags.put(name, value);
        }
    }

    String string(String name, String fallback) {
        String value = flags.get(name);
        if (value == null) {
            value = env.get("SWITCHBOARD_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * Kafka client settings as KEY=VALUE lines: those of the properties file {@code --<fileFlag>}
     * names (as Kafka's tools take {@code --command-config}; a password kept there is not on the
     * command line), then those of {@code --<flag>} over them; null when neither is given.
     */
    String kafkaLines(String fileFlag, String flag) {
        String file = string(fileFlag, null);
        String lines = string(flag, null);
        if (file == null) {
            return lines;
        }
        java.util.Properties read = new java.util.Properties();
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(file.trim()))) {
            read.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--" + fileFlag + ": cannot read " + file.trim() + " (" + e.getMessage() + ")");
        }
        StringBuilder all = new StringBuilder();
        read.stringPropertyNames().stream().sorted().filter(key -> !key.equals("bootstrap.servers"))
                .forEach(key -> all.append(key).append('=').append(read.getProperty(key)).append('\n'));
        return lines == null ? all.toString() : all + lines;
    }

    int integer(String name, int fallback) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + value + "'");
        }
    }
}
