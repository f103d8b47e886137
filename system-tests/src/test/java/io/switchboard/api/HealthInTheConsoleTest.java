package io.switchboard.api;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.Admin;
import io.switchboard.kafka.KafkaIdentities;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.ColorScheme;
import io.switchboard.metrics.HealthOptions;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connector health in the console, in a real browser (the system's Chromium, driven by Playwright)
 * against a replica with an embedded worker, users and the sink-lag reader on (a reading a second):
 * an operator signs in; a connector made to fail while its page is open shows the failure on its
 * health strip without a reload; the overview's health column says so, and once the connector runs
 * again its "least healthy first" order lists it first where the usual order lists it last; a
 * paused sink's lag grows on its sparkline as records arrive. With
 * {@code -Dswitchboard.writeScreenshots=true} it writes the screenshots docs/console.md shows.
 */
@ExtendWith(OneBrowserAtATime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthInTheConsoleTest {
    /** The probe records sent to see the paused sink read no more. */
    private static final java.util.concurrent.atomic.AtomicInteger PROBES = new java.util.concurrent.atomic.AtomicInteger();
    private ConsoleBrowser console;
    private SwitchboardFixture fx;
    private Path sinkFile;
    /** While it exists, the wobbly source's task fails (the worker runs in a process of its own). */
    private Path failFile;

    @BeforeAll
    void start() throws IOException {
        failFile = Files.createTempFile(io.switchboard.testing.TestReplicas.FILES, "switchboard-wobbly", ".fail");
        FailOnDemandSource.failing(failFile, false);
        console = new ConsoleBrowser(options -> options.health(HealthOptions.of(10_000, 3600, 3, 1)));
        fx = console.fx;
        sinkFile = Files.createTempFile(io.switchboard.testing.TestReplicas.FILES, "switchboard-drain", ".txt");
    }

    @AfterAll
    void stop() throws IOException {
        FailOnDemandSource.failing(failFile, false);
        if (console != null) {
            console.close();
        }
        if (sinkFile != null) {
            Files.deleteIfExists(sinkFile);
        }
    }

    @AfterEach
    void closePages() {
        assertEquals(List.of(), console.closePages(), "the pages broke their own Content-Security-Policy");
    }

    private void send(int records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(fx.kafka.client(KafkaIdentities.USER), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                // JSON, which the worker's converter reads.
                producer.send(new ProducerRecord<>("drain-lines", "{\"n\":" + i + "}"));
            }
            producer.flush();
        }
    }

    /**
     * Sends probe records until one stays unread for five seconds: the paused sink reads no more.
     * Each probe counts towards the lag the page shows ({@link #PROBES}).
     */
    private void awaitNothingRead() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        try (Admin admin = Admin.create(fx.kafka.client(KafkaIdentities.CONTROL_PLANE))) {
            while (System.nanoTime() < deadline) {
                send(1);
                PROBES.incrementAndGet();
                long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                long lag = lag(admin);
                while (lag != 0 && System.nanoTime() < quietUntil) {
                    Thread.sleep(250);
                    lag = lag(admin);
                }
                if (lag > 0) {
                    PROBES.set((int) lag);
                    return;
                }
            }
        }
        throw new AssertionError("the paused sink kept reading for 90 s");
    }

    /** Records of drain-lines the sink's group has not committed, or -1 when they cannot be read now. */
    private static long lag(Admin admin) {
        try {
            TopicPartition partition = new TopicPartition("drain-lines", 0);
            var committed = admin.listConsumerGroupOffsets("connect-drain").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .get(partition);
            long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS).get(partition).offset();
            return end - (committed == null ? 0 : committed.offset());
        } catch (Exception e) {
            return -1;
        }
    }

    private Http.Response as(String user, String method, String path, String body) {
        return console.as(user, method, path, body, Map.of());
    }

    private void create(String name, Map<String, String> config) {
        Http.Response created = as("erin", "POST", "/connectors", Http.json(Map.of("name", name, "config", config)));
        assertEquals(201, created.status(), created.body());
    }

    /** Waits until the worker shows the connector and each of its tasks in the state (90 s at most). */
    private void awaitState(String name, String state) {
        Await.atMost(Duration.ofSeconds(90)).until(name + " and its tasks " + state,
                () -> Http.JSON.readTree(as("vera", "GET", "/connectors/" + name + "/status", null).body()), status -> {
                    boolean all = status.path("tasks").size() > 0 && state.equals(status.path("connector").path("state").asText());
                    for (JsonNode task : status.path("tasks")) {
                        all &= state.equals(task.path("state").asText());
                    }
                    return all;
                });
    }

    /** Signs in on the form, as a user does, in a browser that prefers the dark theme. */
    private Page signIn(String user) {
        BrowserContext context = console.context(new Browser.NewContextOptions().setColorScheme(ColorScheme.DARK)
                .setViewportSize(1280, 800));
        Page page = console.watched(context);
        page.navigate(fx.app.url() + "/console/");
        page.waitForURL(fx.app.url() + "/console/sign-in");
        page.fill("input[name=user]", user);
        page.fill("input[name=key]", TestUsers.KEY);
        page.click("button[type=submit]");
        page.waitForURL(fx.app.url() + "/console/");
        return page;
    }

    @Test
    void aFailureMadeWhileWatchingShowsOnTheStripInTheHealthColumnAndFirstWhenLeastHealthyFirst() throws IOException, InterruptedException {
        // The sink's topic holds records before it starts, so that its group commits offsets: a lag to read.
        send(5);
        create("drain", Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics", "drain-lines",
                "file", sinkFile.toString()));
        create("steady", Map.of("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector", "topic", "steady-lines",
                "file", "/tmp/switchboard-test-files/steady.txt"));
        create("wobbly", Map.of("connector.class", FailOnDemandSource.class.getName(), "tasks.max", "1",
                FailOnDemandSource.FAIL_FILE, failFile.toString()));
        awaitState("wobbly", "RUNNING");

        Page page = signIn("otto");
        page.navigate(fx.app.url() + "/console/clusters/default/connectors/wobbly");
        Locator strip = page.locator("#health svg.strip");
        assertThat(strip).isVisible();
        assertThat(page.locator("#health rect.failed")).hasCount(0);
        assertThat(page.locator("#health .figures")).containsText("0 failures");
        page.evaluate("() => { window.notReloaded = true; }");

        // Made to fail while the page is open: the strip draws it live, the failure a mark linked to its timeline entry.
        FailOnDemandSource.failing(failFile, true);
        assertThat(page.locator("#health rect.failed")).not().hasCount(0);
        assertThat(page.locator("#health a.failure")).hasCount(1);
        assertThat(page.locator("#health .figures")).containsText("1 failure");
        assertThat(page.locator("#status")).containsText("FAILED");
        assertEquals(true, page.evaluate("() => window.notReloaded === true"), "the page was not reloaded");
        String mark = page.locator("#health a.failure").getAttribute("href");
        assertTrue(mark.matches("/console/clusters/default/connectors/wobbly/timeline\\?before=\\d+"), mark);
        ConsoleBrowser.screenshot(page, "console-health-strip");

        // The overview: the health column says it failed now, in words and a mark.
        page.navigate(fx.app.url() + "/console/");
        Locator wobbly = page.locator("tr[data-connector='wobbly'] td.health");
        assertThat(wobbly).containsText("failed now");
        assertThat(wobbly).hasClass("health bad");
        assertThat(page.locator("tr[data-connector='steady'] td.health")).containsText("no failure this week");

        // Running again, it is listed last in the usual order (running, by name) and first when least healthy first.
        FailOnDemandSource.failing(failFile, false);
        assertEquals(2, as("otto", "POST", "/connectors/wobbly/restart?includeTasks=true&onlyFailed=true", null).status() / 100);
        assertThat(wobbly).not().containsText("failed now");
        assertThat(wobbly).containsText("1 failure");
        assertThat(page.locator("tbody tr").last()).hasAttribute("data-connector", "wobbly");
        page.locator("#sort-health").click();
        page.waitForURL(url -> url.contains("sort=health"));
        assertEquals("wobbly", page.locator("tbody tr").first().getAttribute("data-connector"),
                "least healthy first: " + page.locator("#table").innerText());
        assertThat(page.locator("tbody tr").first().locator("td.health")).hasClass("health warn");
        // The order holds through a live refresh of the table.
        page.evaluate("() => htmx.trigger(document.body, 'htmx:sseOpen')");
        page.waitForTimeout(500);
        assertThat(page.locator("tbody tr").first()).hasAttribute("data-connector", "wobbly");
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
        ConsoleBrowser.screenshot(page, "console-overview-health");
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        assertEquals(200, as("vera", "GET", "/console/connectors?sort=health", null).status());
        assertEquals(200, as("vera", "GET", "/console/connectors?sort=nonsense", null).status(), "an unknown order is the usual one");

        // A sink's lag: paused while records arrive, its sparkline climbs, read again without a reload.
        awaitState("drain", "RUNNING");
        page.navigate(fx.app.url() + "/console/clusters/default/connectors/drain");
        assertThat(page.locator("#lag svg.spark")).isVisible();
        // Its first commit can take the worker's offset flush interval.
        assertThat(page.locator("#lag .lag-now")).hasText("0 records", new LocatorAssertions.HasTextOptions().setTimeout(120_000));
        assertEquals(202, as("otto", "PUT", "/connectors/drain/pause", null).status());
        awaitState("drain", "PAUSED");
        // The worker reports PAUSED before its task has stopped fetching: what is sent while it still
        // does is read and committed, and never lags. Records are sent once a batch would stay unread.
        awaitNothingRead();
        page.evaluate("() => { window.notReloaded = true; }");
        // Each batch shown before the next is sent: the sparkline climbs over several readings.
        for (int i = 1; i <= 3; i++) {
            send(10);
            assertThat(page.locator("#lag .lag-now")).hasText((i * 10 + PROBES.get()) + " records",
                    new LocatorAssertions.HasTextOptions().setTimeout(60_000));
        }
        assertEquals(true, page.evaluate("() => window.notReloaded === true"), "the page was not reloaded");
        ConsoleBrowser.screenshot(page, "console-sink-lag");
        String fragment = as("vera", "GET", "/console/clusters/default/connectors/drain/lag", null).body();
        assertTrue(fragment.contains("<svg class=\"spark\""), fragment);
        assertFalse(fragment.contains(sinkFile.toString()), "no config value in the sparkline");
        assertEquals(404, as("vera", "GET", "/console/clusters/default/connectors/nope/lag", null).status());
        assertEquals(403, as("vera", "GET", "/console/clusters/prod/connectors/drain/lag", null).status());
    }
}
