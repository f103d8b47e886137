package io.switchboard.dataplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.switchboard.dataplane.ConnectClusterClient.WorkerConnector;
import io.switchboard.dataplane.ConnectorMemory.Details;
import io.switchboard.dataplane.ConnectorMemory.Restarts;
import io.switchboard.dataplane.ConnectorMemory.StaleTasks;
import io.switchboard.rules.ConnectorMoves;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.ReconcileFailure;
import io.switchboard.schemas.TaskObservation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Turns what the reconciler saw of a connector into a {@link ConnectorObservation}, and sends it
 * only when it differs from the last one sent (by a fingerprint kept in the connector's
 * {@link ConnectorMemory}): its status, what the reconciler carried out for it, and its failure
 * while it is failing. It also reads what the status does not say: the active topics and offsets
 * (when the connector stops or an offsets or topics change was carried out, and every
 * {@link #DETAILS_EVERY_MS}; not after a create, since their routes ask the worker) and the task configs (after
 * a config change the reconciler made, until they show it, and when the number of tasks changed).
 *
 * <p>Reads that wait on the worker's herder thread are made on a full pass only; off a full pass
 * they are left to the {@link DetailsReader}, so a report is never held up behind the worker's
 * creates.
 *
 * <p>It reads the connector's {@link ConnectorMemory} and answers what it reported and read as
 * {@link MemoryChange}s, which the {@link ReconcileStep} remembers; it does not change the memory.
 *
 * <p>Concurrency: {@link #report} runs on the thread that holds the connector's claim;
 * {@link #readDetails} runs on the details reader's thread.
 */
final class ReconcileReporter {
    /** Reading offsets costs the worker an offset store per call, so they are read rarely when nothing else changed. */
    static final long DETAILS_EVERY_MS = 300_000;
    /** Details read this recently, by the details reader, count as read for a changed status. */
    private static final long DETAILS_JUST_READ_MS = 1_000;

    private final String cluster;
    private final ConnectClusterClient worker;
    private final Clock clock;
    private final Consumer<ConnectorObservation> observations;
    private final ReconcileFailures failures;
    private final DetailsReader detailsReader;
    private final QuotedSecrets quotedSecrets;
    /** The worker's config topic, when it is read; else task configs are asked of the worker. */
    private volatile WorkerConfigFeed taskFeed;
    private volatile WorkerOffsetsFeed offsetsFeed;
    /** The start of the details shape of a paused connector. */
    private static final String PAUSED = "paused|";

    ReconcileReporter(String cluster, ConnectClusterClient worker, Clock clock, Consumer<ConnectorObservation> observations,
                      ReconcileFailures failures, DetailsReader detailsReader,
                      QuotedSecrets quotedSecrets) {
        this.cluster = cluster;
        this.worker = worker;
        this.clock = clock;
        this.observations = observations;
        this.failures = failures;
        this.detailsReader = detailsReader;
        this.quotedSecrets = quotedSecrets;
    }

    /** Reads task configs from the worker's config topic from now on (when the feed can answer). */
    void readTaskConfigsFrom(WorkerConfigFeed feed) {
        this.taskFeed = feed;
    }

    /** Whether a details shape is that of a paused connector. */
    static boolean paused(String shape) {
        return shape.startsWith(PAUSED);
    }

    /** Reads source connectors' committed offsets from the worker's offsets topic from now on (when the feed can answer). */
    void readSourceOffsetsFrom(WorkerOffsetsFeed feed) {
        this.offsetsFeed = feed;
    }

    /** What the reconciler carried out for a connector, which requests wait to see reported. */
    String outcomes(String name, ConnectorMemory memory) {
        return memory.restartApplied() + "|" + memory.offsetsApplied() + "|" + memory.topicsResetApplied()
                + "|" + memory.pendingRepairs() + "|" + failures.visible(name).orElse(null);
    }

    /** Whether what {@link #outcomes} says has been reported already. */
    boolean outcomesReported(String name, ConnectorMemory memory) {
        return outcomes(name, memory).equals(memory.outcomesReported());
    }

    /**
     * What a report did: the changes to remember, in the order they happened; whether the details
     * reader is to read the connector's details or task configs (asked once the changes are
     * remembered, since it reads whether they are due); and whether the report failed (a call to
     * the worker, or sending it): it is reported on a later pass.
     */
    record Report(List<MemoryChange> changes, boolean readDetailsLater, boolean failed) {
    }

    /** Asks the details reader to read the connector's details or task configs, as a {@link Report} asked. */
    void readDetailsLater(String name) {
        detailsReader.request(name);
    }

    /** Reads one connector's active topics and offsets now: what was read, or until when not to try again. */
    MemoryChange readDetails(String name) {
        try {
            return new MemoryChange.DetailsRead(new Details(worker.activeTopics(name), worker.offsets(name), clock.millis()));
        } catch (RuntimeException e) {
            // The worker cannot say now: still due, read again by a later pass, not by the report that follows.
            return new MemoryChange.DetailsUnread(clock.millis() + DETAILS_RETRY_MS);
        }
    }

    /** After a failed read of a connector's details, how long until they are read again. */
    static final long DETAILS_RETRY_MS = 10_000;

    /**
     * Reports what the worker shows of a connector, when that changed: its status, and the
     * reconciler's failure while it is failing. A connector the worker does not have (yet) is
     * reported only while failing, as UNASSIGNED with no tasks. Answers what it did, including
     * what it did before a call to the worker or the sending failed.
     */
    Report report(ConnectorState state, WorkerConnector running, boolean fullPass, ConnectorMemory memory) {
        Noted noted = new Noted();
        try {
            report(state, running, fullPass, memory, noted);
            return new Report(noted.changes, noted.readDetailsLater, false);
        } catch (RuntimeException e) {
            return new Report(noted.changes, noted.readDetailsLater, true);
        }
    }

    /** What a report did so far. */
    private static final class Noted {
        private final List<MemoryChange> changes = new ArrayList<>();
        private boolean readDetailsLater;

        void add(MemoryChange change) {
            changes.add(change);
        }
    }

    private void report(ConnectorState state, WorkerConnector running, boolean fullPass, ConnectorMemory memory, Noted noted) {
        String name = state.getName();
        Optional<ReconcileFailure> failure = failures.visible(name);
        JsonNode status = running == null ? null : running.status();
        if (status == null && failure.isEmpty()) {
            return;
        }
        List<TaskObservation> tasks = new ArrayList<>();
        if (status != null) {
            status.path("tasks").forEach(t -> tasks.add(new TaskObservation(t.path("id").asInt(), t.path("state").asText(),
                    t.path("worker_id").asText(null), t.hasNonNull("trace") ? t.get("trace").asText() : null,
                    t.hasNonNull("version") ? t.get("version").asText() : null)));
        }
        JsonNode connector = status == null ? MissingNode.getInstance() : status.path("connector");
        Restarts restarts = memory.autoRestarts() == null ? Restarts.NONE : memory.autoRestarts();
        List<String> repairs = memory.pendingRepairs();
        ConnectorObservation observation = ConnectorObservation.newBuilder()
                .setCluster(cluster)
                .setConnector(name)
                .setObservedAt(clock.millis())
                .setState(connector.path("state").asText("UNASSIGNED"))
                .setWorkerId(connector.path("worker_id").asText(null))
                .setTrace(connector.hasNonNull("trace") ? connector.get("trace").asText() : null)
                .setVersion(connector.hasNonNull("version") ? connector.get("version").asText() : null)
                .setType(running == null ? null : running.type())
                .setTasks(tasks)
                .setRestartApplied(memory.restartApplied())
                .setOffsetsApplied(memory.offsetsApplied())
                .setTopicsResetApplied(memory.topicsResetApplied())
                .setRepairs(repairs == null ? List.of() : repairs)
                .setAutoRestarts(restarts.count())
                .setLastAutoRestart(restarts.last())
                .setReconcileFailure(failure.orElse(null))
                .build();
        String shown = statusOf(running);
        Details known = status == null ? memory.details()
                : detailsOf(name, fingerprintOf(shown, observation), detailsShape(observation), fullPass, memory, noted,
                        ConnectorMoves.awaitsOffsets(state));
        if (known != null) {
            observation.setActiveTopics(known.topics());
            observation.setOffsets(known.offsets());
            observation.setDetailsObservedAt(known.at());
        }
        String fingerprint = fingerprintOf(shown, observation) + "|" + (known == null ? "" : known.topics() + "|" + known.offsets());
        // From the worker's config topic when it is read: as the worker committed them, asked of no one.
        WorkerConfigFeed feed = taskFeed;
        List<Map<String, String>> taskConfigs = feed == null || status == null ? null : feed.taskConfigs(name).orElse(null);
        StaleTasks stale = memory.staleTasks();
        long now = clock.millis();
        if (stale != null && (taskConfigs != null || now > stale.until())) {
            // The feed shows the tasks' change when the worker commits it: nothing to read until
            // then. A change that has not shown for so long is watched no longer.
            noted.add(new MemoryChange.TasksWatched(null));
        } else if (stale != null && status != null && now >= stale.nextRead()) {
            // After a config change the reconciler made, the tasks are read until they show it:
            // the status alone need not change when the worker reconfigures the tasks.
            taskConfigs = worker.taskConfigs(name);
            noted.add(new MemoryChange.TasksWatched(taskConfigs.equals(stale.before()) ? stale.readAt(now) : null));
        }
        List<Map<String, String>> reportedTasks = memory.tasksReported();
        if (taskConfigs == null && fullPass && status != null
                && (reportedTasks == null || reportedTasks.size() != tasks.size())) {
            // The configs reported lag the status (left for later while the worker was busy creating):
            // read them now, or the views would show tasks whose configs they do not have, or none.
            taskConfigs = worker.taskConfigs(name);
        }
        boolean tasksChanged = taskConfigs != null && !taskConfigs.equals(reportedTasks);
        if (tasksChanged || !fingerprint.equals(memory.lastReported()) || !observation.getRepairs().isEmpty()) {
            // Otherwise task configs change only when the tasks do: they are read when the status
            // changed. If the worker cannot answer now (it rebalances), nothing is reported and the
            // next pass tries again, pending repairs included.
            if (taskConfigs == null) {
                // The configs of the tasks change with their number (a config change is read above):
                // a status change that keeps the tasks needs no read of them, on a full pass neither.
                boolean sameTasks = reportedTasks != null && reportedTasks.size() == tasks.size();
                if (!sameTasks && !fullPass && status != null) {
                    // Reading task configs waits on the worker's herder thread, which is busy
                    // creating while connectors are being created: the details reader reads them.
                    noted.add(new MemoryChange.TasksDue(true));
                    noted.readDetailsLater = true;
                }
                taskConfigs = status == null || !fullPass || sameTasks ? (reportedTasks == null ? List.of() : reportedTasks)
                        : worker.taskConfigs(name);
            }
            observation.setTaskConfigs(taskConfigs);
            observations.accept(QuotedSecrets.hideIn(observation, quotedSecrets.hiderFor(state)));
            noted.add(new MemoryChange.Reported(outcomes(name, memory), fingerprint, taskConfigs));
        }
    }

    /**
     * The status as the observation shows it, in one form however it was read. The worker's REST
     * answer and the status topic give one status in different JSON (the REST answer adds the
     * connector's type, the topic's entry is rebuilt field by field): fingerprinting the raw JSON
     * would make the full pass, which reads REST, report again every change a look at the topic has
     * reported, an observation the same in all but its time.
     */
    static String statusOf(WorkerConnector running) {
        JsonNode status = running == null ? null : running.status();
        if (status == null) {
            return "none";
        }
        JsonNode connector = status.path("connector");
        StringBuilder shown = new StringBuilder().append(connector.path("state").asText("UNASSIGNED")).append(shownOf(connector))
                .append('|').append(running.type());
        // By id: the order a worker lists its tasks in says nothing about them.
        List<JsonNode> tasks = new ArrayList<>();
        status.path("tasks").forEach(tasks::add);
        tasks.sort(Comparator.comparingInt(task -> task.path("id").asInt()));
        tasks.forEach(task -> shown.append("|task ").append(task.path("id").asInt()).append(' ')
                .append(task.path("state").asText()).append(shownOf(task)));
        // Its length first: the fingerprints that begin with it are compared by prefix, and one
        // status (no tasks yet) must not pass for the start of another.
        return shown.length() + ":" + shown;
    }

    private static String shownOf(JsonNode status) {
        return " " + status.path("worker_id").asText(null) + " " + (status.hasNonNull("trace") ? status.get("trace").asText() : null)
                + " " + (status.hasNonNull("version") ? status.get("version").asText() : null);
    }

    /**
     * Whether the worker shows the connector's status otherwise than it was last reported (in
     * what an observation shows of it).
     */
    static boolean showsNewStatus(WorkerConnector running, ConnectorMemory memory) {
        String reported = memory.lastReported();
        return reported == null || !reported.startsWith(statusOf(running) + "|");
    }

    private static String fingerprintOf(String status, ConnectorObservation observation) {
        return status + "|" + observation.getRestartApplied() + "|" + observation.getAutoRestarts()
                + "|" + observation.getLastAutoRestart() + "|" + observation.getOffsetsApplied()
                + "|" + observation.getTopicsResetApplied() + "|" + observation.getReconcileFailure();
    }

    /**
     * What, when it changes, makes the active topics and offsets worth reading again: whether the
     * connector is stopped (offsets are final then, and may be changed), and the offsets and topics
     * changes the reconciler carried out. A create, a pause, a resume or a task starting changes
     * none of it, so it costs the worker no reads beyond the request itself (they are read again
     * every {@link #DETAILS_EVERY_MS} regardless, and the topics and offsets routes ask the worker).
     */
    static String detailsShape(ConnectorObservation observation) {
        String state = observation.getState();
        return ("STOPPED".equals(state) ? "stopped" : "PAUSED".equals(state) ? "paused" : "live") + '|' + observation.getOffsetsApplied()
                + '|' + observation.getTopicsResetApplied();
    }

    /**
     * Whether the shape changed only from paused to running: a pause is read (its history entry
     * keeps the offsets the worker reports once it is paused), a resume is not.
     */
    static boolean resumedOnly(String before, String after) {
        return before.startsWith("paused|") && after.startsWith("live|")
                && before.substring("paused".length()).equals(after.substring("live".length()));
    }

    /**
     * The connector's active topics and offsets: read again when its status changed or the last
     * reading is {@link #DETAILS_EVERY_MS} old; kept as they were when the worker cannot say now.
     *
     * @param awaited whether the connector's offsets are awaited once it shows stopped (a move's
     *                target is created with them): first seen stopped, they are read now
     */
    private Details detailsOf(String name, String statusFingerprint, String shape, boolean fullPass, ConnectorMemory memory,
                              Noted noted, boolean awaited) {
        Details known = memory.details();
        String reported = memory.lastReported();
        long now = clock.millis();
        String knownShape = memory.detailsShape();
        long notBefore = memory.detailsNotBefore();
        boolean due = memory.detailsDue();
        boolean firstSeen = knownShape == null;
        if (firstSeen) {
            // First seen here (just created, or by a new leader): its topics and offsets are the
            // worker's to answer when someone reads them; they are read here on the periodic refresh.
            knownShape = shape;
            Long wait = known == null ? now + DETAILS_EVERY_MS : null;
            if (wait != null) {
                notBefore = Math.max(notBefore, wait);
            }
            noted.add(new MemoryChange.DetailsFirstSeen(shape, wait));
        }
        boolean statusChanged = (reported == null || !reported.startsWith(statusFingerprint + "|"))
                && !shape.equals(knownShape)
                // A move stopped it and waits on the reading the replica that stopped it did not make.
                || firstSeen && awaited && shape.startsWith("stopped|");
        if (statusChanged && resumedOnly(knownShape, shape)) {
            // A resume changes no offsets: the shape is noted (a pause after it is read again), nothing is read.
            statusChanged = false;
            knownShape = shape;
            noted.add(new MemoryChange.DetailsFirstSeen(shape, null));
        }
        if (statusChanged) {
            // A new reason to read them: neither the first sighting's wait for the periodic read
            // nor an earlier failed read's back-off holds this one back.
            due = true;
            notBefore = 0;
            noted.add(new MemoryChange.DetailsDue(shape));
        }
        WorkerOffsetsFeed feed = offsetsFeed;
        Optional<String> committed = feed == null || !paused(shape) ? Optional.empty() : feed.offsets(name);
        if (committed.isPresent()) {
            // Paused: the offsets its workers committed are read from their topic, with the status and
            // asking the worker nothing; a commit after the pause (the flush of what its tasks sent
            // before it) is reported when the feed shows it. The active topics do not change with it:
            // they are kept as last read. A stop is read of the worker: a move and a restore take its
            // reading as final, and the worker answers it once the tasks have stopped and committed.
            if (due || known == null || !committed.get().equals(known.offsets())) {
                Details fresh = new Details(known == null ? null : known.topics(), committed.get(), now);
                noted.add(new MemoryChange.DetailsRead(fresh));
                return fresh;
            }
            return known;
        }
        // Offsets cost the worker an offset store per read: off a full pass they are read on a
        // thread of their own after the status is reported, never on the way to reporting it.
        if (!fullPass) {
            if (statusChanged) {
                noted.readDetailsLater = true;
            }
            return known;
        }
        if (statusChanged && known != null && now - known.at() < DETAILS_JUST_READ_MS) {
            // Read just now, by the details reader that is reporting them.
            noted.add(new MemoryChange.DetailsCurrent());
            return known;
        }
        if (known != null && !due && now - known.at() < DETAILS_EVERY_MS) {
            return known;
        }
        if (now < notBefore) {
            return known;
        }
        try {
            Details fresh = new Details(worker.activeTopics(name), worker.offsets(name), now);
            noted.add(new MemoryChange.DetailsRead(fresh));
            return fresh;
        } catch (RuntimeException e) {
            noted.add(new MemoryChange.DetailsUnread(now + DETAILS_RETRY_MS));
            return known;
        }
    }
}
