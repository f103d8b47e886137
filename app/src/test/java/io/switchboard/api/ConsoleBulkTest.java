package io.switchboard.api;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bulk actions in the console, in a real browser against a replica with an embedded worker: fifty
 * connectors a search shows are previewed (nothing sent), then paused in one go, and the worker's
 * confirmation of each arrives on the open page; an editor deletes a selection after a
 * confirmation dialog, an operator is not offered a delete and is refused one per connector;
 * connectors of another cluster, or not there, are refused by name while the others go on.
 */
@org.junit.jupiter.api.extension.ExtendWith(OneBrowserAtATime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBulkTest {
    private static final Map<String, String> FROM_THE_PAGE = Map.of("HX-Request", "true",
            "Content-Type", "application/x-www-form-urlencoded");
    private ConsoleBrowser console;

    @BeforeAll
    void start() throws IOException {
        console = new ConsoleBrowser();
    }

    @AfterAll
    void stop() {
        if (console != null) {
            console.close();
        }
    }

    @AfterEach
    void closePages() {
        assertEquals(List.of(), console.closePages(), "the pages broke their own Content-Security-Policy");
    }

    private void create(String name) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.file.FileStreamSourceConnector");
        config.put("tasks.max", "1");
        config.put("topic", name + "-lines");
        config.put("file", "/tmp/" + name + ".txt");
        Http.Response created = console.as("erin", "POST", "/connectors", Http.json(Map.of("name", name, "config", config)), Map.of());
        assertEquals(201, created.status(), created.body());
    }

    @Test
    void fiftyConnectorsASearchShowsArePreviewedThenPausedInOneGoAndTheWorkerConfirmsThemLive() {
        for (int i = 0; i < 50; i++) {
            create(String.format("fleet-%02d", i));
        }
        Page page = console.open("otto", "/console/?q=fleet-");
        assertThat(page.locator("#table")).containsText("50 connectors");
        page.getByLabel("which connectors").selectOption("matching");
        page.getByLabel("bulk action").selectOption("pause");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("preview")).click();
        assertThat(page.locator("#messages")).containsText("preview of pause: 50 of 50 would change");
        assertThat(page.locator("#bulk-outcomes tr[data-bulk]")).hasCount(50);
        assertThat(page.locator("#bulk-outcomes tr[data-bulk='default/fleet-07'] .outcome")).hasText("RUNNING → PAUSED");
        // A preview sends nothing: every connector is still asked to run.
        assertTrue(console.as("otto", "GET", "/connectors/fleet-07/status", null, Map.of()).body().contains("\"RUNNING\""));
        assertThat(page.locator("tr[data-connector='fleet-07'] td:nth-child(5)")).hasText("RUNNING");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("apply")).click();
        assertThat(page.locator("#messages")).containsText("pause accepted for 50 of 50");
        assertThat(page.locator("#bulk-outcomes tr[data-bulk='default/fleet-07'] .outcome")).hasText("accepted: PAUSED");
        // The progress is read again as the worker reports each connector, without a reload.
        assertThat(page.locator("#bulk-progress .bulk-confirmed")).hasText("The worker shows 50 of 50 as asked (PAUSED)");
        assertThat(page.locator("#bulk-progress li.confirmed")).hasCount(50);
        assertThat(page.locator("tr[data-connector='fleet-49'] .state")).hasText("PAUSED");
    }

    @Test
    void anEditorDeletesTheSelectedOnceConfirmedAndAnOperatorIsNeitherOfferedNorAllowedADelete() {
        create("gone-a");
        create("gone-b");
        create("kept-c");
        Page operator = console.open("otto", "/console/?q=gone-");
        assertThat(operator.locator("#bulk select[name=action] option")).hasText(new String[]{"pause", "resume", "stop", "restart"});
        Http.Response forged = console.as("otto", "POST", "/console/bulk", "action=delete&step=apply&selected=default%2Fkept-c", FROM_THE_PAGE);
        assertEquals(200, forged.status(), forged.body());
        assertTrue(forged.body().contains("delete accepted for 0 of 1; refused: kept-c (not yours to delete)"), forged.body());

        Page page = console.open("erin", "/console/?q=gone-");
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
        assertEquals(404, console.as("erin", "GET", "/connectors/gone-a", null, Map.of()).status());
        assertEquals(200, console.as("erin", "GET", "/connectors/kept-c", null, Map.of()).status());
    }

    @Test
    void selectedConnectorsArePausedAndThoseOfAnotherClusterOrNotThereAreRefusedByName() {
        create("bulk-a");
        create("bulk-b");
        Page page = console.open("otto", "/console/?q=bulk-");
        assertThat(page.locator("tr[data-connector='bulk-a'] .state")).hasText("RUNNING");
        assertThat(page.locator("tr[data-connector='bulk-b'] .state")).hasText("RUNNING");
        page.getByLabel("select bulk-a").check();
        page.getByLabel("select bulk-b").check();
        page.getByLabel("bulk action").selectOption("pause");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("apply")).click();
        assertThat(page.locator("#messages")).containsText("pause accepted for 2 of 2");
        assertThat(page.locator("tr[data-connector='bulk-a'] .state")).hasText("PAUSED");
        assertThat(page.locator("tr[data-connector='bulk-b'] .state")).hasText("PAUSED");

        Http.Response mixed = console.as("otto", "POST", "/console/bulk", "action=resume&selected=default%2Fbulk-a&selected=prod%2Fx"
                + "&selected=default%2Fnope", FROM_THE_PAGE);
        assertEquals(200, mixed.status(), mixed.body());
        assertTrue(mixed.body().contains("resume accepted for 1 of 3; refused: x (not yours to operate), nope ("), mixed.body());
        Http.Response unknown = console.as("otto", "POST", "/console/bulk", "action=explode", FROM_THE_PAGE);
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(unknown.body().contains("not explode"), unknown.body());
        Http.Response nothing = console.as("otto", "POST", "/console/bulk", "action=pause", FROM_THE_PAGE);
        assertEquals(400, nothing.status(), nothing.body());
        Http.Response forgedProgress = console.as("vera", "POST", "/console/bulk/progress", "applied=%7B%22action%22%3A1%7D", FROM_THE_PAGE);
        assertEquals(400, forgedProgress.status(), forgedProgress.body());
        assertThat(page.locator("tr[data-connector='bulk-a'] .state")).hasText("RUNNING");
    }
}
