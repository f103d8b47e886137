package io.switchboard.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.switchboard.testing.Http;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overview in a real browser: the system's Chromium, headless, driven by Playwright (no
 * browser is downloaded). The page is loaded a few times, and the browser's own navigation timing
 * read (request to first byte, to the end, and the bytes it received). Then, with the page open
 * and its event stream connected, connectors are set FAILED one at a time by an observation; for
 * each, the time from before the observation was sent until the browser's EventSource received
 * its {@code ConnectorStatusChanged} event, and until the row was in the overview's table as
 * FAILED (the event makes the page read its table fragment again; failed connectors come first).
 * Times in the browser are its {@code Date.now()}, on the same clock as this process's
 * {@code System.currentTimeMillis()}: milliseconds. After each, the connector is set RUNNING again
 * and its row left to lose its FAILED state.
 */
final class ConsoleBrowser {
    static final Path CHROMIUM = Path.of(System.getProperty("switchboard.chromium", "/usr/bin/chromium"));
    private static final int LOADS = 5;
    /**
     * Wraps EventSource (htmx's SSE extension creates its stream with {@code new EventSource}) to
     * stamp each status event and the stream's opening, and watches the DOM for the awaited row.
     */
    private static final String PROBE = """
            (() => {
              const Native = window.EventSource;
              window.__events = [];
              window.__opened = 0;
              window.__awaited = null;
              window.__shown = 0;
              function Stamped(url, options) {
                const source = new Native(url, options);
                source.addEventListener('open', () => { window.__opened = Date.now(); });
                source.addEventListener('ConnectorStatusChanged', e => window.__events.push([Date.now(), e.data]));
                return source;
              }
              Stamped.prototype = Native.prototype;
              Stamped.CONNECTING = 0; Stamped.OPEN = 1; Stamped.CLOSED = 2;
              window.EventSource = Stamped;
              new MutationObserver(() => {
                const name = window.__awaited;
                if (name && !window.__shown
                    && document.querySelector('#table tr[data-connector="' + name + '"] td.state.FAILED')) {
                  window.__shown = Date.now();
                }
              }).observe(document, {subtree: true, childList: true});
            })();
            """;

    /** Sends one observation of a connector in a state, and returns once the broker has it. */
    interface Sender {
        void send(String name, String state) throws Exception;
    }

    private ConsoleBrowser() {
    }

    static Map<String, Object> measure(String url, int changes, Sender sender, int connectors) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
                     .setHeadless(true).setArgs(List.of("--no-sandbox")))) {
            out.put("browser", "Chromium " + browser.version() + ", headless");
            Page page = browser.newContext().newPage();
            page.addInitScript(PROBE);
            page.setDefaultTimeout(60_000);
            List<Double> firstByte = new ArrayList<>();
            List<Double> loaded = new ArrayList<>();
            long transfer = 0;
            long decoded = 0;
            for (int i = 0; i < LOADS; i++) {
                page.navigate(url + "/console/");
                JsonNode nav = Http.JSON.readTree((String) page.evaluate(
                        "() => JSON.stringify(performance.getEntriesByType('navigation')[0])"));
                firstByte.add(nav.path("responseStart").asDouble() - nav.path("requestStart").asDouble());
                loaded.add(nav.path("responseEnd").asDouble() - nav.path("startTime").asDouble());
                transfer = nav.path("transferSize").asLong();
                decoded = nav.path("decodedBodySize").asLong();
            }
            out.put("navigation_first_byte_ms", ConsoleProbe.spread(firstByte));
            out.put("navigation_response_end_ms", ConsoleProbe.spread(loaded));
            out.put("navigation_transfer_bytes", transfer);
            out.put("navigation_decoded_bytes", decoded);
            await(page, "() => window.__opened > 0", null);
            Thread.sleep(1_000);

            List<Double> toEvent = new ArrayList<>();
            List<Double> toRow = new ArrayList<>();
            for (int change = 0; change < changes; change++) {
                // Not one of the benchmark's failed connectors, nor one the event client changed; its
                // name sorts among the first 50 failed ones, so its row comes onto the first page.
                String name = ScaleBenchmark.name((change * ConsoleBenchmark.FAILED_EVERY + 10) % Math.max(1, connectors));
                page.evaluate("name => { window.__events = []; window.__shown = 0; window.__awaited = name; }", name);
                long sent = System.currentTimeMillis();
                sender.send(name, "FAILED");
                await(page, "() => window.__shown > 0", null);
                double shown = ((Number) page.evaluate("() => window.__shown")).doubleValue();
                Object event = page.evaluate("name => { const e = window.__events.find(x => x[1].includes('\"' + name + '\"'));"
                        + " return e ? e[0] : -1; }", name);
                toEvent.add(((Number) event).doubleValue() - sent);
                toRow.add(shown - sent);
                page.evaluate("() => { window.__awaited = null; }");
                sender.send(name, "RUNNING");
                await(page, "name => !document.querySelector('#table tr[data-connector=\"' + name + '\"] td.state.FAILED')", name);
                Thread.sleep(100);
            }
            out.put("changes", changes);
            out.put("observation_to_event_ms", ConsoleProbe.spread(toEvent));
            out.put("observation_to_row_ms", ConsoleProbe.spread(toRow));
        } catch (Exception | Error e) {
            out.put("error", e.toString());
        }
        return out;
    }

    /**
     * Polls a predicate in the page every 10 ms, for at most 60 s. (Playwright's waitForFunction
     * evaluates a string in the page, which the console's Content-Security-Policy forbids; the
     * times measured are stamped in the page, so the polling does not change them.)
     */
    private static void await(Page page, String predicate, Object arg) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Boolean.TRUE.equals(page.evaluate(predicate, arg))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not true within 60 s: " + predicate);
            }
            Thread.sleep(10);
        }
    }
}
