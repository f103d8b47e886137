package io.switchboard.api;

import io.switchboard.testing.CommandWriter;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.Cookie;
import com.microsoft.playwright.options.SameSiteAttribute;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.CreateConnector;
import io.switchboard.schemas.TargetState;
import io.switchboard.testing.Await;
import io.switchboard.testing.HalfFailingSource;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URLEncoder;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console in a real browser (the system's Chromium, driven by Playwright) against a
 * replica with an embedded worker and users: the overview lists failed connectors first and shows
 * a connector created elsewhere without a reload; a connector's page shows what was asked and what
 * the worker did separately, a pause confirmed by the worker arriving live; sealed values never
 * show; a viewer gets no actions, and actions another site could forge are refused; fifty
 * connectors a search shows are previewed, paused in one go and confirmed live, and an editor
 * deletes a selection after a confirmation dialog that an operator is never offered. It runs
 * wherever Chromium is installed, and always in CI.
 */
@ExtendWith(OneBrowserAtATime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {
    private static final String FILE_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final Map<String, String> ONE_TASK = Map.of("tasks.max", "1");
    /** What htmx sends with a form: a request the console takes as its page's own. */
    private static final Map<String, String> FROM_THE_PAGE = Map.of("HX-Request", "true",
            "Content-Type", "application/x-www-form-urlencoded");
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

    /** Each test's pages hold event streams open: closed after it, so that no test waits on another's connections. */
    @AfterEach
    void closePages() {
        assertEquals(List.of(), console.closePages(), "the pages broke their own Content-Security-Policy");
    }

    private Http.Response as(String user, String method, String path, String body, Map<String, String> more) {
        return console.as(user, method, path, body, more);
    }

    private Page open(String user, String path) {
        return console.open(user, path);
    }

    private void create(String name, String connectorClass, Map<String, String> extra) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", connectorClass);
        config.put("tasks.max", "2");
        config.put("topic", name + "-lines");
        config.put("file", "/tmp/switchboard-test-files/" + name + ".txt");
        config.putAll(extra);
        Http.Response created = as("erin", "POST", "/connectors", Http.json(Map.of("name", name, "config", config)), Map.of());
        assertEquals(201, created.status(), created.body());
    }

    @Test
    void aUserSignsInWithTheirKeyForASessionOnlyTheConsoleTakesAndSignsOut() {
        BrowserContext context = console.context(new Browser.NewContextOptions());
        Page page = console.watched(context);
        Response first = page.navigate(fx.app.url() + "/console/");
        assertTrue(first.headers().getOrDefault("content-security-policy", "").contains("script-src 'self'"), first.headers().toString());
        assertFalse(page.content().contains("<script>"), "no inline script");
        assertTrue(page.url().endsWith("/console/sign-in"), "a page asked for without credentials goes to the form: " + page.url());
        page.fill("input[name=user]", "vera");
        page.fill("input[name=key]", "not-the-key");
        page.click("button[type=submit]");
        assertThat(page.locator("#messages")).containsText("not valid");
        ConsoleBrowser.screenshot(page, "console-sign-in");
        assertTrue(context.cookies().isEmpty(), "no session for a wrong key");

        page.fill("input[name=key]", TestUsers.KEY);
        page.click("button[type=submit]");
        page.waitForURL(fx.app.url() + "/console/");
        Cookie session = context.cookies().get(0);
        assertEquals("switchboard_session", session.name);
        assertTrue(session.httpOnly, "scripts cannot read the session");
        assertEquals(SameSiteAttribute.STRICT, session.sameSite);
        // Live with the session alone: the page's event stream takes it too.
        create("signed-in", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of());
        assertThat(page.locator("tr[data-connector='signed-in']")).isVisible();
        page.navigate(fx.app.url() + "/console/clusters/default/connectors/signed-in");
        assertThat(page.locator("h1")).containsText("signed-in");

        // Only the console takes the cookie; the JSON APIs ask for credentials. A changed cookie is nobody's.
        Map<String, String> cookie = Map.of("Cookie", "switchboard_session=" + session.value);
        assertEquals(401, Http.call(fx.app.url(), "GET", "/connectors", null, cookie).status());
        assertEquals(200, Http.call(fx.app.url(), "GET", "/console/connectors", null, cookie).status());
        String[] parts = session.value.split("\\.");
        String otto = Base64.getUrlEncoder().withoutPadding().encodeToString("otto".getBytes(StandardCharsets.UTF_8));
        for (String forged : List.of(otto + session.value.substring(parts[0].length()),
                parts[0] + "." + (Long.parseLong(parts[1]) + 1) + session.value.substring(parts[0].length() + parts[1].length() + 1))) {
            assertEquals(401, Http.call(fx.app.url(), "GET", "/console/connectors", null,
                    Map.of("Cookie", "switchboard_session=" + forged)).status(), forged);
        }
        // A sign-in another site posts (without the page's header) is refused.
        assertEquals(400, Http.call(fx.app.url(), "POST", "/console/sign-in", "user=vera&key=" + TestUsers.KEY,
                Map.of("Content-Type", "application/x-www-form-urlencoded")).status());

        page.click("button.signout");
        page.waitForURL(fx.app.url() + "/console/sign-in");
        assertTrue(context.cookies().isEmpty(), "signed out");
    }

    @Test
    void anOperatorSeesFailuresFirstAndChangesLiveAndPausesWithTheWorkersConfirmation() {
        create("alpha", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of());
        create("zulu-half", HalfFailingSource.class.getName(), Map.of());
        Page page = open("otto", "/console/");
        Locator rows = page.locator("#table tbody tr");
        assertThat(page.locator("tr[data-connector='alpha']")).isVisible();
        // A task failed: listed before the connectors that run as asked, whatever their names.
        // Live: the failure shows when the worker reports it.
        assertThat(page.locator("tr[data-connector='zulu-half']")).containsText("1 task failed");
        // Until the worker reports alpha RUNNING, alpha is not as asked and ranks with the degraded too
        // (by name there, before zulu-half); once it runs, the one with a failed task comes first.
        List<String> order = Await.atMost(Duration.ofSeconds(60)).poll(
                () -> names(rows.evaluateAll("all => all.map(row => row.dataset.connector)")), // one step: the table redraws live
                o -> o.indexOf("zulu-half") < o.indexOf("alpha"));
        assertTrue(order.indexOf("zulu-half") < order.indexOf("alpha"), "failed and degraded first: " + order);
        // A topic links to the connectors that use it; the theme follows the system's.
        assertThat(page.locator("tr[data-connector='alpha'] a.topic")).hasAttribute("href", "/console/?q=alpha-lines");
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        assertEquals("rgb(20, 23, 31)", page.evaluate("getComputedStyle(document.body).backgroundColor"));
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
        ConsoleBrowser.screenshot(page, "console-overview");

        // Created elsewhere: on the open page without a reload.
        create("beta", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of());
        assertThat(page.locator("tr[data-connector='beta']")).isVisible();

        page.locator("tr[data-connector='alpha'] a.connector").click();
        assertThat(page.locator("#status .applied")).hasText("RUNNING");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("pause")).click();
        assertThat(page.locator("#messages")).containsText("pause accepted");
        assertThat(page.locator("#status .asked")).hasText("PAUSED");
        assertThat(page.locator("#status p").first()).not().containsText("an anonymous caller");
        // Confirmed by the worker, shown when it reports it.
        assertThat(page.locator("#status .applied")).hasText("PAUSED");
        assertThat(page.locator("#status")).containsText("by otto");

        // A change made through the API shows on the open page too.
        assertEquals(202, as("otto", "PUT", "/connectors/alpha/resume", null, Map.of()).status());
        assertThat(page.locator("#status .applied")).hasText("RUNNING");
        page.reload();
        assertThat(page.locator("#history")).containsText("TargetStateChanged");
        assertThat(page.locator("#history")).containsText("state: RUNNING → PAUSED");
        ConsoleBrowser.screenshot(page, "console-connector");
    }

    @Test
    void aConnectorIsShownAsItWasAtAnyVersionAndAnyTwoVersionsAreCompared() throws Exception {
        create("delta", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of());
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        changed.put("tasks.max", "2");
        changed.put("topic", "delta-v2");
        changed.put("file", "/tmp/switchboard-test-files/delta.txt");
        assertEquals(200, as("erin", "PUT", "/connectors/delta/config", Http.json(changed), Map.of()).status());
        Page page = open("otto", "/console/clusters/default/connectors/delta");
        assertThat(page.locator("#history tbody tr")).hasCount(2);
        // The link is a permalink; followed as given (a click can land elsewhere when a live refresh moves the page).
        String permalink = page.locator("#history tbody tr").last().getByText("as it was").getAttribute("href");
        assertEquals("?at=1", permalink);
        page.navigate(fx.app.url() + "/console/clusters/default/connectors/delta" + permalink);
        assertThat(page.locator("#as-it-was")).containsText("As it was at version 1");
        assertThat(page.locator("#as-it-was table")).containsText("delta-lines");
        assertThat(page.locator("#as-it-was .diff")).containsText("topic: delta-lines → delta-v2");
        assertTrue(page.url().endsWith("?at=1"), "a permalink: " + page.url());
        ConsoleBrowser.screenshot(page, "console-as-it-was");
        // At a time: the last version made by then (here, the moment version 1 was made).
        String firstMade = Http.JSON.readTree(as("otto", "GET", "/connectors/delta/history", null, Map.of()).body())
                .path("versions").get(0).path("occurred_at").asText();
        page.navigate(fx.app.url() + "/console/clusters/default/connectors/delta?at=" + firstMade);
        assertThat(page.locator("#as-it-was")).containsText("As it was at version 1");
        assertEquals(400, as("otto", "GET", "/console/clusters/default/connectors/delta?at=yesterday", null, Map.of()).status());

        page.navigate(fx.app.url() + "/console/clusters/default/connectors/delta?from=2&to=1");
        assertThat(page.locator("#comparison")).containsText("From version 2");
        assertThat(page.locator("#comparison")).containsText("topic: delta-v2 → delta-lines");
    }

    @Test
    void offsetsAreShownResetAndThePriorValuesAppliedAgainWithOneClick() throws IOException {
        Files.writeString(Path.of("/tmp/switchboard-test-files/epsilon.txt"), "one\ntwo\nthree\n");
        create("epsilon", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of("tasks.max", "1"));
        Page page = open("erin", "/console/clusters/default/connectors/epsilon");
        page.onDialog(dialog -> dialog.accept());
        // The source read the file: its committed position shows (read again as the connector's status changes).
        page.waitForCondition(() -> {
            page.reload();
            page.locator("#offsets .committed").waitFor();
            return page.locator("#offsets .committed").textContent().contains("\"position\" : 14");
        }, new Page.WaitForConditionOptions().setTimeout(90_000));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("reset offsets")).click();
        assertThat(page.locator("#messages")).containsText("reset of the offsets accepted");
        assertThat(page.locator("#offsets .offsets-request")).containsText("reset, APPLIED");
        assertThat(page.locator("#offsets")).containsText("Offsets before it");
        ConsoleBrowser.screenshot(page, "console-offsets");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("re-apply these")).click();
        assertThat(page.locator("#offsets .offsets-request")).containsText("alter, APPLIED");

        // An operator sees them and may not change them.
        Page asOperator = open("otto", "/console/clusters/default/connectors/epsilon");
        assertThat(asOperator.locator("#offsets .offsets-request")).isVisible();
        assertEquals(0, asOperator.locator("#offsets button").count());
    }

    @Test
    void aConnectorIsCreatedFromAFormBuiltFromItsPluginAndCheckedByTheWorkerFirst() {
        Page page = open("erin", "/console/");
        page.getByText("new connector in default").click();
        page.locator("select[name=class]").selectOption("org.apache.kafka.connect.file.FileStreamSinkConnector");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("choose")).click();
        // The plugin's own keys: the sink's topics, its file, and the framework's.
        assertThat(page.locator("tr[data-key='file']")).isVisible();
        assertThat(page.locator("tr[data-key='topics.regex']")).isVisible();
        page.locator("input[name=name]").fill("from-form");
        page.locator("#f-file").fill("/tmp/switchboard-test-files/from-form.txt");
        page.locator("#f-topics").fill("a");
        page.locator("#f-topics\\.regex").fill("b.*");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("check")).click();
        assertThat(page.locator("#check")).containsText("The worker finds");
        assertThat(page.locator("tr[data-key='topics'] .field-error")).isVisible();
        ConsoleBrowser.screenshot(page, "console-create");
        assertEquals(404, as("erin", "GET", "/connectors/from-form", null, Map.of()).status(), "checking creates nothing");

        page.locator("#f-topics\\.regex").fill("");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("check")).click();
        assertThat(page.locator("#check")).hasText("The worker accepts this config.");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("create")).click();
        page.waitForURL("**/console/clusters/default/connectors/from-form");
        assertThat(page.locator("#status .applied")).hasText("RUNNING");
        String stored = as("erin", "GET", "/connectors/from-form/config", null, Map.of()).body();
        assertTrue(stored.contains("\"topics\":\"a\"") && !stored.contains("topics.regex"), "only what was filled in: " + stored);

        // An operator has no form.
        assertEquals(403, as("otto", "GET", "/console/clusters/default/new", null, Map.of()).status());
    }

    @Test
    void driftTheDataPlaneCannotRepairIsShownWithWhy() throws Exception {
        // The API would refuse this config; a command sent to Kafka directly reaches the data plane as it is.
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setCluster("default")
                .setConnector("drifting").setIssuedAt(System.currentTimeMillis())
                .setAction(new CreateConnector(new HashMap<>(Map.of("connector.class", "org.example.NoSuchConnector", "tasks.max", "1")),
                        TargetState.RUNNING, null))
                .build();
        try (CommandWriter writer = fx.commandWriter()) {
            writer.send(fx.topics().commands(), command);
        }
        Page page = open("otto", "/console/clusters/default/connectors/drifting");
        assertThat(page.locator("#status .drift")).containsText("Not as asked: wanted RUNNING, the worker has ABSENT");
        assertThat(page.locator("#status .drift")).containsText("NoSuchConnector");
        // A viewer reads why, with the config's values hidden in the worker's words as in its config.
        Page viewers = open("vera", "/console/clusters/default/connectors/drifting");
        assertThat(viewers.locator("#status .drift")).containsText("Not as asked: wanted RUNNING, the worker has ABSENT");
        assertThat(viewers.locator("#status .drift")).not().containsText("NoSuchConnector");
        Page overview = open("vera", "/console/?q=drifting");
        assertThat(overview.locator("tr[data-connector='drifting']")).containsText("not as asked");
    }

    @Test
    void hostileNamesAndValuesAreShownAsTextNeverRun() {
        String name = "x\"><img src=x onerror=\"window.pwned=1\">";
        create(name, "org.apache.kafka.connect.file.FileStreamSourceConnector",
                Map.of("topic", "<script>window.pwned=2</script>", "note", "' onmouseover='window.pwned=3"));
        Page overview = open("erin", "/console/?q=" + URLEncoder.encode("onerror", StandardCharsets.UTF_8));
        assertThat(overview.locator("#table tbody tr")).hasCount(1);
        Page page = open("erin", "/console/clusters/default/connectors/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                .replace("+", "%20"));
        assertThat(page.locator("h1")).containsText("<img src=x");
        assertThat(page.locator("#status .applied")).hasText("RUNNING");
        assertEquals(0, page.locator("main img").count(), "no element made from a name");
        assertEquals(0, overview.locator("main img").count(), "no element made from a name");
        assertTrue(page.evaluate("() => window.pwned === undefined").equals(Boolean.TRUE), "nothing ran");
        assertTrue(overview.evaluate("() => window.pwned === undefined").equals(Boolean.TRUE), "nothing ran");
    }

    /**
     * An editor puts an earlier version's config back as a new version; the history keeps no
     * secret, so a secret keeps the value the connector has now. An operator gets no such button.
     */
    @Test
    void anEditorRestoresAnEarlierVersionAsANewOne() throws Exception {
        create("restorable", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of("database.password", "hunter2"));
        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        changed.put("tasks.max", "1");
        changed.put("topic", "restorable-v2");
        changed.put("file", "/tmp/switchboard-test-files/restorable.txt");
        changed.put("database.password", "swordfish");
        assertEquals(200, as("erin", "PUT", "/connectors/restorable/config", Http.json(changed), Map.of()).status());

        Page operator = open("otto", "/console/clusters/default/connectors/restorable");
        assertThat(operator.locator("#history tbody tr")).hasCount(2);
        assertEquals(0, operator.locator("#history button.restore").count(), "an operator may not change a config");

        Page page = open("erin", "/console/clusters/default/connectors/restorable");
        assertThat(page.locator("#history tbody tr")).hasCount(2);
        assertEquals(1, page.locator("#history button.restore").count(), "the newest version is the config already");
        page.onDialog(dialog -> dialog.accept());
        page.locator("#history tbody tr").last().locator("button.restore").click();
        assertThat(page.locator("#messages")).containsText("restore accepted");

        JsonNode config = Http.JSON.readTree(as("erin", "GET", "/connectors/restorable/config", null, Map.of()).body());
        assertEquals("restorable-lines", config.path("topic").asText(), config.toString());
        assertEquals("2", config.path("tasks.max").asText(), config.toString());
        JsonNode versions = Http.JSON.readTree(as("erin", "GET", "/connectors/restorable/history", null, Map.of()).body()).path("versions");
        assertEquals(3, versions.size(), versions.toString());
        JsonNode restoredChanges = versions.get(2).path("diff").path("changed");
        assertTrue(restoredChanges.has("topic") && restoredChanges.has("tasks.max"), restoredChanges.toString());
        assertFalse(restoredChanges.has("database.password"), "the secret is kept as it is now: " + restoredChanges);
        assertFalse(versions.toString().contains("hunter2") || versions.toString().contains("swordfish"), versions.toString());

        // Hostile or stale input: clear problems, never a 500 or a trace.
        String restore = "/console/clusters/default/connectors/restorable/versions/";
        Map<String, String> htmx = Map.of("HX-Request", "true");
        for (String bad : List.of("abc", "99999999999999999999", "-1", "77")) {
            Http.Response refused = as("erin", "POST", restore + bad + "/restore", null, htmx);
            assertEquals(400, refused.status(), bad + ": " + refused.body());
            assertFalse(refused.body().contains("Exception") || refused.body().contains("\tat "), refused.body());
        }
        assertEquals(403, as("otto", "POST", restore + "1/restore", null, htmx).status(), "an operator may not restore");
        assertEquals(204, as("erin", "DELETE", "/connectors/restorable", null, Map.of()).status());
        Http.Response gone = as("erin", "POST", restore + "1/restore", null, htmx);
        assertEquals(404, gone.status(), "a deleted connector is created anew, not restored: " + gone.body());
    }

    @Test
    void sealedValuesShowAsSealedWithWhoSetThemNeverTheirValue() {
        create("with-secret", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of("database.password", "hunter2"));
        Page page = open("otto", "/console/clusters/default/connectors/with-secret");
        assertThat(page.locator("text=sealed, set by erin")).isVisible();
        assertFalse(page.content().contains("hunter2"), "the value never reaches the page");
    }

    @Test
    void aViewerGetsNoActionsAndActionsAnotherSiteCouldForgeAreRefused() {
        create("gamma", "org.apache.kafka.connect.file.FileStreamSourceConnector", Map.of());
        Page page = open("vera", "/console/clusters/default/connectors/gamma");
        assertThat(page.locator("#status")).containsText("Asked");
        assertEquals(0, page.locator("#status button").count(), "a viewer may not act");

        String pause = "/console/clusters/default/connectors/gamma/pause";
        assertEquals(403, as("vera", "POST", pause, null, Map.of("HX-Request", "true")).status());
        Http.Response forged = as("otto", "POST", pause, null, Map.of());
        assertEquals(400, forged.status(), "without htmx's header, another page's form: " + forged.body());
        assertTrue(forged.body().contains("HX-Request"), forged.body());
        Http.Response history = as("otto", "GET", "/connectors/gamma/history", null, Map.of());
        assertFalse(history.body().contains("TargetStateChanged"), "nothing was paused: " + history.body());
        Http.Response anonymous = Http.call(fx.app.url(), "GET", "/console/", null);
        assertEquals(401, anonymous.status());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), anonymous.headers().map().toString());
    }

    @Test
    void fiftyConnectorsASearchShowsArePreviewedThenPausedInOneGoAndTheWorkerConfirmsThemLive() {
        for (int i = 0; i < 50; i++) {
            create(String.format("fleet-%02d", i), FILE_SOURCE, ONE_TASK);
        }
        Page page = open("otto", "/console/?q=fleet-");
        assertThat(page.locator("#table")).containsText("50 connectors");
        page.getByLabel("which connectors").selectOption("matching");
        page.getByLabel("bulk action").selectOption("pause");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("preview")).click();
        assertThat(page.locator("#messages")).containsText("preview of pause: 50 of 50 would change");
        assertThat(page.locator("#bulk-outcomes tr[data-bulk]")).hasCount(50);
        assertThat(page.locator("#bulk-outcomes tr[data-bulk='default/fleet-07'] .outcome")).hasText("RUNNING → PAUSED");
        ConsoleBrowser.screenshot(page, "console-bulk-preview");
        // A preview sends nothing: no connector was asked to pause (the worker may not have started
        // all fifty yet, so its status can still be UNASSIGNED; it is never PAUSED).
        assertFalse(as("otto", "GET", "/connectors/fleet-07/status", null, Map.of()).body().contains("PAUSED"));
        assertFalse(as("otto", "GET", "/connectors/fleet-07/history", null, Map.of()).body().contains("TargetStateChanged"));
        assertThat(page.locator("tr[data-connector='fleet-07'] td:nth-child(5)")).hasText("RUNNING");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("apply")).click();
        assertThat(page.locator("#messages")).containsText("pause accepted for 50 of 50");
        assertThat(page.locator("#bulk-outcomes tr[data-bulk='default/fleet-07'] .outcome")).hasText("accepted: PAUSED");
        // The progress is read again as the worker reports each connector, without a reload.
        assertThat(page.locator("#bulk-progress .bulk-confirmed")).hasText("The worker shows 50 of 50 as asked (PAUSED)");
        assertThat(page.locator("#bulk-progress li.confirmed")).hasCount(50);
        ConsoleBrowser.screenshot(page, "console-bulk-applied");
        assertThat(page.locator("tr[data-connector='fleet-49'] .state")).hasText("PAUSED");
        List<String> fleet = IntStream.range(0, 50).mapToObj(i -> String.format("fleet-%02d", i)).toList();
        assertEquals(200, as("erin", "POST", "/connectors/bulk", Http.json(Map.of("action", "delete", "connectors", fleet)), Map.of()).status());
    }

    @Test
    void anEditorDeletesTheSelectedOnceConfirmedAndAnOperatorIsNeitherOfferedNorAllowedADelete() {
        create("gone-a", FILE_SOURCE, ONE_TASK);
        create("gone-b", FILE_SOURCE, ONE_TASK);
        create("kept-c", FILE_SOURCE, ONE_TASK);
        Page operator = open("otto", "/console/?q=gone-");
        assertThat(operator.locator("#bulk select[name=action] option")).hasText(new String[]{"pause", "resume", "stop", "restart"});
        Http.Response forged = as("otto", "POST", "/console/bulk", "action=delete&step=apply&selected=default%2Fkept-c", FROM_THE_PAGE);
        assertEquals(200, forged.status(), forged.body());
        assertTrue(forged.body().contains("delete accepted for 0 of 1; refused: kept-c (not yours to delete)"), forged.body());

        Page page = open("erin", "/console/?q=gone-");
        page.getByLabel("select gone-a").check();
        page.getByLabel("select gone-b").check();
        page.getByLabel("bulk action").selectOption("delete");
        List<String> asked = new ArrayList<>();
        page.onDialog(dialog -> {
            asked.add(dialog.message());
            dialog.accept();
        });
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("apply")).click();
        assertThat(page.locator("#messages")).containsText("delete accepted for 2 of 2");
        assertThat(page.locator("#bulk-progress .bulk-confirmed")).hasText("The worker shows 2 of 2 as asked (gone)");
        assertTrue(asked.size() == 1 && asked.get(0).contains("Delete 2"), asked.toString());
        assertEquals(404, as("erin", "GET", "/connectors/gone-a", null, Map.of()).status());
        assertEquals(200, as("erin", "GET", "/connectors/kept-c", null, Map.of()).status());
    }

    @Test
    void selectedConnectorsArePausedAndThoseOfAnotherClusterOrNotThereAreRefusedByName() {
        create("bulk-a", FILE_SOURCE, ONE_TASK);
        create("bulk-b", FILE_SOURCE, ONE_TASK);
        Page page = open("otto", "/console/?q=bulk-");
        assertThat(page.locator("tr[data-connector='bulk-a'] .state")).hasText("RUNNING");
        assertThat(page.locator("tr[data-connector='bulk-b'] .state")).hasText("RUNNING");
        page.getByLabel("select bulk-a").check();
        page.getByLabel("select bulk-b").check();
        page.getByLabel("bulk action").selectOption("pause");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("apply")).click();
        assertThat(page.locator("#messages")).containsText("pause accepted for 2 of 2");
        assertThat(page.locator("tr[data-connector='bulk-a'] .state")).hasText("PAUSED");
        assertThat(page.locator("tr[data-connector='bulk-b'] .state")).hasText("PAUSED");

        Http.Response mixed = as("otto", "POST", "/console/bulk", "action=resume&selected=default%2Fbulk-a&selected=prod%2Fx"
                + "&selected=default%2Fnope", FROM_THE_PAGE);
        assertEquals(200, mixed.status(), mixed.body());
        assertTrue(mixed.body().contains("resume accepted for 1 of 3; refused: x (not yours to operate), nope ("), mixed.body());
        Http.Response unknown = as("otto", "POST", "/console/bulk", "action=explode", FROM_THE_PAGE);
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(unknown.body().contains("not explode"), unknown.body());
        Http.Response nothing = as("otto", "POST", "/console/bulk", "action=pause", FROM_THE_PAGE);
        assertEquals(400, nothing.status(), nothing.body());
        Http.Response forgedProgress = as("vera", "POST", "/console/bulk/progress", "applied=%7B%22action%22%3A1%7D", FROM_THE_PAGE);
        assertEquals(400, forgedProgress.status(), forgedProgress.body());
        assertThat(page.locator("tr[data-connector='bulk-a'] .state")).hasText("RUNNING");
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(Object evaluated) {
        return (List<String>) evaluated;
    }
}
