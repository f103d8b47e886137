package io.switchboard.rules;

import io.switchboard.schemas.AvroTrust;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.PatchConnectorConfig;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutChange;
import io.switchboard.schemas.RolloutConnector;
import io.switchboard.schemas.RolloutState;
import io.switchboard.schemas.RolloutStep;
import io.switchboard.schemas.RolloutTarget;
import io.switchboard.schemas.StartRollout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides a plugin version rollout's start and its steps against the cluster's rollouts, whole:
 * accepted, the cluster's rollouts after it and the config patches that follow from it (each
 * connector's {@code connector.plugin.version}), which the processor writes in the same transaction,
 * to be decided like any other command; refused, nothing. A pure function like {@link SetDecider}:
 * the patches' ids, times and principal come from the rollout's commands.
 *
 * <p>A rollout moves its canary first, then the other connectors batch by batch; the batch moving
 * is watched by the rollout's driver, which reports what it saw as {@link RolloutStep}s: running
 * (the batch runs the version: its watch starts), passed (watched without a failure: the next batch
 * moves, or the rollout is done), failed (every connector moved goes back to the version it had).
 * A step that is not the current batch's, or of a rollout finished, changes nothing, so a step sent
 * twice (a replica taking the lease over carries the rollout on) is harmless.
 *
 * <p>Keyed {@code <cluster>/{rollouts}}: a connector name cannot hold {@code {}}
 * ({@link ConnectorRules#nameProblem}), so no connector shares the key.
 */
public final class RolloutDecider {
    /** The connector field of every rollout command: one record holds a cluster's rollouts. */
    public static final String KEY_NAME = "{rollouts}";
    /** The config key a rollout sets. */
    public static final String VERSION_KEY = "connector.plugin.version";
    public static final String CANARY = "canary";
    public static final String WATCHING = "watching";
    public static final String PROMOTING = "promoting";
    public static final String DONE = "done";
    public static final String ROLLED_BACK = "rolled_back";
    public static final String STEP_RUNNING = "running";
    public static final String STEP_PASSED = "passed";
    public static final String STEP_FAILED = "failed";
    /** A patch's step ({@link RolloutChange#getStep}): to the rollout's version, or back to the one it had. */
    public static final String STEP_MOVE = "move";
    public static final String STEP_BACK = "back";
    /** At most this many connectors in one rollout. */
    public static final int MAX_CONNECTORS = 500;
    /** A canary or a batch moves at most this many connectors at once. */
    public static final int MAX_BATCH = 100;
    /** Each batch is watched for 1 s to an hour. */
    public static final int MIN_WATCH_SECONDS = 1;
    public static final int MAX_WATCH_SECONDS = 3600;
    /** What a rollout asked without them moves and watches: a canary of one, then one at a time, each watched a minute. */
    public static final int DEFAULT_CANARY = 1;
    public static final int DEFAULT_BATCH = 1;
    public static final int DEFAULT_WATCH_SECONDS = 60;
    /** At most this many rollouts under way on a cluster at once (one per plugin class). */
    public static final int MAX_UNDER_WAY = 8;
    /** How many finished rollouts a cluster keeps, for their reads; the oldest are let go first. */
    public static final int KEPT_FINISHED = 10;
    /** The most the cluster's record may hold, encoded (see {@link SetDecider#MAX_STATE_BYTES}). */
    public static final int MAX_STATE_BYTES = 900 * 1024;
    /** A reason is cut to this many characters. */
    public static final int MAX_REASON = 2000;

    static {
        // A rollout's next state is built from the current one (Avro's copies), whichever reader came first.
        AvroTrust.install();
    }

    private RolloutDecider() {
    }

    /** The decision: outcome, refusal reason and message, the rollouts after it, and the patches it writes. */
    public record RolloutDecision(Outcome outcome, String reason, String message, RolloutState next, List<ConnectorCommand> derived) {
        public boolean changed() {
            return outcome == Outcome.CREATED || outcome == Outcome.UPDATED;
        }
    }

    /** The key of a cluster's rollouts. */
    public static ConnectorKey key(String cluster) {
        return new ConnectorKey(cluster, KEY_NAME);
    }

    /** Whether the command is one the rollouts decide. */
    public static boolean isRolloutCommand(ConnectorCommand command) {
        return command.getAction() instanceof StartRollout || command.getAction() instanceof RolloutStep;
    }

    /** Whether a rollout is under way (neither done nor rolled back). */
    public static boolean underWay(Rollout rollout) {
        return !DONE.equals(rollout.getState()) && !ROLLED_BACK.equals(rollout.getState());
    }

    /**
     * What the bounds refuse of a start, or null: the one rule of the API's early answer and of the
     * decider. The connectors are distinct valid names, 1 to {@link #MAX_CONNECTORS}.
     */
    public static String problem(StartRollout start) {
        int n = start.getConnectors().size();
        if (start.getPluginClass() == null || start.getPluginClass().isBlank()) {
            return "a rollout names the connector plugin's class";
        }
        if (start.getVersion() == null || start.getVersion().isBlank() || start.getVersion().length() > 200) {
            return "a rollout names the version to roll out (at most 200 characters)";
        }
        if (n < 1 || n > MAX_CONNECTORS) {
            return "a rollout moves 1 to " + MAX_CONNECTORS + " connectors, not " + n;
        }
        String bounds = boundsProblem(start.getCanary(), start.getBatch(), start.getWatchSeconds());
        if (bounds != null) {
            return bounds;
        }
        if (start.getCanary() > n) {
            return "canary is at most the rollout's connectors, " + n + ", not " + start.getCanary();
        }
        Set<String> seen = new HashSet<>();
        for (RolloutTarget target : start.getConnectors()) {
            String nameProblem = ConnectorRules.nameProblem(target.getConnector());
            if (nameProblem != null) {
                return target.getConnector() + ": " + nameProblem;
            }
            if (!seen.add(target.getConnector())) {
                return "connector " + target.getConnector() + " is named twice";
            }
        }
        return null;
    }

    /** What the bounds refuse of a rollout's canary, batch and watch, whatever its connectors, or null. */
    public static String boundsProblem(int canary, int batch, int watchSeconds) {
        if (canary < 1 || canary > MAX_BATCH) {
            return "canary is 1 to " + MAX_BATCH + ", not " + canary;
        }
        if (batch < 1 || batch > MAX_BATCH) {
            return "batch is 1 to " + MAX_BATCH + ", not " + batch;
        }
        if (watchSeconds < MIN_WATCH_SECONDS || watchSeconds > MAX_WATCH_SECONDS) {
            return "watch_s is " + MIN_WATCH_SECONDS + " to " + MAX_WATCH_SECONDS + ", not " + watchSeconds;
        }
        return null;
    }

    /** The batch of a rollout's connector by its place in the rollout (from 0): 0 for the first {@code canary}, then batches of {@code batch}. */
    public static int batchOf(int index, int canary, int batch) {
        return index < canary ? 0 : 1 + (index - canary) / batch;
    }

    /** The version a rollout's connector's config asks now, as the rollout left it: the new one once moved, the one it had otherwise. */
    public static String askedVersion(Rollout rollout, RolloutConnector connector) {
        return connector.getMoved() && !connector.getRolledBack() ? rollout.getVersion() : connector.getPreviousVersion();
    }

    /** The rollout under way of a plugin class, if any. */
    public static Rollout underWay(RolloutState current, String pluginClass) {
        if (current == null) {
            return null;
        }
        return current.getRollouts().stream().filter(r -> underWay(r) && r.getPluginClass().equals(pluginClass)).findFirst()
                .orElse(null);
    }

    public static RolloutDecision decide(RolloutState current, ConnectorCommand command) {
        if (!KEY_NAME.equals(command.getConnector())) {
            return refused(Outcome.REJECTED, DecisionReasons.INVALID_ROLLOUT, "a rollout's command is keyed " + KEY_NAME, current);
        }
        if (command.getAction() instanceof StartRollout start) {
            return start(current, command, start);
        }
        if (command.getAction() instanceof RolloutStep step) {
            return RolloutSteps.step(current, command, step);
        }
        throw new InvalidCommandException("Not a rollout's command: " + command.getCommandId());
    }

    private static RolloutDecision start(RolloutState current, ConnectorCommand command, StartRollout start) {
        String problem = problem(start);
        if (problem != null) {
            return refused(Outcome.REJECTED, DecisionReasons.INVALID_ROLLOUT, problem, current);
        }
        Rollout running = underWay(current, start.getPluginClass());
        if (running != null) {
            return refused(Outcome.CONFLICT, DecisionReasons.ROLLOUT_UNDER_WAY, "rollout " + running.getId() + " of "
                    + start.getPluginClass() + " to version " + running.getVersion() + " is under way on cluster "
                    + command.getCluster() + "; one rollout of a plugin class at a time", current);
        }
        List<Rollout> rollouts = new ArrayList<>(current == null ? List.of() : current.getRollouts());
        Map<String, String> busy = new HashMap<>();
        rollouts.stream().filter(RolloutDecider::underWay)
                .forEach(r -> r.getConnectors().forEach(c -> busy.put(c.getConnector(), r.getId())));
        for (RolloutTarget target : start.getConnectors()) {
            if (busy.containsKey(target.getConnector())) {
                return refused(Outcome.CONFLICT, DecisionReasons.ROLLOUT_UNDER_WAY, "connector " + target.getConnector()
                        + " is in rollout " + busy.get(target.getConnector()) + ", under way", current);
            }
        }
        if (rollouts.stream().filter(RolloutDecider::underWay).count() >= MAX_UNDER_WAY) {
            return refused(Outcome.CONFLICT, DecisionReasons.ROLLOUT_UNDER_WAY, "at most " + MAX_UNDER_WAY
                    + " rollouts are under way on a cluster at once", current);
        }
        List<RolloutConnector> connectors = new ArrayList<>();
        int i = 0;
        for (RolloutTarget target : start.getConnectors()) {
            int batch = batchOf(i, start.getCanary(), start.getBatch());
            connectors.add(new RolloutConnector(target.getConnector(), target.getPreviousVersion(), batch, batch == 0, false));
            i++;
        }
        Rollout rollout = Rollout.newBuilder()
                .setId(command.getCommandId())
                .setPluginClass(start.getPluginClass())
                .setVersion(start.getVersion())
                .setCanary(start.getCanary())
                .setBatch(start.getBatch())
                .setWatchSeconds(start.getWatchSeconds())
                .setPrincipal(command.getPrincipal())
                .setRequestId(command.getRequestId())
                .setStartedAt(command.getIssuedAt())
                .setState(CANARY)
                .setReason(null)
                .setCurrentBatch(0)
                .setBatchStartedAt(command.getIssuedAt())
                .setWatchedFrom(null)
                .setFinishedAt(null)
                .setConnectors(connectors)
                .build();
        rollouts.add(rollout);
        RolloutState next = kept(command.getCluster(), rollouts);
        if (next == null) {
            return refused(Outcome.REJECTED, DecisionReasons.INVALID_ROLLOUT, "the cluster's rollouts would not fit in one record"
                    + " (at most " + MAX_STATE_BYTES + " bytes encoded): roll out over fewer connectors", current);
        }
        return new RolloutDecision(Outcome.CREATED, null, null, next, patches(command, rollout, 0, false, null));
    }

    /** The rollouts, the oldest finished let go past {@link #KEPT_FINISHED} or the record's bound; null if it cannot fit. */
    static RolloutState kept(String cluster, List<Rollout> rollouts) {
        List<Rollout> kept = new ArrayList<>(rollouts);
        long finished = kept.stream().filter(r -> !underWay(r)).count();
        while (finished > KEPT_FINISHED) {
            kept.remove(kept.stream().filter(r -> !underWay(r)).findFirst().orElseThrow());
            finished--;
        }
        RolloutState next = new RolloutState(cluster, kept);
        while (SetDecider.encodedSize(next) > MAX_STATE_BYTES) {
            Rollout oldest = kept.stream().filter(r -> !underWay(r)).findFirst().orElse(null);
            if (oldest == null) {
                return null;
            }
            kept.remove(oldest);
            next = new RolloutState(cluster, kept);
        }
        return next;
    }

    /**
     * The config patches of a batch's connectors: to the rollout's version, or (back) to the version
     * each had before, its key removed when it had none. Id {@code <rollout>/move/<connector>} or
     * {@code <rollout>/back/<connector>}; the rollout's principal, the time of the command that
     * wrote them, and the rollout's id as their request id, so every connector's history names it.
     * Each says which step of the rollout it is ({@link RolloutChange}; on a rollback's, {@code reason},
     * why the rollout stopped), which its lifecycle event and history entry keep.
     */
    static List<ConnectorCommand> patches(ConnectorCommand cause, Rollout rollout, int batch, boolean back, String reason) {
        List<ConnectorCommand> patches = new ArrayList<>();
        for (RolloutConnector connector : rollout.getConnectors()) {
            if (back ? !connector.getMoved() : connector.getBatch() != batch) {
                continue;
            }
            Map<String, String> patch = new HashMap<>();
            String version = back ? connector.getPreviousVersion() : rollout.getVersion();
            patch.put(VERSION_KEY, version);
            patches.add(ConnectorCommand.newBuilder()
                    .setCommandId(rollout.getId() + (back ? "/back/" : "/move/") + connector.getConnector())
                    .setCluster(cause.getCluster())
                    .setConnector(connector.getConnector())
                    .setRequestId(rollout.getId())
                    .setPrincipal(rollout.getPrincipal())
                    .setIssuedAt(cause.getIssuedAt())
                    .setAction(new PatchConnectorConfig(patch, null))
                    .setRollout(new RolloutChange(rollout.getId(), back ? STEP_BACK : STEP_MOVE, rollout.getPluginClass(),
                            connector.getBatch(), version, back ? reason : null))
                    .build());
        }
        return patches;
    }

    static RolloutDecision refused(Outcome outcome, String reason, String message, RolloutState current) {
        return new RolloutDecision(outcome, reason, message, current, List.of());
    }
}
