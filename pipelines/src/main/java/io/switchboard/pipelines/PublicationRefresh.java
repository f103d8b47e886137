package io.switchboard.pipelines;

import io.switchboard.core.ConnectorService;
import io.switchboard.core.RequestContext;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.rules.CommandDecider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One look at a running pipeline's source, every few seconds on the replica holding the data plane's
 * lease ({@link PipelineScheduler}): the tables that appeared are added to its own publication
 * ({@link PublicationTables}), and each table it leaves out ({@link TablesLeftOut}, and the renamed
 * ones {@link RenamedTables} sees) that its source connector has not recorded yet for that reason is
 * reported as a command ({@link ConnectorService#recordPipelineTableLeftOut}), principal
 * {@value #PRINCIPAL}. It reports facts and decides nothing: the processor records a table and reason
 * once, so a report sent again (a second replica, a restart) is recorded once. At most
 * {@value #MAX_REPORTS} reports a look, one at a time; the next look sends the rest.
 */
final class PublicationRefresh {
    private static final Logger log = LoggerFactory.getLogger(PublicationRefresh.class);
    static final String PRINCIPAL = "system";
    static final int MAX_REPORTS = 20;
    private static final long ANSWER_SECONDS = 10;
    private final ConnectorService connectors;
    private final StoredPipelines store;
    private final Scope scope;
    private final RenamedTables renames = new RenamedTables();

    PublicationRefresh(ConnectorService connectors, StoredPipelines store, Scope scope) {
        this.connectors = connectors;
        this.store = store;
        this.scope = scope;
    }

    /** Forgets the pipelines that are gone. */
    void retain(List<String> ids) {
        renames.retain(ids);
    }

    /** Adds the pipeline's new tables to its publication and reports those left out; answers how many were added. */
    int refresh(PipelineSpec spec) throws SQLException {
        String publication = PipelineCompiler.slotName(spec.id());
        Map<String, String> leftOut = new LinkedHashMap<>();
        Map<String, String> renamed;
        int added;
        try (Connection c = store.opened(spec.source()).connect(5)) {
            added = PublicationTables.addNew(c, publication, leftOutAtStart(spec.id())).size();
            renamed = renames.renamed(spec.id(), c, publication);
            renamed.forEach((table, from) -> leftOut.put(table, TablesLeftOut.renamedReason(from)));
            for (TablesLeftOut.Table table : TablesLeftOut.read(c, publication, TablesLeftOut.SOURCE_USER).tables()) {
                leftOut.putIfAbsent(table.table(), table.reason());
            }
        }
        Map<String, String> recorded = store.state(PipelineCompiler.sourceName(spec.id()))
                .map(s -> s.getPipelineTablesLeftOut()).orElse(Map.of());
        int sent = 0;
        for (Map.Entry<String, String> table : leftOut.entrySet()) {
            if (table.getValue().equals(recorded.get(table.getKey()))) {
                renames.recorded(spec.id(), table.getKey());
                continue;
            }
            if (!CommandDecider.tableLeftOutRecordable(recorded, table.getKey())) {
                // As many as a connector keeps are recorded: the decider would refuse it, every look.
                continue;
            }
            if (sent++ >= MAX_REPORTS) {
                break;
            }
            if (report(spec.id(), table.getKey(), table.getValue())) {
                renames.recorded(spec.id(), table.getKey());
            }
        }
        return added;
    }

    /** The tables the source connector was told at its start to leave out ({@code table.exclude.list}), by unquoted name. */
    private java.util.function.Predicate<String> leftOutAtStart(String id) {
        String excluded = store.state(PipelineCompiler.sourceName(id)).map(s -> s.getConfig().get("table.exclude.list")).orElse(null);
        if (excluded == null) {
            return table -> false;
        }
        List<java.util.regex.Pattern> patterns = new java.util.ArrayList<>();
        for (String pattern : excluded.split(",")) {
            try {
                patterns.add(java.util.regex.Pattern.compile(pattern));
            } catch (java.util.regex.PatternSyntaxException e) {
                log.debug("Pipeline {} excludes a pattern that does not compile here: {}", id, pattern);
            }
        }
        return table -> patterns.stream().anyMatch(p -> p.matcher(table).matches());
    }

    /** Sends one report and waits for its decision; true when it is recorded (now or before). */
    private boolean report(String id, String table, String reason) {
        RequestContext request = new RequestContext(UUID.randomUUID().toString(), PRINCIPAL).forPipeline(id);
        try {
            boolean recorded = connectors.recordPipelineTableLeftOut(scope, PipelineCompiler.sourceName(id), table, reason,
                    TablesLeftOut.fix(table, reason, TablesLeftOut.SOURCE_USER), request).get(ANSWER_SECONDS, TimeUnit.SECONDS);
            if (recorded) {
                log.info("Pipeline {} leaves out table {}: {}", id, table, reason);
            }
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ServiceException.NotFound) {
                return false;
            }
            log.warn("Table {} left out of pipeline {} could not be recorded now ({}); trying again", table, id, e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("No decision on table {} left out of pipeline {} within {} s; trying again", table, id, ANSWER_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Table {} left out of pipeline {} could not be recorded now ({}); trying again", table, id, e.toString());
        }
        return false;
    }
}
