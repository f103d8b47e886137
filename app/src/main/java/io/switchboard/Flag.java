package io.switchboard;

import io.switchboard.http.ClientAddresses;
import io.switchboard.metrics.HealthOptions;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting a replica takes, defined once: its flag's name, its environment variable, its type,
 * its default and what it means. The parser knows these flags and no other ({@link OptionSource}),
 * {@code --help} lists them ({@link #usage()}), and docs/configuration.md's table of flags is
 * {@link #docsTable()} (FlagTest fails when the page's table differs, printing the table to paste).
 * A default given as a value is the one the replica takes when the flag is not given; a default
 * given as a note says what happens then, in words.
 */
public enum Flag {
    PORT("port", Type.INTEGER, "8083", null, "the HTTP API's port"),
    DATA_DIR("data-dir", Type.PATH, "data", null,
            "where the embedded broker, registry and state stores keep their data; made owner-only (0700) at start"),
    KAFKA_PORT("kafka-port", Type.INTEGER, "9092", null, "the embedded broker's port; it takes only SASL/PLAIN clients with the"
            + " credentials kept under the data dir: a client of yours connects with `<data-dir>/kafka-client.properties`"
            + " (see [security.md](security.md#kafka-principals))"),
    BOOTSTRAP_SERVERS("bootstrap-servers", Type.STRING, null, "(embedded)", "use an external Kafka and start no broker"),
    SCHEMA_REGISTRY_URL("schema-registry-url", Type.STRING, null, "(embedded)",
            "use a Confluent-compatible Schema Registry and start none"),
    SCHEMA_REGISTRY_PORT("schema-registry-port", Type.INTEGER, "8081", null,
            "the embedded registry's port (it listens on 127.0.0.1 only)"),
    ADVERTISED_URL("advertised-url", Type.STRING, null, "`http://127.0.0.1:<port>`",
            "this replica's address as other replicas reach it"),
    BIND_HOST("bind-host", Type.STRING, null, "loopback without credentials, else `0.0.0.0`",
            "the address the HTTP API binds to (the embedded registry stays on loopback)"),
    USERS_FILE("users-file", Type.PATH, null, null,
            "API keys, `NAME:SECRET_HASH:ROLE@SCOPE[,...]` a line (see \"Securing Switchboard\")"),
    OIDC_ISSUER("oidc-issuer", Type.STRING, null, null, "accept OpenID Connect bearer tokens from this issuer"
            + " (with `--oidc-audience`; see [security.md](security.md))"),
    OIDC_AUDIENCE("oidc-audience", Type.STRING, null, null, "the audience the issuer's tokens must name; required with `--oidc-issuer`"),
    OIDC_JWKS_URL("oidc-jwks-url", Type.STRING, null, "`<issuer>/.well-known/jwks.json`", "where the issuer's signing keys are"),
    OIDC_ROLES_CLAIM("oidc-roles-claim", Type.STRING, null, "`switchboard_roles`",
            "the token's claim holding its grants, a list of `role@scope`"),
    OIDC_CLIENT_ID("oidc-client-id", Type.STRING, null, null,
            "the console signs users in at the issuer as this public client (code flow with PKCE)"),
    RATE_LIMIT("rate-limit", Type.STRING, null, null, "`REQUESTS/SECONDS` per principal, per replica"),
    TRUSTED_PROXIES("trusted-proxies", Type.STRING, null, null, "reverse proxies in front of the API, comma-separated addresses"
            + " and CIDR ranges (`10.0.12.0/24,fd00:12::/64`: the proxies themselves, not the pod network, since a peer inside a"
            + " trusted range chooses the address it is limited as): for a request from one of them the client is read from"
            + " `X-Forwarded-For` (the rightmost address that is not such a proxy), for the limits kept per client address; from"
            + " any other peer the header is ignored"),
    IPV6_LIMIT_PREFIX("ipv6-limit-prefix", Type.INTEGER, String.valueOf(ClientAddresses.DEFAULT_IPV6_PREFIX), null,
            "the prefix length (1 to 128) an IPv6 client is counted by in the limits kept per client address (failed logins,"
            + " the sign-in form's bodies, the anonymous rate limit): a client is its `/64` by default, each address with 128;"
            + " an IPv4 client is its address"),
    TLS_KEYSTORE("tls-keystore", Type.PATH, null, "(none: plain HTTP)", "serve HTTPS only, from this keystore (PKCS12 or JKS,"
            + " or a PEM file holding the private key and the certificate chain)"),
    TLS_KEYSTORE_PASSWORD("tls-keystore-password", Type.STRING, null, null, "the password of `--tls-keystore`"),
    TLS_TRUSTSTORE("tls-truststore", Type.PATH, null, "(none: for replicas the keystore's certificates, for workers the JVM's)",
            "the certificates trusted when calling other replicas and workers over HTTPS"),
    TLS_TRUSTSTORE_PASSWORD("tls-truststore-password", Type.STRING, null, null, "the password of `--tls-truststore`"),
    KAFKA_PROPERTY("kafka-property", Type.PROPERTIES, null, null, "`KEY=VALUE`, repeatable: settings every Kafka client of"
            + " Switchboard itself gets (SASL, SSL); not the Connect worker's (see [security.md](security.md#kafka-principals))"),
    KAFKA_CONFIG("kafka-config", Type.PATH, null,
            "(none; on the embedded broker its principal's, kept in `<data-dir>/kafka-switchboard.properties`)",
            "a Kafka client properties file read as `--kafka-property` lines (those given with the flag win; a"
            + " `bootstrap.servers` there is ignored): a password kept there is not on the command line"),
    WORKER_KAFKA_PROPERTY("worker-kafka-property", Type.PROPERTIES, null, "(none; on the embedded broker the worker principal's)",
            "`KEY=VALUE`, repeatable: the embedded Connect worker's and its connectors' clients' settings (SASL, SSL). They"
            + " never fall back to `--kafka-property`'s: only the bootstrap servers are shared, and a worker on a Kafka whose"
            + " `--kafka-property` carries credentials refuses to start without its own"),
    WORKER_KAFKA_CONFIG("worker-kafka-config", Type.PATH, null, "(none; on the embedded broker `<data-dir>/kafka-worker.properties`)",
            "a properties file read as `--worker-kafka-property` lines"),
    TOPIC_PREFIX("topic-prefix", Type.STRING, "switchboard", null, "prefix of every topic Switchboard owns"),
    COMMAND_PARTITIONS("command-partitions", Type.INTEGER, "6", null, "partitions of the command topic when Switchboard creates it"),
    COMMAND_TIMEOUT_MS("command-timeout-ms", Type.INTEGER, "30000", null, "how long a request waits for its command's decision"),
    EMBEDDED_WORKER("embedded-worker", Type.BOOLEAN, "true", null,
            "run a Kafka Connect 4.3.1 worker in this process as Connect cluster `default`"),
    WORKER_HANDOFF_DIR("worker-handoff-dir", Type.PATH, null, "(none: the replica starts the embedded worker's process itself)",
            "a directory shared with a container that runs `io.switchboard.worker.EmbeddedWorkerMain --await DIR` from `switchboard-worker.jar` (the chart's"
            + " `worker` container): the replica hands the embedded worker its settings there (`worker.properties`, 0600)"
            + " rather than starting it; the worker deletes them once read (`worker.running` then holds the replica's start id) and stops"
            + " when the replica starts again or stops; a stopping replica waits, at most 20 s, for that worker to report its stop"
            + " (`worker.running` gone) before it stops the rest, the embedded broker among it; its container's restarts are the orchestrator's"),
    PLUGIN_PATH("plugin-path", Type.STRING, null, null, "plugin directories for the embedded worker (which runs in a process of"
            + " its own, on `switchboard-worker.jar` beside `switchboard.jar` (Kafka Connect, no control-plane class) plus these; its JVM options are `SWITCHBOARD_WORKER_JAVA_OPTIONS`,"
            + " default `-Xmx1g -XX:+ExitOnOutOfMemoryError`)"),
    FILE_CONNECTORS_DIR("file-connectors-dir", Type.PATH, null, "(none: FileStream connectors are off on the embedded worker)",
            "the directory under which the embedded worker's `FileStreamSource` and `FileStreamSink` may read and write (made"
            + " 0700 if missing). At start it is refused unless owned by the user the replica runs as and writable by no one"
            + " else, under directories only that user or root can change (or sticky ones), and neither inside nor above the data"
            + " directory, the keyring or the users file; each `file` must be an absolute path under it, links resolved (built-in"
            + " policy `file-connectors`, see [security.md](security.md#what-a-connector-can-reach)). Give every replica the same"
            + " one, holding nothing else"),
    MAX_TASKS_PER_CONNECTOR("max-tasks-per-connector", Type.INTEGER,
            String.valueOf(io.switchboard.rules.ResourceBounds.DEFAULT_MAX_TASKS_PER_CONNECTOR), null,
            "the largest `tasks.max` a connector may have (built-in policy `resource-bounds`, see [security.md](security.md#bounds));"
            + " every replica of a deployment is given the same"),
    MAX_TASKS_PER_CLUSTER("max-tasks-per-cluster", Type.INTEGER,
            String.valueOf(io.switchboard.rules.ResourceBounds.DEFAULT_MAX_TASKS_PER_CLUSTER), null,
            "the largest sum of `tasks.max` over a Connect cluster's connectors (at least `--max-tasks-per-connector`); a write"
            + " that would pass it is refused with a 400"),
    MAX_SECRET_BYTES("max-secret-bytes", Type.INTEGER, String.valueOf(io.switchboard.secrets.SecretBounds.DEFAULT_MAX_SECRET_BYTES),
            null, "the largest named secret, in bytes of its value (UTF-8)"),
    MAX_SECRETS_PER_CLUSTER("max-secrets-per-cluster", Type.INTEGER,
            String.valueOf(io.switchboard.secrets.SecretBounds.DEFAULT_MAX_SECRETS_PER_CLUSTER), null,
            "the most named secrets a Connect cluster holds"),
    CONNECT_CLUSTER("connect-cluster", Type.LIST, null, null, "`NAME=URL` of an external Connect cluster, repeatable; given, no"
            + " worker is embedded. `NAME=URL;status-topic=TOPIC` also names its status topic (on Switchboard's Kafka), which is"
            + " then read instead of polling the workers for statuses; `;config-topic=TOPIC` names its config topic, from which"
            + " task configs are then read as the workers commit them instead of asking a worker after each create or task"
            + " change (with both, a full pass lists the connectors from the two topics and asks the workers every 30th pass"
            + " only); `;offsets-topic=TOPIC` names its offsets topic, from which source connectors' offsets are then read as"
            + " the workers commit them (docs/offsets.md). The topics a cluster names are read by one consumer: until every one"
            + " exists, or once one cannot be read, none is, and the workers are asked instead"),
    SECRETS_KEY_FILE("secrets-key-file", Type.PATH, null, "`<data-dir>/secrets.key`",
            "the keyring that seals secret config values; created with a new key when absent"),
    SECRETS_KEY("secrets-key", Type.STRING, null, null,
            "the keyring itself (its text), instead of a file; best given as `SWITCHBOARD_SECRETS_KEY`"),
    LIFECYCLE_TOPIC("lifecycle-topic", Type.STRING, null, "`<topic-prefix>.lifecycle`", "the public topic of lifecycle events"),
    SECRET_KEY_PATTERNS("secret-key-patterns", Type.STRING, null, null, "comma-separated globs of more config keys holding"
            + " secrets, e.g. `*.pass,*dsn*`; they add to the built-in rule (names with password, secret, credentials, api key,"
            + " private key or token), which always applies"),
    INSTANCE_ID("instance-id", Type.STRING, null, null, "this replica's stable identity in the command processor's Kafka group"
            + " (static membership, `group.instance.id`): killed and started again, it takes its old member's place without"
            + " waiting out the session (a clean stop leaves the group either way); one running process per identity (see"
            + " [kubernetes.md](kubernetes.md#static-group-membership))"),
    FULL_PASS_INTERVAL_MS("full-pass-interval-ms", Type.INTEGER, "10000", null, "how often the replica holding a Connect"
            + " cluster's reconcile lease compares every connector of the cluster with its worker (a full pass), at least 100;"
            + " decided changes are carried out at once whatever it is, the pass repairs what was changed on the worker"
            + " directly. Each pass lists the worker's connectors and their statuses (from its config and status topics where"
            + " both are read, and from the worker every 30th pass): shorter costs the worker more requests"),
    HEALTH_MAX_CONNECTORS("health-max-connectors", Type.INTEGER, String.valueOf(HealthOptions.DEFAULTS.maxConnectors()), null,
            "the most connectors a scrape shows health series of (0 to 100,000; see [health](health.md))"),
    HEALTH_FLAPPING_WINDOW_S("health-flapping-window-s", Type.INTEGER,
            String.valueOf(HealthOptions.DEFAULTS.flapping().window().toSeconds()), null,
            "a connector is flapping after `--health-flapping-failures` failures within this many seconds"),
    HEALTH_FLAPPING_FAILURES("health-flapping-failures", Type.INTEGER, String.valueOf(HealthOptions.DEFAULTS.flapping().failures()),
            null, "see `--health-flapping-window-s`"),
    HEALTH_SINK_LAG_INTERVAL_S("health-sink-lag-interval-s", Type.INTEGER,
            String.valueOf(HealthOptions.DEFAULTS.sinkLagEvery().toSeconds()), null,
            "how often each sink connector's lag is read (two AdminClient requests per cluster)"),
    HEALTH_SINK_LAG_AGE_PARTITIONS("health-sink-lag-age-partitions", Type.INTEGER,
            String.valueOf(HealthOptions.DEFAULTS.sinkLagAgePartitions()), null, "for the lag in seconds, the most lagging"
            + " partitions of sinks whose oldest unconsumed record is read each pass (0 to 10,000; 0: no lag in seconds, no"
            + " record read; see [health](health.md#sink-lag))"),
    HEALTH_SERIES("health-series", Type.BOOLEAN, String.valueOf(HealthOptions.DEFAULTS.follow()), null, "whether the replica"
            + " follows the lifecycle topic into per-connector health series and reads sinks' lag; `false`:"
            + " `/metrics/connectors` is empty"),
    TRACING("tracing", Type.STRING, "off", "(`otlp` when the `OTEL_*` variables ask for traces)", "`off` or `otlp`: trace each"
            + " request's command with OpenTelemetry and export the spans by OTLP (see [Tracing](#tracing))"),
    CONFLUENT_SCOPE("confluent-scope", Type.LIST, null, "`default=env-default/<Kafka cluster id>`",
            "`CLUSTER=ENVIRONMENT_ID/KAFKA_CLUSTER_ID`, repeatable: the pair in connect/v1 paths that names a Connect cluster");

    /** What a flag's value is; a repeatable flag's values are kept together. */
    public enum Type {
        INTEGER("integer"), BOOLEAN("boolean"), STRING("string"), PATH("path"),
        /** Repeatable; the values given are joined with commas, as one value with commas is read. */
        LIST("list, repeatable"),
        /** {@code KEY=VALUE}, repeatable; the settings given are kept a line each (a value may hold commas). */
        PROPERTIES("KEY=VALUE, repeatable");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final Map<String, Flag> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Flag::flagName, Function.identity()));

    private final String flagName;
    private final Type type;
    private final String defaultValue;
    private final String defaultNote;
    private final String doc;

    Flag(String flagName, Type type, String defaultValue, String defaultNote, String doc) {
        this.flagName = flagName;
        this.type = type;
        this.defaultValue = defaultValue;
        this.defaultNote = defaultNote;
        this.doc = doc;
    }

    /** The flag's name, without its dashes: {@code kafka-port}. */
    public String flagName() {
        return flagName;
    }

    /** The environment variable that gives the flag's value when the flag is not given: {@code SWITCHBOARD_KAFKA_PORT}. */
    public String environmentVariable() {
        return "SWITCHBOARD_" + flagName.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    public Type type() {
        return type;
    }

    /** Whether the flag may be given more than once. */
    public boolean repeatable() {
        return type == Type.LIST || type == Type.PROPERTIES;
    }

    /** The value the replica takes when the flag is not given; null when none is, or when the default is said in words. */
    public String defaultValue() {
        return defaultValue;
    }

    int defaultInt() {
        return Integer.parseInt(defaultValue);
    }

    /** The default as the docs say it: the value in backticks, what happens without it, or "(none)". */
    public String defaultText() {
        if (defaultValue == null) {
            return defaultNote == null ? "(none)" : defaultNote;
        }
        return "`" + defaultValue + "`" + (defaultNote == null ? "" : " " + defaultNote);
    }

    public String doc() {
        return doc;
    }

    /** The flag of this name (without dashes); an {@link IllegalArgumentException} naming the known ones for any other. */
    public static Flag named(String name) {
        Flag flag = BY_NAME.get(name);
        if (flag == null) {
            throw new IllegalArgumentException("Unknown flag --" + name + "; known flags: "
                    + Arrays.stream(values()).map(f -> "--" + f.flagName).collect(Collectors.joining(", ")));
        }
        return flag;
    }

    /** docs/configuration.md's table of flags, in Markdown, one flag a row. */
    public static String docsTable() {
        StringBuilder table = new StringBuilder("| flag | environment variable | type | default | meaning |\n|---|---|---|---|---|\n");
        for (Flag flag : values()) {
            table.append("| `--").append(flag.flagName).append("` | `").append(flag.environmentVariable()).append("` | ")
                    .append(flag.type.label()).append(" | ").append(flag.defaultText()).append(" | ").append(flag.doc).append(" |\n");
        }
        return table.toString();
    }

    /** The flags as {@code --help} prints them: each flag, its variable, type and default, then what it means. */
    public static String usage() {
        StringBuilder text = new StringBuilder();
        for (Flag flag : values()) {
            text.append(String.format("  --%s (%s, %s)%n      default %s: %s%n", flag.flagName, flag.environmentVariable(),
                    flag.type.label(), flag.defaultText().replace("`", ""), flag.doc.replace("`", "")));
        }
        return text.toString();
    }
}
