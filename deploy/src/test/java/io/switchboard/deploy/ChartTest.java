package io.switchboard.deploy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Helm chart, checked offline for every values file in {@code helm/switchboard/ci/}: linted
 * strictly, rendered, every document parsed into its typed model with no field the model does not
 * know, what the chart promises asserted, and the rendering compared with its golden file in
 * {@code src/test/resources/golden/}. After an intended change, regenerate the golden files with
 * {@code mvn -B -pl deploy test -Dswitchboard.writeGolden=true} and review their diff.
 */
class ChartTest {
    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    static Stream<Arguments> valuesFiles() {
        return Chart.valuesFiles().entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    private static String rendered(Path values) {
        return RENDERED.computeIfAbsent(values.toString(), v -> Chart.render(values));
    }

    @Test
    void theBuildRendersAtLeastTheFourDeployments() {
        assertTrue(Chart.valuesFiles().keySet().containsAll(Set.of("embedded-demo", "external-kafka", "tls-users", "metrics")),
                Chart.valuesFiles()::toString);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void lintsStrictly(String name, Path values, @TempDir Path scratch) throws IOException {
        LintResult lint = Chart.lint(Chart.DIR, values, scratch);
        assertFalse(lint.isFailed(), () -> name + ": helm lint --strict failed:\n" + String.join("\n", lint.getMessages()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void everyDocumentIsATypedObjectWithNoUnknownField(String name, Path values) {
        List<HasMetadata> objects = Chart.parse(rendered(values));
        assertFalse(objects.isEmpty(), name);
        for (HasMetadata object : objects) {
            assertFalse(object instanceof GenericKubernetesResource,
                    () -> name + ": " + object.getKind() + " " + object.getApiVersion() + " has no typed model");
            List<String> unknown = UnknownFields.of(object);
            assertTrue(unknown.isEmpty(), () -> name + ": " + object.getKind() + "/" + object.getMetadata().getName()
                    + " has fields its model does not know: " + unknown);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void theRenderingIsTheGoldenFile(String name, Path values) throws IOException {
        Path golden = GOLDEN.resolve(name + ".yaml");
        String rendering = rendered(values);
        if (Boolean.getBoolean("switchboard.writeGolden")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(golden, rendering);
        }
        assertTrue(Files.exists(golden), () -> golden + " is missing; write it with -Dswitchboard.writeGolden=true");
        assertEquals(Files.readString(golden), rendering, () -> name + ": the chart renders differently from " + golden
                + "; if the change is intended, regenerate with -Dswitchboard.writeGolden=true and review the diff");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void keepsWhatTheChartPromises(String name, Path values) {
        Rendering r = new Rendering(Chart.parse(rendered(values)));
        Map<String, Object> given = Yaml.map(read(values));
        StatefulSet sts = r.one(StatefulSet.class);
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        Map<String, String> podLabels = sts.getSpec().getTemplate().getMetadata().getLabels();

        // Replicas: one for the embedded demo; the values' count otherwise.
        assertEquals(((Number) given.get("replicas")).intValue(), sts.getSpec().getReplicas(), name);
        if (name.equals("embedded-demo")) {
            assertEquals(1, sts.getSpec().getReplicas());
        } else {
            assertTrue(sts.getSpec().getReplicas() >= 3, name + ": an external Kafka runs 3 replicas or more");
        }

        // A headless Service, named by the StatefulSet, gives each pod a stable name it advertises.
        Service headless = r.named(Service.class, sts.getSpec().getServiceName());
        assertEquals("None", headless.getSpec().getClusterIP());
        assertTrue(headless.getSpec().getPublishNotReadyAddresses());
        assertTrue(podLabels.entrySet().containsAll(headless.getSpec().getSelector().entrySet()));
        String advertised = env(container, "SWITCHBOARD_ADVERTISED_URL").getValue();
        assertTrue(advertised.matches("https?://\\$\\(POD_NAME\\)\\." + sts.getSpec().getServiceName()
                + "\\.\\$\\(POD_NAMESPACE\\)\\.svc:8083"), advertised);
        assertEquals("$(POD_NAME)", env(container, "SWITCHBOARD_INSTANCE_ID").getValue(), "static membership by pod name");
        assertEquals("metadata.name", env(container, "POD_NAME").getValueFrom().getFieldRef().getFieldPath());
        // A Service for clients, besides.
        Service clients = r.all(Service.class).stream().filter(s -> !"None".equals(s.getSpec().getClusterIP()))
                .findFirst().orElseThrow(() -> new AssertionError(name + ": no Service for clients"));
        assertTrue(podLabels.entrySet().containsAll(clients.getSpec().getSelector().entrySet()));

        // Each pod's data directory is its own claim.
        assertEquals("data", sts.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName());
        assertEquals("/var/lib/switchboard", mount(container, "data"));
        assertEquals("/var/lib/switchboard", r.config().get("SWITCHBOARD_DATA_DIR"));

        // Probes, one meaning each.
        assertEquals("/health/started", container.getStartupProbe().getHttpGet().getPath());
        assertEquals("/health/ready", container.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/health/live", container.getLivenessProbe().getHttpGet().getPath());
        boolean tls = Boolean.TRUE.equals(((Map<?, ?>) given.getOrDefault("tls", Map.of())).get("enabled"));
        for (var probe : List.of(container.getStartupProbe(), container.getReadinessProbe(), container.getLivenessProbe())) {
            assertEquals(tls ? "HTTPS" : "HTTP", probe.getHttpGet().getScheme(), name);
        }

        // Restricted security context.
        assertTrue(pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        var sc = container.getSecurityContext();
        assertTrue(sc.getReadOnlyRootFilesystem());
        assertTrue(sc.getRunAsNonRoot());
        assertFalse(sc.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());
        assertEquals("/tmp", mount(container, "tmp"));
        assertNotNull(volume(pod, "tmp").getEmptyDir(), "/tmp is an emptyDir");
        assertFalse(pod.getAutomountServiceAccountToken());

        // Resources, and a heap derived from the memory limit.
        assertNotNull(container.getResources().getLimits().get("memory"), name + ": a memory limit");
        assertNotNull(container.getResources().getRequests().get("cpu"), name + ": a CPU request");
        assertTrue(r.config().get("JAVA_TOOL_OPTIONS").contains("-XX:MaxRAMPercentage="), r.config()::toString);

        // Nothing secret-named in the ConfigMap: keys, passwords and Kafka settings come from Secrets.
        r.config().keySet().forEach(variable -> assertFalse(
                variable.matches(".*(KEY|PASSWORD|SECRET|TOKEN|CREDENTIAL|PROPERT).*") && !variable.endsWith("_FILE")
                        && !variable.equals("SWITCHBOARD_TLS_KEYSTORE") && !variable.equals("SWITCHBOARD_TLS_TRUSTSTORE"),
                () -> name + ": " + variable + " is in the ConfigMap"));

        // Without credentials only with allowAnonymous, and then only named peers reach the API.
        boolean credentials = r.config().containsKey("SWITCHBOARD_USERS_FILE") || r.config().containsKey("SWITCHBOARD_OIDC_ISSUER");
        assertTrue(credentials || name.equals("embedded-demo"), name + ": no credentials");

        // Config changes roll the pods.
        Map<String, String> annotations = sts.getSpec().getTemplate().getMetadata().getAnnotations();
        assertTrue(annotations.get("checksum/config").matches("[0-9a-f]{64}"), annotations::toString);
        assertTrue(annotations.get("checksum/secrets").matches("[0-9a-f]{64}"), annotations::toString);

        // A replica stopping leaves the Services first, then gets the time to stop in order.
        assertTrue(pod.getTerminationGracePeriodSeconds() >= 30);
        List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", preStop.get(0));
        assertTrue(Integer.parseInt(preStop.get(1)) + 20 <= pod.getTerminationGracePeriodSeconds(), preStop::toString);

        // One replica away at a time.
        PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class);
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        assertTrue(podLabels.entrySet().containsAll(pdb.getSpec().getSelector().getMatchLabels().entrySet()));

        // Network policy: the API port from the configured selectors and the other replicas; out to
        // DNS, Kafka (when external) and the Connect workers (when given).
        NetworkPolicy policy = r.one(NetworkPolicy.class);
        assertTrue(podLabels.entrySet().containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet()));
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        var ingress = policy.getSpec().getIngress();
        assertEquals(1, ingress.size());
        assertEquals("http", ingress.get(0).getPorts().get(0).getPort().getStrVal());
        List<NetworkPolicyPeer> from = ingress.get(0).getFrom();
        assertTrue(from.stream().anyMatch(peer -> peer.getPodSelector() != null
                && podLabels.equals(peer.getPodSelector().getMatchLabels())), "the other replicas");
        List<Integer> egressPorts = policy.getSpec().getEgress().stream().flatMap(rule -> rule.getPorts().stream())
                .map(NetworkPolicyPort::getPort).filter(p -> p.getIntVal() != null).map(p -> p.getIntVal()).toList();
        assertTrue(egressPorts.contains(53), "DNS");
        if (!name.equals("embedded-demo")) {
            Object kafkaPort = ((Map<?, ?>) given.get("kafka")).get("port");
            assertTrue(egressPorts.contains(kafkaPort == null ? 9092 : ((Number) kafkaPort).intValue()), name + ": Kafka");
            assertTrue(egressPorts.contains(8083), name + ": the Connect workers");
        }

        // Metrics behind flags.
        boolean metrics = name.equals("metrics");
        assertEquals(metrics ? 1 : 0, r.all(ServiceMonitor.class).size(), name);
        assertEquals(metrics ? 1 : 0, r.all(PrometheusRule.class).size(), name);
        if (metrics) {
            ServiceMonitor monitor = r.one(ServiceMonitor.class);
            assertEquals("/metrics", monitor.getSpec().getEndpoints().get(0).getPath());
            assertTrue(podLabels.entrySet().containsAll(monitor.getSpec().getSelector().getMatchLabels().entrySet()));
            assertFalse(r.one(PrometheusRule.class).getSpec().getGroups().get(0).getRules().isEmpty());
        }

        // Every Secret the pods read is one the chart made or one the values name.
        Set<String> made = r.all(Secret.class).stream().map(s -> s.getMetadata().getName()).collect(Collectors.toSet());
        Set<String> read = Stream.concat(
                pod.getVolumes().stream().filter(v -> v.getSecret() != null).map(v -> v.getSecret().getSecretName()),
                container.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                        .map(e -> e.getValueFrom().getSecretKeyRef().getName())).collect(Collectors.toSet());
        String valuesText = read(values);
        for (String secret : read) {
            assertTrue(made.contains(secret) || valuesText.contains(secret), () -> name + ": the pods read Secret " + secret
                    + ", which neither the chart makes nor the values name");
        }
        if (!name.equals("embedded-demo")) {
            assertEquals("/etc/switchboard/keyring/keyring", r.config().get("SWITCHBOARD_SECRETS_KEY_FILE"), name);
            assertEquals("/etc/switchboard/keyring", mount(container, "keyring"));
        }
        // Without Connect clusters, the embedded worker is a container of its own, sharing nothing with
        // the replica's but the directory its settings are handed over in (in memory).
        boolean embeddedWorker = name.equals("embedded-demo");
        assertEquals(embeddedWorker ? 2 : 1, pod.getContainers().size(), name);
        if (embeddedWorker) {
            Container worker = pod.getContainers().get(1);
            assertEquals("worker", worker.getName());
            assertEquals(container.getImage(), worker.getImage());
            List<String> command = worker.getCommand();
            assertEquals(List.of("/opt/switchboard/switchboard-worker.jar", "io.switchboard.worker.EmbeddedWorkerMain", "--await",
                    "/var/run/switchboard-worker"),
                    command.subList(command.size() - 4, command.size()), command::toString);
            assertEquals("/var/run/switchboard-worker", env(container, "SWITCHBOARD_WORKER_HANDOFF_DIR").getValue());
            assertEquals("/var/run/switchboard-worker", mount(container, "worker-handoff"));
            assertEquals(Set.of("worker-handoff", "worker-tmp"), worker.getVolumeMounts().stream().map(m -> m.getName())
                    .collect(Collectors.toSet()), "the worker mounts none of the replica's volumes or Secrets");
            assertTrue(worker.getEnv().isEmpty() && worker.getEnvFrom().isEmpty(), "the worker gets none of the replica's environment");
            assertEquals("Memory", volume(pod, "worker-handoff").getEmptyDir().getMedium());
            assertTrue(worker.getSecurityContext().getReadOnlyRootFilesystem());
            assertFalse(worker.getSecurityContext().getAllowPrivilegeEscalation());
            assertNotNull(worker.getResources().getLimits().get("memory"), "the worker's memory limit");
            assertTrue(command.stream().anyMatch(o -> o.startsWith("-XX:MaxRAMPercentage=")), command::toString);
        }
        if (name.equals("tls-users") || name.equals("metrics")) {
            assertEquals("/etc/switchboard/users/users", r.config().get("SWITCHBOARD_USERS_FILE"), name);
            assertEquals("/etc/switchboard/users", mount(container, "users"));
        }
        if (tls) {
            assertEquals("/etc/switchboard/tls/keystore.p12", r.config().get("SWITCHBOARD_TLS_KEYSTORE"));
            assertEquals("keystore-password", env(container, "SWITCHBOARD_TLS_KEYSTORE_PASSWORD").getValueFrom().getSecretKeyRef().getKey());
            assertTrue(advertised.startsWith("https://"), advertised);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void everyVariableIsADocumentedFlag(String name, Path values) throws IOException {
        Set<String> documented = documentedVariables();
        Rendering r = new Rendering(Chart.parse(rendered(values)));
        Container container = r.one(StatefulSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        Stream.concat(r.config().keySet().stream(), container.getEnv().stream().map(EnvVar::getName))
                .filter(variable -> variable.startsWith("SWITCHBOARD_"))
                .forEach(variable -> assertTrue(documented.contains(variable),
                        () -> name + ": " + variable + " is not a flag docs/configuration.md documents"));
    }

    @Test
    void aConfigChangeRollsThePodsAndTheUsersFileDoesNot() {
        Path values = Chart.valuesFiles().get("metrics");
        String before = checksums(Chart.render(Chart.DIR, values, Map.of()));
        assertNotEquals(before, checksums(Chart.render(Chart.DIR, values, Map.of("extraEnv.SWITCHBOARD_COMMAND_TIMEOUT_MS", "25000"))));
        assertNotEquals(before, checksums(Chart.render(Chart.DIR, values, Map.of("kafka.properties.client\\.rack", "zone-b"))));
        // Replicas re-read the users file when it changes: no restart.
        assertEquals(before, checksums(Chart.render(Chart.DIR, values,
                Map.of("auth.users.content", "ops:$2y$12$abcdefghijklmnopqrstuuJ1J9Zb0cRzW0l1eQk1rP8m3nC3b9yWe:admin@*"))));
    }

    @Test
    void theSchemaRefusesABadValueSayingWhich() {
        Path values = Chart.valuesFiles().get("external-kafka");
        assertRefused(values, Map.of("replicas", "three"), "replicas");
        assertRefused(values, Map.of("replicas", 0), "replicas");
        assertRefused(values, Map.of("jvm.maxRamPercentage", 95), "maxRamPercentage");
        assertRefused(values, Map.of("kafka.bootstrapServers", "not a list of brokers"), "bootstrapServers");
        assertRefused(values, Map.of("terminationGracePeriodSeconds", 5), "terminationGracePeriodSeconds");
        assertRefused(values, Map.of("replica", 3), "replica");
    }

    @Test
    void rulesAcrossValuesRefuseWithAClearMessage() {
        assertRefused(Chart.valuesFiles().get("embedded-demo"), Map.of("replicas", 3),
                "kafka.embedded runs a broker inside the one replica: replicas must be 1, not 3");
        assertRefused(Chart.valuesFiles().get("external-kafka"), Map.of("kafka.bootstrapServers", ""),
                "kafka.bootstrapServers is required with an external Kafka");
        assertRefused(Chart.valuesFiles().get("external-kafka"), Map.of("keyring.existingSecret", ""),
                "keyring.existingSecret or keyring.value is required with an external Kafka");
    }

    @Test
    void theDefaultRefusesToRenderWithoutCredentials() {
        // The review's install: an embedded demo with nothing else said.
        Map<String, Object> demo = Map.of("kafka.embedded", true, "replicas", 1);
        assertRefused(null, demo, "No credentials: give auth.users (API keys) or auth.oidc.issuer, or set auth.allowAnonymous=true");
        assertRefused(Chart.valuesFiles().get("external-kafka"), Map.of("auth.oidc.issuer", ""), "No credentials");
    }

    @Test
    void allowAnonymousRendersAndAdmitsOnlyNamedPeers(@TempDir Path scratch) throws IOException {
        Map<String, Object> demo = Map.of("kafka.embedded", true, "replicas", 1, "auth.allowAnonymous", true);
        Rendering r = new Rendering(Chart.parse(Chart.render(Chart.DIR, null, demo)));
        NetworkPolicy policy = r.one(NetworkPolicy.class);
        List<NetworkPolicyPeer> from = policy.getSpec().getIngress().get(0).getFrom();
        assertEquals(1, from.size(), () -> "only the other replicas by default: " + from);
        assertFalse(from.get(0).getPodSelector().getMatchLabels().isEmpty(), from::toString);
        assertNull(from.get(0).getNamespaceSelector(), from::toString);

        // Every pod of the namespace, or no policy at all, is refused without credentials.
        Path everyPod = scratch.resolve("every-pod.yaml");
        Files.writeString(everyPod, """
                kafka: {embedded: true}
                replicas: 1
                auth: {allowAnonymous: true}
                networkPolicy:
                  apiFrom:
                    - namespaceSelector: {matchLabels: {team: a}}
                    - podSelector: {}
                """);
        assertRefused(everyPod, Map.of(), "auth.allowAnonymous: networkPolicy.apiFrom may only name peers");
        assertRefused(null, Map.of("kafka.embedded", true, "replicas", 1, "auth.allowAnonymous", true,
                "networkPolicy.enabled", false), "auth.allowAnonymous needs networkPolicy.enabled");
        // Named peers are admitted.
        Rendering named = new Rendering(Chart.parse(Chart.render(Chart.DIR, null, Map.of("kafka.embedded", true, "replicas", 1,
                "auth.allowAnonymous", true, "networkPolicy.apiFrom[0].podSelector.matchLabels.switchboard-client", "true"))));
        assertEquals(2, named.one(NetworkPolicy.class).getSpec().getIngress().get(0).getFrom().size());
    }

    /** A peer named by a /0, a DoesNotExist or NotIn expression names no one; Prometheus is never an anonymous admin. */
    @Test
    void anonymousPeersAreNamedNarrowlyAndPrometheusIsNeverOne(@TempDir Path scratch) throws IOException {
        Map<String, Object> demo = Map.of("kafka.embedded", true, "replicas", 1, "auth.allowAnonymous", true);
        for (String peer : List.of("{ipBlock: {cidr: 0.0.0.0/0}}", "{ipBlock: {cidr: \"::/0\"}}", "{ipBlock: {cidr: 10.0.0.0/7}}",
                "{podSelector: {matchExpressions: [{key: x, operator: DoesNotExist}]}}",
                "{namespaceSelector: {matchExpressions: [{key: team, operator: NotIn, values: [a]}]}}")) {
            Path values = scratch.resolve("peer-" + Math.abs(peer.hashCode()) + ".yaml");
            Files.writeString(values, "networkPolicy: {apiFrom: [" + peer + "]}\n");
            assertRefused(values, demo, "networkPolicy.apiFrom may only name peers");
        }
        Path named = scratch.resolve("named.yaml");
        Files.writeString(named, "networkPolicy: {apiFrom: [{ipBlock: {cidr: 10.1.0.0/16}}, "
                + "{podSelector: {matchExpressions: [{key: role, operator: In, values: [client]}]}}]}\n");
        assertEquals(3, new Rendering(Chart.parse(Chart.render(Chart.DIR, named, demo))).one(NetworkPolicy.class).getSpec()
                .getIngress().get(0).getFrom().size());
        Map<String, Object> withPrometheus = new java.util.HashMap<>(demo);
        withPrometheus.put("metrics.serviceMonitor.enabled", true);
        assertRefused(null, withPrometheus, "auth.allowAnonymous with metrics.serviceMonitor.enabled");
    }

    @Test
    void aUrlWithCredentialsInExtraEnvGoesToTheSecret() {
        Path values = Chart.valuesFiles().get("external-kafka");
        String rendering = Chart.render(Chart.DIR, values, Map.of(
                "extraEnv.SWITCHBOARD_CONNECT_CLUSTER", "default=https://admin:hunter2-url@connect:8083",
                "extraEnv.SWITCHBOARD_HEALTH_URL_NOTE", "http://registry:8081"));
        for (HasMetadata object : Chart.parse(rendering)) {
            assertFalse(!(object instanceof Secret) && SERIALIZATION.asYaml(object).contains("hunter2-url"),
                    () -> "the URL's password is in " + object.getKind() + "/" + object.getMetadata().getName());
        }
        assertEquals("http://registry:8081", new Rendering(Chart.parse(rendering)).config().get("SWITCHBOARD_HEALTH_URL_NOTE"));
    }

    /** Every egress rule names its peers: DNS the cluster's DNS pods, Kafka and Connect where they are (required). */
    @Test
    void egressGoesOnlyToNamedPeers(@TempDir Path scratch) throws IOException {
        for (Map.Entry<String, Path> values : Chart.valuesFiles().entrySet()) {
            NetworkPolicy policy = new Rendering(Chart.parse(rendered(values.getValue()))).one(NetworkPolicy.class);
            policy.getSpec().getEgress().forEach(rule -> {
                assertFalse(rule.getTo() == null || rule.getTo().isEmpty(), () -> values.getKey() + ": egress to anywhere: " + rule);
                rule.getTo().forEach(peer -> assertNull(peer.getIpBlock(), () -> values.getKey() + ": " + peer));
            });
        }
        String external = Files.readString(Chart.valuesFiles().get("external-kafka"));
        String peers = "  networkPeers:\n    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: kafka\n";
        int kafka = external.indexOf(peers);
        int connect = external.indexOf(peers, kafka + 1);
        assertTrue(kafka > 0 && connect > kafka, external);
        Path noKafkaPeers = Files.writeString(scratch.resolve("no-kafka-peers.yaml"),
                external.substring(0, kafka) + external.substring(kafka + peers.length()));
        Path noConnectPeers = Files.writeString(scratch.resolve("no-connect-peers.yaml"),
                external.substring(0, connect) + external.substring(connect + peers.length()));
        assertRefused(noKafkaPeers, Map.of(), "kafka.networkPeers: name where the Kafka brokers");
        assertRefused(noConnectPeers, Map.of(), "connect.networkPeers: name where the Connect workers");
    }

    @Test
    void secretEnvironmentGoesToASecretNeverTheConfigMap() {
        Path values = Chart.valuesFiles().get("external-kafka");
        String rendering = Chart.render(Chart.DIR, values, Map.of(
                "extraEnv.SWITCHBOARD_SECRETS_KEY", "k1=c2VjcmV0LWtleQ==",
                "extraEnv.SWITCHBOARD_COMMAND_TIMEOUT_MS", "25000",
                "extraSecretEnv.SWITCHBOARD_TLS_KEYSTORE_PASSWORD", "hunter2-tls",
                "jvm.extraOptions", "-Dsome.password=hunter2-jvm"));
        for (String secret : List.of("c2VjcmV0LWtleQ", "hunter2-tls", "hunter2-jvm")) {
            for (HasMetadata object : Chart.parse(rendering)) {
                assertFalse(!(object instanceof Secret) && SERIALIZATION.asYaml(object).contains(secret),
                        () -> secret + " is in " + object.getKind() + "/" + object.getMetadata().getName());
            }
        }
        Rendering r = new Rendering(Chart.parse(rendering));
        assertEquals("25000", r.config().get("SWITCHBOARD_COMMAND_TIMEOUT_MS"), "the rest stays in the ConfigMap");
        assertFalse(r.config().containsKey("SWITCHBOARD_SECRETS_KEY"), r.config()::toString);
        assertFalse(r.config().containsKey("JAVA_TOOL_OPTIONS"), r.config()::toString);
        Secret env = r.named(Secret.class, Chart.RELEASE + "-switchboard-env");
        Map<String, String> data = env.getData().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> new String(java.util.Base64.getDecoder().decode(e.getValue()), java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("k1=c2VjcmV0LWtleQ==", data.get("SWITCHBOARD_SECRETS_KEY"));
        assertEquals("hunter2-tls", data.get("SWITCHBOARD_TLS_KEYSTORE_PASSWORD"));
        assertTrue(data.get("JAVA_TOOL_OPTIONS").contains("-XX:MaxRAMPercentage=") && data.get("JAVA_TOOL_OPTIONS")
                .endsWith("-Dsome.password=hunter2-jvm"), data::toString);
        Container container = r.one(StatefulSet.class).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(container.getEnvFrom().stream().anyMatch(from -> from.getSecretRef() != null
                && env.getMetadata().getName().equals(from.getSecretRef().getName())), container.getEnvFrom()::toString);
        // The Secret rolls the pods like the others.
        assertNotEquals(checksums(Chart.render(Chart.DIR, values, Map.of())), checksums(rendering));
        assertRefused(values, Map.of("extraEnv.SWITCHBOARD_X", "1", "extraSecretEnv.SWITCHBOARD_X", "2"),
                "SWITCHBOARD_X is in both extraEnv and extraSecretEnv");
    }

    @Test
    void prometheusIsAdmittedFromItsNamespaceOnly() {
        Rendering r = new Rendering(Chart.parse(rendered(Chart.valuesFiles().get("metrics"))));
        List<NetworkPolicyPeer> from = r.one(NetworkPolicy.class).getSpec().getIngress().get(0).getFrom();
        List<NetworkPolicyPeer> inOtherNamespaces = from.stream().filter(peer -> peer.getNamespaceSelector() != null).toList();
        assertEquals(1, inOtherNamespaces.size(), from::toString);
        NetworkPolicyPeer prometheus = inOtherNamespaces.get(0);
        assertEquals(Map.of("kubernetes.io/metadata.name", "monitoring"), prometheus.getNamespaceSelector().getMatchLabels(),
                () -> "Prometheus from any namespace: " + prometheus);
        assertEquals(Map.of("app.kubernetes.io/name", "prometheus"), prometheus.getPodSelector().getMatchLabels());
        Rendering elsewhere = new Rendering(Chart.parse(Chart.render(Chart.DIR, Chart.valuesFiles().get("metrics"),
                Map.of("metrics.prometheus.namespace", "observability"))));
        assertTrue(elsewhere.one(NetworkPolicy.class).getSpec().getIngress().get(0).getFrom().stream()
                .anyMatch(peer -> peer.getNamespaceSelector() != null && "observability".equals(
                        peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))));
        assertRefused(Chart.valuesFiles().get("metrics"), Map.of("metrics.prometheusFrom[0].podSelector.matchLabels.a", "b"),
                "prometheusFrom");
    }

    private static void assertRefused(Path values, Map<String, Object> sets, String expected) {
        Exception refused = assertThrows(Exception.class, () -> Chart.render(Chart.DIR, values, sets),
                () -> "rendered with " + sets);
        assertTrue(refused.getMessage().contains(expected), () -> "refused " + sets + " without naming '" + expected
                + "': " + refused.getMessage());
        System.out.println("Refused " + sets + ": " + refused.getMessage().lines().collect(Collectors.joining(" ")));
    }

    private static String checksums(String rendering) {
        return new Rendering(Chart.parse(rendering)).one(StatefulSet.class).getSpec().getTemplate().getMetadata()
                .getAnnotations().entrySet().stream().filter(e -> e.getKey().startsWith("checksum/"))
                .map(Object::toString).collect(Collectors.joining(","));
    }

    /** The SWITCHBOARD_* variables of the flags in docs/configuration.md's table. */
    private static Set<String> documentedVariables() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        Matcher flag = Pattern.compile("`--([a-z-]+)`").matcher(doc);
        Set<String> variables = new java.util.HashSet<>();
        while (flag.find()) {
            variables.add("SWITCHBOARD_" + flag.group(1).toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
        return variables;
    }

    private static EnvVar env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + container.getEnv()));
    }

    private static String mount(Container container, String volume) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume)).findFirst()
                .orElseThrow(() -> new AssertionError("no mount of " + volume)).getMountPath();
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The objects of one rendering, by type. */
    private record Rendering(List<HasMetadata> objects) {
        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        <T extends HasMetadata> T one(Class<T> type) {
            List<T> all = all(type);
            assertEquals(1, all.size(), () -> "one " + type.getSimpleName() + ", not " + all.size());
            return all.get(0);
        }

        <T extends HasMetadata> T named(Class<T> type, String name) {
            return all(type).stream().filter(o -> Objects.equals(o.getMetadata().getName(), name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
        }

        /** The ConfigMap the pods take their environment from. */
        Map<String, String> config() {
            return one(io.fabric8.kubernetes.api.model.ConfigMap.class).getData();
        }
    }
}
