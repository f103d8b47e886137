package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.secrets.Keyring;
import io.switchboard.secrets.SecretBounds;
import io.switchboard.secrets.SecretBox;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The real {@link ConnectorCore} over core's ports in memory ({@link InMemoryConnectors}) and one
 * {@link TestWorker} per cluster: the unit tier's service, built in microseconds.
 */
public final class UnitCore {
    public final InMemoryConnectors kafka = new InMemoryConnectors();
    public final TestWorker worker = new TestWorker();
    public final ConnectorCore service;
    public final ClusterDirectory clusters;
    private final ClusterFacts facts;
    private final ConnectorSets sets;
    private final Policies policies;
    /** Named secrets over a store in memory; served only by {@link #servicesWithSecrets}. */
    public final NamedSecrets named;

    public UnitCore() {
        this(WritePreflight.THREADS, WritePreflight.QUEUED);
    }

    /** With a pre-flight of {@code threads} validating at once and {@code queued} waiting. */
    public UnitCore(int threads, int queued) {
        this(threads, queued, SecretBounds.DEFAULT);
    }

    /** With these bounds on named secrets. */
    public UnitCore(SecretBounds secretBounds) {
        this(WritePreflight.THREADS, WritePreflight.QUEUED, secretBounds);
    }

    private UnitCore(int threads, int queued, SecretBounds secretBounds) {
        clusters = new ClusterDirectory() {
            @Override
            public List<String> names() {
                return List.of(DEFAULT_CLUSTER);
            }

            @Override
            public String workerUrl(String cluster) {
                return worker.url();
            }

            @Override
            public WorkerClient client(String cluster) {
                return worker;
            }
        };
        ConnectorPlugins plugins = ConnectorPlugins.fromClasspath();
        Function<String, WorkerClient> workers = cluster -> worker;
        ConnectorConfigValidator validator = new ConnectorConfigValidator(plugins, workers, Redactor.DEFAULT);
        SecretBox box = new SecretBox(Keyring.parse(Keyring.newKeyLine()));
        ConnectorSecrets secrets = new ConnectorSecrets(box, Redactor.DEFAULT);
        named = new NamedSecrets(new InMemorySecretStore(box), kafka, Clock.systemUTC(), secretBounds);
        StatusWatch watch = new StatusWatch() {
            @Override
            public void requireRoom() {
            }

            @Override
            public <T> CompletableFuture<Optional<T>> await(ConnectorKey key,
                                                            Function<ConnectorObservation, T> extract) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
        };
        WritePreflight preflight = new WritePreflight(kafka, kafka, validator, secrets, named, clusters, threads, queued);
        service = new ConnectorCore(kafka, kafka, plugins, validator, watch, secrets, named, clusters, preflight);
        facts = new ClusterFacts(clusters, service, secrets, validator, kafka::controlPlane, Clock.systemUTC());
        sets = new ConnectorSets(kafka, kafka, validator, secrets, named, clusters, preflight);
        policies = new Policies(kafka, kafka, kafka);
    }

    /** The services a dialect is built on. */
    public CoreServices services() {
        return new CoreServices(service, null, facts, clusters, "unit-kafka", sets, policies,
                new Rollouts(kafka, kafka, facts::installed, null));
    }

    /** The services, with the named secrets in memory. */
    public CoreServices servicesWithSecrets() {
        return new CoreServices(service, named, facts, clusters, "unit-kafka", sets, policies,
                new Rollouts(kafka, kafka, facts::installed, null));
    }
}
