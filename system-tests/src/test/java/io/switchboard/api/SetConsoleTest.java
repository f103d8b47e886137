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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A connector set's console page in the system's Chromium: the latest change's progress per
 * connector turns converged live as the worker reports (over the page's event stream), a viewer
 * sees keys with values hidden and no revert, and an editor reverts a change from the page.
 */
@ExtendWith(OneBrowserAtATime.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetConsoleTest {
    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
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

    private Http.Response apply(String topic) {
        Map<String, Object> connector = new LinkedHashMap<>();
        connector.put("name", "page-a");
        connector.put("labels", Map.of("team", "page"));
        connector.put("config", Map.of("connector.class", SOURCE, "file", "/tmp/switchboard-test-files/page-a-input.txt", "topic", topic, "tasks.max", "1"));
        connector.put("state", "running");
        String body = Http.json(Map.of("selector", Map.of("team", "page"), "connectors", List.of(connector)));
        return console.as("erin", "POST", "/clusters/default/sets/page/apply", body, Map.of());
    }

    @Test
    void progressTurnsConvergedLiveAndAnEditorRevertsFromThePage() {
        // The page is open before the change: what it shows next comes over its event stream.
        assertEquals(200, apply("page-v1").status());
        Page viewer = console.open("vera", "/console/clusters/default/sets/page");
        assertThat(viewer.locator("tr[data-connector='page-a'] td.progress")).hasText("converged");
        assertThat(viewer.locator("article.change").first()).containsText("+ topic");
        assertThat(viewer.locator("article.change").first()).not().containsText("page-v1");
        assertThat(viewer.locator("button.revert")).hasCount(0);

        Page editor = console.open("erin", "/console/clusters/default/sets/page");
        assertThat(editor.locator("tr[data-connector='page-a'] td.progress")).hasText("converged");
        Http.Response second = apply("page-v2");
        assertEquals(200, second.status(), second.body());
        String change = second.json().path("change_id").asText();
        // The open page follows the new change without a reload.
        assertThat(editor.locator("#progress")).containsText(change);
        assertThat(editor.locator("tr[data-connector='page-a'] td.progress")).hasText("converged");
        ConsoleBrowser.screenshot(editor, "console-set");

        editor.reload();
        editor.onDialog(dialog -> dialog.accept());
        editor.locator("[id='change-" + change + "'] button.revert").click();
        assertThat(editor.locator("#messages")).containsText("revert applied");
        Http.Response config = console.as("erin", "GET", "/connectors/page-a/config", null, Map.of());
        assertEquals("page-v1", config.json().path("topic").asText(), config.body());
    }
}
