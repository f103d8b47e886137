package io.switchboard.rules;

import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.Rollout;
import io.switchboard.schemas.RolloutConnector;
import io.switchboard.schemas.TaskObservation;

import java.util.List;
import java.util.Map;

/**
 * The watch of a rollout's current batch ({@link RolloutDecider}): from what the data plane last
 * reported of each of its connectors and their health since the batch moved (the window
 * {@link HealthWindow} computes from their incidents, as the health answers do), the step the
 * rollout's driver sends, if any. A pure function of its inputs and the instant:
 *
 * <ul>
 *   <li><b>failed</b>: a connector of the batch, or a task, reports FAILED on the rollout's version,
 *   or failed (or flapped) since the batch moved; or the batch does not run the version within
 *   {@link #START_GRACE_SECONDS} beyond its watch (its patch refused, its worker slow);</li>
 *   <li><b>running</b>: every connector of the batch reports the version, RUNNING, no task failed:
 *   its watch starts;</li>
 *   <li><b>passed</b>: watched for the rollout's {@code watchSeconds} without a failure.</li>
 * </ul>
 */
public final class RolloutWatch {
    /** How long beyond its watch a batch may take to run the version before the rollout stops. */
    public static final int START_GRACE_SECONDS = 120;
    private static final int TRACE_LINE = 500;

    private RolloutWatch() {
    }

    /**
     * What is known of one connector of the batch.
     *
     * @param status  the data plane's last report (null: none)
     * @param health  its health from when the batch moved to now (null: unknown, e.g. deleted)
     * @param idle    the version its config asks, when it is asked not to run (paused or stopped: it has no health to
     *                watch, and it is moved once its config asks the version); null when it is asked to run
     */
    public record Facts(ConnectorObservation status, HealthWindow health, String idle) {
        /** A connector asked to run. */
        public Facts(ConnectorObservation status, HealthWindow health) {
            this(status, health, null);
        }
    }

    /** The step to send: one of {@link RolloutDecider}'s steps, and why for a failure. */
    public record Step(String step, String reason) {
    }

    /** The step due for the rollout's current batch now, or null for none. */
    public static Step next(Rollout rollout, Map<String, Facts> facts, long now) {
        if (!RolloutDecider.underWay(rollout)) {
            return null;
        }
        List<RolloutConnector> batch = rollout.getConnectors().stream()
                .filter(c -> c.getBatch() == rollout.getCurrentBatch()).toList();
        for (RolloutConnector connector : batch) {
            String failure = failure(rollout.getVersion(), connector.getConnector(), facts.get(connector.getConnector()));
            if (failure != null) {
                return new Step(RolloutDecider.STEP_FAILED, failure);
            }
        }
        if (rollout.getWatchedFrom() == null) {
            String waiting = null;
            for (RolloutConnector connector : batch) {
                Facts f = facts.get(connector.getConnector());
                if (f != null && f.idle() != null ? !rollout.getVersion().equals(f.idle())
                        : !runs(rollout.getVersion(), f == null ? null : f.status())) {
                    waiting = connector.getConnector() + " reports " + (f == null || f.status() == null ? "no status"
                            : f.status().getState() + " on version " + f.status().getVersion());
                    break;
                }
            }
            if (waiting == null) {
                return new Step(RolloutDecider.STEP_RUNNING, null);
            }
            long limit = rollout.getBatchStartedAt() + (rollout.getWatchSeconds() + (long) START_GRACE_SECONDS) * 1000L;
            if (now > limit) {
                return new Step(RolloutDecider.STEP_FAILED, "the batch did not run version " + rollout.getVersion() + " within "
                        + (rollout.getWatchSeconds() + START_GRACE_SECONDS) + " s: " + waiting);
            }
            return null;
        }
        return now >= rollout.getWatchedFrom() + rollout.getWatchSeconds() * 1000L ? new Step(RolloutDecider.STEP_PASSED, null) : null;
    }

    /** Whether the status shows the connector running the version, with no task failed. */
    static boolean runs(String version, ConnectorObservation status) {
        return status != null && "RUNNING".equals(status.getState()) && version.equals(status.getVersion())
                && status.getTasks().stream().noneMatch(t -> "FAILED".equals(t.getState()));
    }

    /** Why the connector fails the watch, or null. */
    static String failure(String version, String connector, Facts facts) {
        if (facts == null) {
            return null;
        }
        ConnectorObservation status = facts.status();
        if (status != null) {
            if ("FAILED".equals(status.getState()) && version.equals(status.getVersion())) {
                return "connector " + connector + " failed on version " + version + ": " + firstLine(status.getTrace());
            }
            for (TaskObservation task : status.getTasks()) {
                if ("FAILED".equals(task.getState()) && (version.equals(task.getVersion())
                        || task.getVersion() == null && version.equals(status.getVersion()))) {
                    return "task " + task.getId() + " of connector " + connector + " failed on version " + version + ": "
                            + firstLine(task.getTrace());
                }
            }
        }
        HealthWindow health = facts.health();
        if (health != null && health.flaps() > 0) {
            return "connector " + connector + " flapped since it moved to version " + version + " (" + health.failures()
                    + " failure(s))";
        }
        if (health != null && (health.failures() > 0 || health.failingAtEnd())) {
            return "connector " + connector + " failed since it moved to version " + version + " (" + health.failures()
                    + " failure(s), " + health.restarts() + " restart(s))";
        }
        return null;
    }

    private static String firstLine(String trace) {
        if (trace == null || trace.isBlank()) {
            return "no trace";
        }
        String line = trace.strip().lines().findFirst().orElse("");
        return line.length() > TRACE_LINE ? line.substring(0, TRACE_LINE) + "..." : line;
    }
}
