package io.switchboard.core;

import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.HealthWindow;
import io.switchboard.rules.RolloutDecider;
import io.switchboard.rules.RolloutWatch;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutConnector;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.RolloutStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Carries the rollouts of the clusters whose reconciler lease this replica holds forward: once a
 * second it reads each cluster's rollouts under way (the processor's store), watches the current
 * batch of each ({@link RolloutWatch}: what the data plane last reported of its connectors, and
 * their health since the batch moved, from their incidents as the health answers read them) and
 * sends the step that is due as an ordinary command, which the processor decides
 * ({@link RolloutDecider}). It keeps nothing of its own: a replica that takes a lease over reads the
 * same store and carries the rollouts on where they are. A step's id is the rollout's, the batch's
 * and the step's, so one sent again by another replica is the same command, decided once.
 */
public final class RolloutDriver implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RolloutDriver.class);
    /** How often the rollouts under way are looked at. */
    public static final Duration EVERY = Duration.ofSeconds(1);
    /** A step sent is not sent again by this replica within this time (its decision is read back meanwhile). */
    private static final long RESEND_AFTER_MS = 30_000;
    private final CommandBus bus;
    private final ConnectorStore store;
    private final Duration flapWindow;
    private final Clock clock;
    private final Map<String, Long> sent = new HashMap<>();
    private ScheduledExecutorService thread;

    /** @param flapWindow how soon after a recovery a failure is a flap ({@code --health-flapping-window-s}) */
    public RolloutDriver(CommandBus bus, ConnectorStore store, Duration flapWindow, Clock clock) {
        this.bus = bus;
        this.store = store;
        this.flapWindow = flapWindow;
        this.clock = clock;
    }

    /** Looks each second at the rollouts of the clusters {@code led} names: those whose lease this replica holds now. */
    public synchronized RolloutDriver start(Supplier<List<String>> led) {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "switchboard-rollouts");
            t.setDaemon(true);
            return t;
        });
        thread.scheduleWithFixedDelay(() -> {
            for (String cluster : led.get()) {
                try {
                    tick(cluster);
                } catch (RuntimeException e) {
                    log.warn("Rollouts of cluster {} could not be carried forward now ({}); trying again in {} s", cluster,
                            e.toString(), EVERY.toSeconds());
                }
            }
        }, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look at a cluster's rollouts under way: answers the steps it sent. */
    public List<ConnectorCommand> tick(String cluster) {
        RolloutState state = store.rollouts(cluster, ReadConsistency.LINEARIZABLE).orElse(null);
        if (state == null) {
            return List.of();
        }
        long now = clock.millis();
        forgetBefore(now - RESEND_AFTER_MS);
        List<ConnectorCommand> steps = new ArrayList<>();
        for (Rollout rollout : state.getRollouts()) {
            if (!RolloutDecider.underWay(rollout)) {
                continue;
            }
            RolloutWatch.Step step = RolloutWatch.next(rollout, facts(cluster, rollout, now), now);
            if (step == null) {
                continue;
            }
            String id = rollout.getId() + "/step/" + rollout.getCurrentBatch() + "/" + step.step();
            if (sent.containsKey(id)) {
                continue;
            }
            ConnectorCommand command = bus.command(RolloutDecider.key(cluster),
                    new RolloutStep(rollout.getId(), rollout.getCurrentBatch(), step.step(), step.reason()),
                    new RequestContext(rollout.getId(), rollout.getPrincipal())).setCommandId(id).setIssuedAt(now).build();
            sent.put(id, now);
            bus.submit(command).join();
            steps.add(command);
            log.info("Rollout {} of {} to {} on cluster {}: batch {} {}{}", rollout.getId(), rollout.getPluginClass(),
                    rollout.getVersion(), cluster, rollout.getCurrentBatch(), step.step(),
                    step.reason() == null ? "" : " (" + step.reason() + ")");
        }
        return steps;
    }

    /** What is known of each connector of the rollout's current batch. */
    private Map<String, RolloutWatch.Facts> facts(String cluster, Rollout rollout, long now) {
        Map<String, RolloutWatch.Facts> facts = new HashMap<>();
        for (RolloutConnector connector : rollout.getConnectors()) {
            if (connector.getBatch() != rollout.getCurrentBatch()) {
                continue;
            }
            ConnectorKey key = new ConnectorKey(cluster, connector.getConnector());
            ConnectorState state = store.connector(key, ReadConsistency.LINEARIZABLE).orElse(null);
            HealthWindow health = null;
            if (state != null && now > rollout.getBatchStartedAt()) {
                List<io.switchboard.rules.HealthEvent> incidents = store.timeline(key, ReadConsistency.LINEARIZABLE)
                        .map(ConnectorHealth::events).orElse(List.of());
                health = ConnectorHealth.fromIncidents(Instant.ofEpochMilli(state.getCreatedAt()), incidents,
                        Instant.ofEpochMilli(rollout.getBatchStartedAt()), Instant.ofEpochMilli(now + 1), flapWindow);
            }
            // A connector asked not to run (paused, stopped) is moved once its config asks the version.
            String idle = state == null || state.getTargetState() == io.switchboard.schemas.TargetState.RUNNING ? null
                    : String.valueOf(state.getConfig().get(RolloutDecider.VERSION_KEY));
            ConnectorObservation status = store.status(key, ReadConsistency.LINEARIZABLE).orElse(null);
            facts.put(connector.getConnector(), new RolloutWatch.Facts(status, health, idle));
        }
        return facts;
    }

    private void forgetBefore(long at) {
        for (Iterator<Long> it = sent.values().iterator(); it.hasNext(); ) {
            if (it.next() < at) {
                it.remove();
            }
        }
    }

    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
