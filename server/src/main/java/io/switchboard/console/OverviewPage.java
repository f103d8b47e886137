package io.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.core.Views.ConnectorDetails;
import io.switchboard.core.Views.StatusView;
import io.switchboard.core.Views.TaskStatusView;
import io.switchboard.http.RequestContexts;
import io.switchboard.rules.RolloutDecider;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static io.switchboard.console.Html.text;
import static io.switchboard.console.Html.url;

/**
 * The console's overview: every connector of every cluster the caller may see, failed first, then
 * those not as asked (a task failed, or the worker's state is not the target), then the rest by
 * cluster and name (or, with {@code sort=health}, the least healthy this week first); each one's
 * health this week ({@link OverviewHealth}); counters by state that filter; a search over name,
 * class, topics and cluster; {@link #PAGE_SIZE} rows a page. The table is a fragment of its own, which the page reloads when
 * the event stream says a connector changed.
 */
final class OverviewPage {
    static final int PAGE_SIZE = 50;
    /** The {@code sort} that lists the least healthy this week first. */
    static final String SORT_BY_HEALTH = "health";
    /**
     * Lifecycle events after which the table is read again (one read at a time, the last event
     * queued behind it), and the stream's (re)opening: what changed between the page's render and
     * the stream's start is read then, so nothing falls in the gap.
     */
    static final String CHANGES = "htmx:sseOpen from:body, sse:ConnectorCreated queue:last, sse:ConnectorDeleted queue:last, "
            + "sse:ConnectorStatusChanged queue:last, sse:TargetStateChanged queue:last, sse:ConnectorConfigChanged queue:last, "
            + "sse:ReconcileFailed queue:last, sse:ReconcileRecovered queue:last";

    /** The rows selected for a bulk action are kept in the bulk form by the console's script (console.js). */
    private static final ObjectMapper JSON = new ObjectMapper();
    private final CoreServices core;
    private final OverviewHealth health;
    /** The last rows read, by scope: cluster, visibility and consistency (the clusters are few; each holds one list a scope). */
    private final Map<Scope, Read> reads = new ConcurrentHashMap<>();

    OverviewPage(CoreServices core, OverviewHealth health) {
        this.core = core;
        this.health = health;
    }

    /** One connector as the overview lists it. */
    record Row(String cluster, String name, String connectorClass, String state, String target, int tasksRunning, int tasks,
               int tasksFailed, String topics, int rank, Instant createdAt) {
        String id() {
            return cluster + "/" + name;
        }
    }

    /** @param bulkForm the bulk actions' form ({@link BulkPage#form}) */
    void page(Context ctx, String bulkForm) {
        String newLinks = core.clusters().names().stream().filter(cluster -> RequestContexts.mayEdit(ctx, cluster))
                .map(cluster -> "<a href=\"" + text(CreatePage.base(cluster)) + "\">new connector in " + text(cluster) + "</a>")
                .reduce((a, b) -> a + " · " + b).map(links -> "<p>" + links + "</p>").orElse("");
        String policyLinks = core.clusters().names().stream().filter(cluster -> RequestContexts.mayView(ctx, cluster))
                .map(cluster -> "<a href=\"" + text(PolicyPages.base(cluster)) + "\">policies of " + text(cluster) + "</a>")
                .reduce((a, b) -> a + " · " + b).map(links -> "<p id=\"policy-links\">" + links + "</p>").orElse("");
        String body = "<h1>Connectors</h1>" + newLinks + policyLinks + rollouts(ctx)
                + "<form id=\"search\" hx-get=\"/console/connectors\" hx-target=\"#table\" hx-trigger=\"input changed delay:300ms, submit\">"
                + "<input id=\"q\" name=\"q\" type=\"search\" size=\"50\" placeholder=\"Search by name, class, topic or cluster\" value=\""
                + text(param(ctx, "q")) + "\">"
                + "<input type=\"hidden\" name=\"state\" value=\"" + text(param(ctx, "state")) + "\">"
                + "<input type=\"hidden\" name=\"sort\" value=\"" + text(sort(ctx)) + "\"></form>"
                + bulkForm
                + "<div id=\"table\" hx-get=\"/console/connectors\" hx-include=\"#search, #selection\" hx-trigger=\""
                + CHANGES + "\">" + table(ctx) + "</div>";
        ctx.contentType("text/html; charset=utf-8").result(Html.page("Connectors", "hx-ext=\"sse\" sse-connect=\"/events\"", body));
    }

    /** The plugin version rollouts under way in the clusters the caller may view, each with its state and a link to its page; none when none is. */
    private String rollouts(Context ctx) {
        List<String> underWay = new ArrayList<>();
        for (String cluster : core.clusters().names()) {
            if (!RequestContexts.mayView(ctx, cluster)) {
                continue;
            }
            try {
                Scope scope = RequestContexts.scope(ctx, cluster);
                core.rollouts().rollouts(scope).stream().filter(RolloutDecider::underWay).forEach(r -> underWay.add(
                        "<a href=\"" + text(RolloutPage.path(cluster, r.getId())) + "\">" + text(r.getPluginClass()) + " to "
                                + text(r.getVersion()) + " in " + text(cluster) + "</a>: " + text(r.getState())
                                + " (batch " + r.getCurrentBatch() + ")"));
            } catch (io.switchboard.core.StoreUnavailableException e) {
                // The store cannot be read now: the page shows the connectors without it.
            }
        }
        return underWay.isEmpty() ? "" : "<p id=\"rollouts\">Rollouts under way: " + String.join(" · ", underWay) + "</p>";
    }

    void fragment(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(table(ctx));
    }

    private String table(Context ctx) {
        String stateFilter = param(ctx, "state").toUpperCase(Locale.ROOT);
        int page = Math.max(1, parseInt(param(ctx, "page")));
        Map<String, Integer> counters = new TreeMap<>();
        Map<String, OverviewHealth.Health> healths = new HashMap<>();
        List<Row> matching = matching(ctx, param(ctx, "q"), stateFilter, counters, healths);
        String sort = sort(ctx);
        if (!sort.isEmpty()) {
            Comparator<OverviewHealth.Health> leastHealthy = Comparator.nullsLast(OverviewHealth.Health.LEAST_HEALTHY_FIRST);
            matching.sort(Comparator.comparing((Row row) -> healths.get(row.id()), leastHealthy)
                    .thenComparing(Row::cluster).thenComparing(Row::name));
        }
        String keep = "&q=" + url(param(ctx, "q")) + "&sort=" + url(sort);
        StringBuilder out = new StringBuilder("<p class=\"counters\"><a href=\"?q=" + url(param(ctx, "q")) + "&sort=" + url(sort)
                + "\">all " + counters.values().stream().mapToInt(Integer::intValue).sum() + "</a>");
        counters.forEach((state, count) -> out.append("<a class=\"").append(text(state)).append("\" href=\"?state=")
                .append(url(state)).append(text(keep)).append("\">").append(text(state.toLowerCase(Locale.ROOT)))
                .append(' ').append(count).append("</a>"));
        Set<String> selected = new HashSet<>(selection(ctx.queryParam("selection")));
        String order = "?state=" + url(stateFilter) + "&q=" + url(param(ctx, "q"));
        out.append("</p><table><thead><tr><th></th><th>Connector</th><th>Cluster</th><th>State</th><th>Asked</th><th>Tasks</th>"
                + "<th>Health this week ").append(sort.isEmpty()
                ? "<a id=\"sort-health\" href=\"" + text(order + "&sort=" + SORT_BY_HEALTH) + "\">least healthy first</a>"
                : "<a id=\"sort-health\" href=\"" + text(order) + "\">failed first (the usual order)</a>")
                .append("</th><th>Class</th><th>Topics</th></tr></thead><tbody>");
        int from = (page - 1) * PAGE_SIZE;
        for (Row row : matching.subList(Math.min(from, matching.size()), Math.min(from + PAGE_SIZE, matching.size()))) {
            String id = row.id();
            out.append("<tr data-connector=\"").append(text(row.name())).append("\"><td>");
            if (RequestContexts.mayOperate(ctx, row.cluster())) {
                out.append("<input type=\"checkbox\" name=\"selected\" aria-label=\"select ").append(text(row.name()))
                        .append("\" value=\"").append(text(id)).append(selected.contains(id) ? "\" checked>" : "\">");
            }
            out.append("</td><td><a class=\"connector\" href=\"/console/clusters/")
                    .append(text(url(row.cluster()))).append("/connectors/").append(text(url(row.name()))).append("\">")
                    .append(text(row.name())).append("</a></td><td>").append(text(row.cluster()))
                    .append("</td><td class=\"state ").append(text(row.state())).append("\">").append(text(row.state()))
                    .append(row.tasksFailed() == 0 ? "" : "<span class=\"FAILED\"> (" + row.tasksFailed()
                            + (row.tasksFailed() == 1 ? " task" : " tasks") + " failed)</span>")
                    .append(row.state().equals(row.target()) || row.state().equals("FAILED") ? ""
                            : " <span class=\"drift\">not as asked</span>")
                    .append("</td><td>").append(text(row.target())).append("</td><td>").append(row.tasksRunning()).append('/')
                    .append(row.tasks()).append("</td>").append(OverviewHealth.cell(healths.get(id)))
                    .append("<td>").append(text(row.connectorClass())).append("</td><td>")
                    .append(topicLinks(row.topics())).append("</td></tr>");
        }
        out.append("</tbody></table>");
        int pages = Math.max(1, (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE);
        out.append("<p>").append(matching.size()).append(" connectors, page ").append(Math.min(page, pages)).append(" of ").append(pages);
        if (page < pages) {
            out.append(" · <a href=\"?page=").append(page + 1).append("&state=").append(url(stateFilter))
                    .append(text(keep)).append("\">next</a>");
        }
        return out.append("</p>").toString();
    }

    /** The connectors a search and a state filter show, in the table's order. */
    List<Row> matching(Context ctx, String query, String stateFilter) {
        return matching(ctx, query, stateFilter.toUpperCase(Locale.ROOT), new TreeMap<>(), null);
    }

    /**
     * @param counters filled with how many of those the search shows are in each state, whatever the filter
     * @param healths  filled with each connector's health this week by {@link Row#id}; null: not wanted
     */
    private List<Row> matching(Context ctx, String search, String stateFilter, Map<String, Integer> counters,
                               Map<String, OverviewHealth.Health> healths) {
        String query = search.toLowerCase(Locale.ROOT);
        List<Row> matching = new ArrayList<>();
        for (String cluster : core.clusters().names()) {
            if (!RequestContexts.mayView(ctx, cluster)) {
                continue;
            }
            List<Row> rows = rows(ctx, cluster);
            if (healths != null) {
                health.of(RequestContexts.scope(ctx, cluster), rows).forEach((name, h) -> healths.put(cluster + "/" + name, h));
            }
            for (Row row : rows) {
                if (!query.isEmpty() && !matches(row, query)) {
                    continue;
                }
                counters.merge(row.state(), 1, Integer::sum);
                if (stateFilter.isEmpty() || stateFilter.equals(row.state())) {
                    matching.add(row);
                }
            }
        }
        matching.sort(Comparator.comparingInt(Row::rank).thenComparing(Row::cluster).thenComparing(Row::name));
        return matching;
    }


    /**
     * A cluster's rows as the caller may see them: read again only when the store's change mark
     * ({@link io.switchboard.core.ConnectorStore#changeMark}) differs from the one they were read
     * under, so that pages, searches and the live refreshes of many open overviews between two
     * changes cost a filter of rows at hand rather than a read of every connector. The mark is
     * taken before the read: a change during it makes the next mark differ.
     */
    private List<Row> rows(Context ctx, String cluster) {
        Scope scope = RequestContexts.scope(ctx, cluster);
        Optional<Object> mark = core.connectors().changeMark();
        Read last = reads.get(scope);
        if (mark.isPresent() && last != null && last.mark().equals(mark.get())) {
            return last.rows();
        }
        List<Row> rows = core.connectors().describeAll(scope).stream().map(details -> row(cluster, details)).toList();
        mark.ifPresent(m -> reads.put(scope, new Read(m, rows)));
        return rows;
    }

    /** One cluster's rows, read under a change mark. */
    private record Read(Object mark, List<Row> rows) {
    }

    static Row row(String cluster, ConnectorDetails details) {
        Map<String, String> config = details.connector().config();
        StatusView status = details.status();
        String state = status == null || status.state() == null ? "UNASSIGNED" : status.state();
        List<TaskStatusView> tasks = status == null ? List.of() : status.tasks();
        int running = (int) tasks.stream().filter(t -> "RUNNING".equals(t.state())).count();
        int failed = (int) tasks.stream().filter(t -> "FAILED".equals(t.state())).count();
        boolean taskFailed = failed > 0;
        String target = details.connector().target() == null ? "" : details.connector().target().name();
        int rank = "FAILED".equals(state) ? 0 : taskFailed || !state.equals(target) ? 1 : 2;
        String topics = String.join(" ", List.of(config.getOrDefault("topic", ""), config.getOrDefault("topics", ""),
                config.getOrDefault("topics.regex", ""))).trim();
        return new Row(cluster, details.connector().name(), config.getOrDefault("connector.class", ""), state, target, running,
                tasks.size(), failed, topics, rank, details.connector().createdAt());
    }

    /** Each topic a link to the overview searched for it: the connectors that use it. */
    private static String topicLinks(String topics) {
        StringBuilder out = new StringBuilder();
        for (String topic : topics.split(" ")) {
            if (!topic.isEmpty()) {
                out.append(out.isEmpty() ? "" : " ").append("<a class=\"topic\" href=\"/console/?q=").append(text(url(topic)))
                        .append("\">").append(text(topic)).append("</a>");
            }
        }
        return out.toString();
    }

    private static boolean matches(Row row, String query) {
        return (row.name() + "\n" + row.connectorClass() + "\n" + row.topics() + "\n" + row.cluster()).toLowerCase(Locale.ROOT)
                .contains(query);
    }

    /** The ids a selection field holds: a JSON list of strings; nothing when it is not one. */
    static List<String> selection(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            JsonNode ids = JSON.readTree(json);
            List<String> out = new ArrayList<>();
            if (ids.isArray()) {
                ids.forEach(id -> {
                    if (id.isTextual()) {
                        out.add(id.asText());
                    }
                });
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The order asked for: {@value #SORT_BY_HEALTH} (least healthy this week first), else the usual one. */
    private static String sort(Context ctx) {
        return SORT_BY_HEALTH.equals(param(ctx, "sort")) ? SORT_BY_HEALTH : "";
    }

    static String param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        return value == null ? "" : value.trim();
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
