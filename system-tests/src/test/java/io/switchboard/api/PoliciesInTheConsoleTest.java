package io.switchboard.api;

import com.microsoft.playwright.Page;
import io.switchboard.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A cluster's policies in the system's Chromium, as a viewer: the list with the built-in ones
 * read-only and a count of violators, a policy's page with its validations and versions, both
 * following a new violator live over the page's event stream, a policy's message shown as text
 * (never markup), and the connector's history naming the policy version its create was checked
 * against.
 */
@ExtendWith(OneBrowserAtATime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoliciesInTheConsoleTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final String MESSAGE = "<img src=x onerror=alert(1)> at most 2 tasks";
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

    @Test
    void aViewerSeesAPolicyAndItsViolatorsLiveAndTheVersionInTheConnectorsHistory() {
        String policy = Http.json(Map.of("action", "warn", "match", Map.of("names", List.of("wide-*")),
                "validations", List.of(Map.of("expression", "int(connector.config[?'tasks.max'].orValue('1')) <= 2", "message", MESSAGE))));
        Http.Response stored = console.as("ada", "PUT", "/policies/wide", policy, Map.of());
        assertEquals(201, stored.status(), stored.body());

        Page list = console.open("vera", "/console/clusters/default/policies");
        assertThat(list.locator("tr[data-policy='client-overrides']")).containsText("built in, read-only");
        assertThat(list.locator("tr[data-policy='wide'] td.action")).hasText("warn");
        assertThat(list.locator("tr[data-policy='wide'] td.violators")).hasText("0");
        Page page = console.open("vera", "/console/clusters/default/policies/wide");
        assertThat(page.locator("#validations")).containsText(MESSAGE);
        assertThat(page.locator("#versions tr#version-1")).containsText("ada");
        assertThat(page.locator("#violators")).containsText("No connector breaks it");

        // Both open pages follow the new violator over their event stream, without a reload.
        String connector = Http.json(Map.of("name", "wide-browser", "config", Map.of("connector.class", SOURCE,
                "file", "/tmp/switchboard-test-files/wide-browser.txt", "topic", "wide", "tasks.max", "8")));
        Http.Response created = console.as("erin", "POST", "/connectors", connector, Map.of());
        assertEquals(201, created.status(), created.body());
        assertThat(page.locator("#violators li[data-connector='wide-browser']")).containsText(MESSAGE);
        assertThat(list.locator("tr[data-policy='wide'] td.violators")).hasText("1");
        assertThat(page.locator("img")).hasCount(0);
        ConsoleBrowser.screenshot(page, "console-policy");

        Page history = console.open("vera", "/console/clusters/default/connectors/wide-browser");
        assertThat(history.locator("#history")).containsText("Checked against policies wide v1");
        history.locator("#history a", new Page.LocatorOptions().setHasText("wide")).first().click();
        assertThat(history.locator("#versions tr#version-1")).isVisible();
    }
}
