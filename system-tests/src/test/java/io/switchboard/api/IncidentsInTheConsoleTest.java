package io.switchboard.api;

import io.switchboard.testing.CommandWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import io.switchboard.rules.AutoRestart;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.TargetState;
import io.switchboard.testing.HalfFailingSource;
import io.switchboard.testing.Http;
import io.switchboard.testing.RefusingSource;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's incident timeline and drift repair in a real browser (the system's Chromium,
 * driven by Playwright) against a replica with an embedded worker and users: a connector whose task
 * fails shows the failure live with its trace, its auto-restart with the back-off, and the config
 * version live then, to a viewer as to anyone; drift the data plane is waiting out a back-off for
 * is repaired by an operator at once, the worker's confirmation arriving without a reload, while a
 * viewer gets no button and a forged repair is refused. With {@code -Dswitchboard.writeScreenshots=true}
 * it writes the timeline's screenshot to docs/images for docs/console.md.
 */
@ExtendWith(OneBrowserAtATime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentsInTheConsoleTest {
    private static final Pattern ATTEMPTS = Pattern.compile("; (\\d+) attempts");
    private static final Pattern NEXT_ATTEMPT = Pattern.compile("next attempt at (\\S+)");

    /**
     * Asks for the status again (as an event would) and clicks the repair button it brings in the
     * next task after the swap, before anything else may run: a control must work as soon as it shows.
     * Then the status is replaced while the repair is under way, as the event it causes may replace
     * it: the answer's outcome must still reach the message line.
     */
    private static final String CLICK_REPAIR_AS_IT_ARRIVES = """
            () => {
              let clicked = false;
              document.body.addEventListener('htmx:afterSwap', e => {
                if (clicked || e.detail.target.id !== 'status') return;
                clicked = true;
                setTimeout(() => {
                  document.querySelector('#status button.repair').click();
                  const status = document.getElementById('status');
                  status.innerHTML = status.innerHTML;
                }, 0);
              });
              htmx.trigger(document.body, 'htmx:sseOpen');
            }""";

    private ConsoleBrowser console;
    private SwitchboardFixture fx;

    @BeforeAll
    void start() throws IOException {
        console = new ConsoleBrowser();
        fx = console.fx;
    }

    @AfterAll
    void stop() {
        if (console != null) {
            console.close();
        }
    }

    /** Each test's pages hold event streams open: closed after it. */
    @AfterEach
    void closePages() {
        assertEquals(List.of(), console.closePages(), "the pages broke their own Content-Security-Policy");
    }

    private Http.Response as(String user, String method, String path, String body, Map<String, String> more) {
        return console.as(user, method, path, body, more);
    }

    /** A page in a window large enough for the timeline's screenshot. */
    private Page open(String user, String path) {
        Page page = console.watched(console.context(new Browser.NewContextOptions()
                .setExtraHTTPHeaders(Map.of("Authorization", TestUsers.basic(user))).setViewportSize(1100, 900)));
        page.navigate(fx.app.url() + path);
        return page;
    }

    @Test
    void aFailureShowsInTheTimelineWithItsTraceItsAutoRestartAndTheVersionLiveThen() throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", HalfFailingSource.class.getName());
        config.put("tasks.max", "2");
        config.put("topic", "incident-lines");
        config.put("database.password", "hunter2");
        config.put(AutoRestart.ENABLED, "true");
        Http.Response created = as("erin", "POST", "/connectors", Http.json(Map.of("name", "incident", "config", config)), Map.of());
        assertEquals(201, created.status(), created.body());

        // A viewer: the page is open before the worker reports, and the failure arrives on it live.
        Page page = open("vera", "/console/clusters/default/connectors/incident");
        page.locator("#timeline-link").click();
        page.waitForURL("**/connectors/incident/timeline");
        Locator failure = page.locator("#timeline article.ConnectorStatusChanged", new Page.LocatorOptions()
                .setHasText("Task 1 cannot reach its source")).first();
        assertThat(failure).containsText("1 of 2 tasks FAILED");
        assertThat(failure.locator(".task")).containsText("Task 1: FAILED");
        assertThat(failure.locator("a.version")).hasText("version 1");
        assertEquals("/console/clusters/default/connectors/incident?at=1", failure.locator("a.version").getAttribute("href"));
        // Auto-restart restarted it at once; the next may come only after the rule's back-off.
        assertThat(page.locator("#timeline article.AutoRestarted").first()).containsText("Auto-restart 1; back-off: the next not before");
        assertEquals(0, page.locator("main button").count(), "read-only");
        assertFalse(page.content().contains("hunter2"), "no secret value reaches the page");
        // Read in one step in the page: the timeline redraws itself live, and element by element a redraw
        // between two reads would mix two renderings.
        @SuppressWarnings("unchecked")
        List<String> order = (List<String>) page.locator("#timeline article").evaluateAll("all => all.map(a => a.dataset.sequence)");
        for (int i = 1; i < order.size(); i++) {
            assertTrue(Long.parseLong(order.get(i - 1)) > Long.parseLong(order.get(i)), "newest first: " + order);
        }
        // A trace is folded under its first line, and opens with a click.
        failure.locator("details.trace summary").first().click();
        assertThat(failure.locator("details.trace pre").first()).isVisible();
        ConsoleBrowser.screenshot(page, "console-timeline");

        // The version link is the history's view of the connector then, secrets as the core shows them.
        failure.locator("a.version").click();
        assertThat(page.locator("#as-it-was")).containsText("As it was at version 1");
        assertFalse(page.content().contains("hunter2"));

        // Pages are bounded and their positions checked.
        String timeline = "/console/clusters/default/connectors/incident/timeline";
        assertEquals(200, as("vera", "GET", timeline + "?before=2", null, Map.of()).status());
        assertEquals(400, as("vera", "GET", timeline + "?before=abc", null, Map.of()).status());
        assertEquals(400, as("vera", "GET", timeline + "?before=0", null, Map.of()).status());
        assertEquals(404, as("vera", "GET", "/console/clusters/default/connectors/nope/timeline", null, Map.of()).status());
        assertEquals(403, as("vera", "GET", "/console/clusters/prod/connectors/incident/timeline", null, Map.of()).status());

        // The same timeline as JSON, in Kafka Connect's dialect, for a viewer too.
        Http.Response json = as("vera", "GET", "/connectors/incident/timeline?limit=50", null, Map.of());
        assertEquals(200, json.status(), json.body());
        JsonNode entries = new ObjectMapper().readTree(json.body()).path("entries");
        JsonNode failed = null;
        for (JsonNode entry : entries) {
            for (JsonNode task : entry.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText()) && task.path("trace").asText().contains("cannot reach its source")) {
                    failed = entry;
                }
            }
        }
        assertTrue(failed != null, "the failure with its task's trace: " + json.body());
        assertEquals("ConnectorStatusChanged", failed.path("event").asText());
        assertEquals(1, failed.path("version").asInt());
        assertTrue(json.body().contains("\"event\":\"AutoRestarted\""), json.body());
        assertFalse(json.body().contains("hunter2"));
        assertEquals(400, as("vera", "GET", "/connectors/incident/timeline?limit=abc", null, Map.of()).status());
        assertEquals(404, as("vera", "GET", "/connectors/nope/timeline", null, Map.of()).status());
        assertEquals(403, as("vera", "GET", "/clusters/prod/connectors/incident/timeline", null, Map.of()).status());
    }

    @Test
    void anOperatorRepairsDriftAtOnceAndSeesTheWorkerConfirmItWhileAViewerCannot() throws Exception {
        java.nio.file.Path gate = java.nio.file.Files.createTempFile(io.switchboard.testing.TestReplicas.FILES, "switchboard-gate", ".closed");
        RefusingSource.refusing(gate, true);
        // The API would check the config with the worker first; a command sent to Kafka directly reaches the data plane as it is.
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setCluster("default")
                .setConnector("repairable").setIssuedAt(System.currentTimeMillis())
                .setAction(new CreateConnector(new HashMap<>(Map.of("connector.class", RefusingSource.class.getName(), "tasks.max", "1",
                        RefusingSource.GATE_FILE, gate.toString())),
                        TargetState.RUNNING, null))
                .build();
        try (CommandWriter writer = fx.commandWriter()) {
            writer.send(fx.topics().commands(), command);
        }
        Page page = open("otto", "/console/clusters/default/connectors/repairable");
        Locator drift = page.locator("#status .drift");
        assertThat(drift).containsText("Not as asked: wanted RUNNING, the worker has ABSENT");
        assertThat(drift).containsText("The source is unreachable");
        ConsoleBrowser.screenshot(page, "console-drift");

        Page viewer = open("vera", "/console/clusters/default/connectors/repairable");
        assertThat(viewer.locator("#status .drift")).containsText("Not as asked");
        assertEquals(0, viewer.locator("#status button").count(), "a viewer may not repair");
        String repair = "/console/clusters/default/connectors/repairable/repair";
        assertEquals(403, as("vera", "POST", repair, null, Map.of("HX-Request", "true")).status(), "refused for a viewer anyway");
        Http.Response forged = as("otto", "POST", repair, null, Map.of());
        assertEquals(400, forged.status(), "without htmx's header, another site's form: " + forged.body());
        assertEquals(404, as("otto", "POST", "/console/clusters/default/connectors/nope/repair", null, Map.of("HX-Request", "true"))
                .status());

        // The data plane waits longer after each refusal (the attempts are counted, not events: read them
        // again); the source comes back meanwhile. Waited until the next attempt is at least 10 s away (after
        // the fifth refusal the wait is 16 s), so that a repair confirmed before it cannot be the retry's
        // doing even on a loaded machine.
        Instant[] nextAttemptSeen = new Instant[1];
        page.waitForCondition(() -> {
            page.reload();
            String text = drift.textContent();
            Matcher next = NEXT_ATTEMPT.matcher(text);
            if (attempts(text) < 5 || !next.find()) {
                return false;
            }
            nextAttemptSeen[0] = Instant.parse(next.group(1));
            return nextAttemptSeen[0].isAfter(Instant.now().plusSeconds(10));
        }, new Page.WaitForConditionOptions().setTimeout(180_000));
        Instant nextAttempt = nextAttemptSeen[0];
        RefusingSource.refusing(gate, false);

        // Clicked as a quick operator would: the moment a live refresh of the status has brought the button.
        List<String> seen = new CopyOnWriteArrayList<>();
        page.onRequest(request -> seen.add(Instant.now() + " sent " + request.method() + " " + request.url()));
        page.onResponse(response -> seen.add(Instant.now() + " answered " + response.status() + " " + response.url()));
        page.onPageError(error -> seen.add(Instant.now() + " script error " + error));
        Response repairAnswer;
        try {
            repairAnswer = page.waitForResponse(response -> response.url().endsWith("/repair"), () -> page.evaluate(CLICK_REPAIR_AS_IT_ARRIVES));
        } catch (PlaywrightException e) {
            throw new AssertionError("No answer to a repair: " + e.getMessage().lines().findFirst().orElse("") + "; the status then: "
                    + page.locator("#status").innerHTML() + "; the page's requests: " + String.join("\n", seen), e);
        }
        assertEquals(200, repairAnswer.status(), repairAnswer.text());
        assertThat(page.locator("#messages")).containsText("repair accepted");
        // Live, without a reload: the worker's confirmation, well before the data plane would have tried again.
        assertThat(page.locator("#status .repair-outcome")).containsText("Recovered: as asked again after");
        assertThat(page.locator("#status .drift")).hasCount(0);
        assertTrue(Instant.now().isBefore(nextAttempt), "repaired now, not at the next attempt (" + nextAttempt + ")");
        assertThat(page.locator("#status .applied")).hasText("RUNNING");

        Page timeline = open("vera", "/console/clusters/default/connectors/repairable/timeline");
        assertThat(timeline.locator("#timeline article.ReconcileRequested")).containsText("Repair asked by otto");
        assertThat(timeline.locator("#timeline article.ReconcileRecovered")).isVisible();
        assertThat(timeline.locator("#timeline article.ReconcileFailed").first()).containsText("The source is unreachable");
    }

    /**
     * What the message line says when an action's answer is not Switchboard's: an error page of a
     * proxy in between, JSON without problem details, or no answer at all (the connection dropped).
     */
    @Test
    void anActionThatFailsOnTheWayStillSaysSoOnTheMessageLine() {
        Http.Response created = as("erin", "POST", "/connectors", Http.json(Map.of("name", "behind-a-proxy", "config",
                Map.of("connector.class", "FileStreamSource", "tasks.max", "1", "file", "/tmp/switchboard-test-files/behind-a-proxy.txt", "topic", "t"))), Map.of());
        assertEquals(201, created.status(), created.body());
        Page page = open("otto", "/console/clusters/default/connectors/behind-a-proxy");
        page.route("**/behind-a-proxy/pause", route -> route.fulfill(new Route.FulfillOptions().setStatus(502)
                .setContentType("text/html").setBody("<html><body>Bad Gateway</body></html>")));
        page.route("**/behind-a-proxy/stop", route -> route.fulfill(new Route.FulfillOptions().setStatus(503)
                .setContentType("application/json").setBody("{\"error_code\": 503, \"message\": \"overloaded\"}")));
        page.route("**/behind-a-proxy/resume", route -> route.abort());
        page.locator("p.actions button", new Page.LocatorOptions().setHasText("pause")).click();
        assertThat(page.locator("#messages")).hasText("The request failed (502)");
        page.locator("p.actions button", new Page.LocatorOptions().setHasText("stop")).click();
        assertThat(page.locator("#messages")).hasText("The request failed (503)");
        page.locator("p.actions button", new Page.LocatorOptions().setHasText("resume")).click();
        assertThat(page.locator("#messages")).hasText("The request did not reach Switchboard");
    }

    private static int attempts(String drift) {
        Matcher m = ATTEMPTS.matcher(drift == null ? "" : drift);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
