package io.switchboard.dataplane;

import io.switchboard.core.ClusterDirectory;
import io.switchboard.core.ServiceException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * The Connect clusters this replica manages, each either still starting (its worker or its
 * reconciler not running yet) or attached at a URL. The HTTP server starts before the data plane
 * and its threads read this while the main thread fills it, so the whole set is an immutable map
 * in a volatile field, replaced on every change.
 */
public final class ConnectClusters implements ClusterDirectory {
    private volatile Map<String, String> urls = Map.of();
    /** Clusters announced but not attached yet. */
    private volatile List<String> starting = List.of();
    private final Map<String, ConnectClusterClient> clients = new ConcurrentHashMap<>();
    /** What https:// workers' certificates are checked against; empty: the JVM's default trust. */
    private final Optional<SSLContext> trust;

    /** @param trust what https:// workers' certificates are checked against (--tls-truststore); empty: the JVM's default */
    public ConnectClusters(Optional<SSLContext> trust) {
        this.trust = trust;
    }

    /** Clusters whose workers cannot open Switchboard's secrets: the external ones. */
    private volatile Set<String> cannotOpenSecrets = Set.of();

    /** Marks a cluster whose workers do not have Switchboard's config providers. */
    public synchronized void cannotOpenSecrets(String cluster) {
        Set<String> next = new HashSet<>(cannotOpenSecrets);
        next.add(cluster);
        cannotOpenSecrets = Set.copyOf(next);
    }

    @Override
    public boolean opensSecrets(String cluster) {
        return !cannotOpenSecrets.contains(cluster);
    }

    /** Every client of one worker counts its requests in one place. */
    private final Map<String, WorkerRequestCounts> requests = new ConcurrentHashMap<>();

    /** How each embedded worker's process is walled off from the replica ({@link WorkerWall}). */
    private final Map<String, WorkerWall.Isolation> isolations = new ConcurrentHashMap<>();

    /** Records how the embedded worker of {@code cluster} is walled off, for the start line and {@code /health}. */
    public void isolated(String cluster, WorkerWall.Isolation isolation) {
        isolations.put(cluster, isolation);
    }

    /** How the embedded worker of {@code cluster} is walled off; empty for a cluster of external workers. */
    public Optional<WorkerWall.Isolation> isolation(String cluster) {
        return Optional.ofNullable(isolations.get(cluster));
    }

    /** The clusters whose embedded worker runs with no wall around it. */
    public List<String> unwalled() {
        return isolations.entrySet().stream().filter(e -> !e.getValue().walled()).map(Map.Entry::getKey).sorted().toList();
    }

    /** The {@code Authorization} each worker URL demands (the embedded worker's token). */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    /**
     * Every client of the worker at {@code url} made from now on sends {@code Bearer TOKEN}: the
     * embedded worker answers nothing else ({@code io.switchboard.worker.RestToken}).
     */
    public void authorize(String url, String token) {
        authorizations.put(url, "Bearer " + token);
    }

    /** A new client of a worker, with the trust its certificate is checked against and the token it demands. */
    public ConnectClusterClient newClient(String url) {
        return ConnectClusterClient.of(url,
                new ConnectClusterClient.Access(trust, Optional.ofNullable(authorizations.get(url)), requestsTo(url)));
    }

    /** The requests of each kind this replica made of the worker at {@code url}, through every client of it. */
    public WorkerRequestCounts requestsTo(String url) {
        return requests.computeIfAbsent(url, u -> new WorkerRequestCounts());
    }

    /** Announces a cluster whose data plane is about to start: until it is attached it is "starting". */
    public synchronized void starting(String cluster) {
        if (!starting.contains(cluster) && !urls.containsKey(cluster)) {
            List<String> next = new ArrayList<>(starting);
            next.add(cluster);
            starting = List.copyOf(next);
        }
    }

    /** The cluster's worker answers at {@code url} and its reconciler runs. */
    public synchronized void attached(String cluster, String url) {
        Map<String, String> next = new LinkedHashMap<>(urls);
        next.put(cluster, url);
        urls = Collections.unmodifiableMap(next);
        starting = starting.stream().filter(name -> !name.equals(cluster)).toList();
    }

    @Override
    public List<String> names() {
        LinkedHashSet<String> all = new LinkedHashSet<>();
        all.add(DEFAULT_CLUSTER);
        all.addAll(urls.keySet());
        all.addAll(starting);
        return List.copyOf(all);
    }

    /** Whether a scope may name the cluster, as {@link #names} says, without copying them: every scoped request asks. */
    @Override
    public boolean manages(String cluster) {
        // The clusters starting before the attached ones: attaching one adds its URL before it stops starting.
        return cluster != null && (DEFAULT_CLUSTER.equals(cluster) || starting.contains(cluster) || urls.containsKey(cluster));
    }

    /** The clusters still starting, in the order they were announced. */
    public List<String> startingClusters() {
        return starting;
    }

    /** The attached clusters' worker URLs, by cluster, in the order they were attached. */
    public Map<String, String> urls() {
        return urls;
    }

    /**
     * The URL of the cluster's worker; null when the cluster has none; a 503 with Retry-After that
     * says so while it is still starting.
     */
    @Override
    public String workerUrl(String cluster) {
        String url = urls.get(cluster);
        if (url == null && starting.contains(cluster)) {
            throw new ServiceException.Unavailable(startingMessage(cluster));
        }
        return url;
    }

    /**
     * A client of the cluster's worker, one per worker URL and kept, so that its connections are
     * reused; null when the cluster has none; a 503 while it is still starting.
     */
    @Override
    public ConnectClusterClient client(String cluster) {
        String url = workerUrl(cluster);
        return url == null ? null : clients.computeIfAbsent(url, this::newClient);
    }

    public static String startingMessage(String cluster) {
        return "The Kafka Connect worker of cluster " + cluster + " is still starting up; retry shortly.";
    }
}
