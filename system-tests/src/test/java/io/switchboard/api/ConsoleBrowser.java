package io.switchboard.api;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.ScreenshotCaret;
import io.switchboard.testing.Http;
import io.switchboard.testing.OptionsBuilder;
import io.switchboard.testing.TestUsers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A replica with an embedded worker and four users (vera views, otto operates, erin edits, ada
 * administers, all in cluster "default"), and the system's Chromium driven by Playwright, for a browser test class:
 * pages opened as a user, each watched for what the browser refused under the page's
 * Content-Security-Policy. Skipped only where no Chromium is installed and not in CI (which
 * installs Debian's).
 */
final class ConsoleBrowser implements AutoCloseable {
    private static final String CHROMIUM = System.getProperty("switchboard.chromium", "/usr/bin/chromium");
    final SwitchboardFixture fx;
    private final Playwright playwright;
    private final Browser browser;
    private final List<BrowserContext> contexts = new ArrayList<>();
    private final List<String> blocked = new CopyOnWriteArrayList<>();

    ConsoleBrowser() throws IOException {
        this(UnaryOperator.identity());
    }

    /** @param tuning more changes to the replica's options, after the worker and the users */
    ConsoleBrowser(UnaryOperator<OptionsBuilder> tuning) throws IOException {
        assumeTrue(Files.isExecutable(Paths.get(CHROMIUM)) || System.getenv("CI") != null, CHROMIUM + " is not installed");
        Map<String, String> grants = new LinkedHashMap<>();
        grants.put("vera", "viewer@default");
        grants.put("otto", "operator@default");
        grants.put("erin", "editor@default");
        grants.put("ada", "admin@default");
        Path users = TestUsers.write(Files.createTempDirectory("switchboard-console"), grants);
        fx = new SwitchboardFixture(options -> tuning.apply(options.embeddedWorker(true)
                .flags("--users-file", users.toString())));
        // The worker's confirmation takes the time it takes on a loaded machine.
        PlaywrightAssertions.setDefaultAssertionTimeout(60_000);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get(CHROMIUM))
                .setHeadless(true).setArgs(List.of("--no-sandbox")));
    }

    /** A page of the console as {@code user}, whose credentials go with every request. */
    Page open(String user, String path) {
        Page page = watched(context(new Browser.NewContextOptions()
                .setExtraHTTPHeaders(Map.of("Authorization", TestUsers.basic(user)))));
        page.navigate(fx.app.url() + path);
        return page;
    }

    /** A browser context of its own (cookies, say), closed with the test's pages. */
    BrowserContext context(Browser.NewContextOptions options) {
        BrowserContext context = browser.newContext(options);
        contexts.add(context);
        return context;
    }

    /** A new page of the context, watched for what the browser refuses under its Content-Security-Policy. */
    Page watched(BrowserContext context) {
        Page page = context.newPage();
        page.onConsoleMessage(message -> {
            if (message.text().contains("Content Security Policy")) {
                blocked.add(message.text());
            }
        });
        page.setDefaultTimeout(60_000);
        return page;
    }

    /**
     * With {@code -Dswitchboard.writeScreenshots=true}, the page as it is now, to
     * {@code docs/images/NAME.png} for docs/console.md; otherwise nothing.
     */
    static void screenshot(Page page, String name) {
        if (Boolean.getBoolean("switchboard.writeScreenshots")) {
            // The caret left as it is: hiding it takes a style the page's Content-Security-Policy refuses.
            page.screenshot(new Page.ScreenshotOptions().setCaret(ScreenshotCaret.INITIAL)
                    .setPath(Path.of("..", "docs", "images", name + ".png")));
        }
    }

    /** One request as {@code user}, outside the browser. */
    Http.Response as(String user, String method, String path, String body, Map<String, String> more) {
        Map<String, String> headers = new LinkedHashMap<>(more);
        headers.put("Authorization", TestUsers.basic(user));
        return Http.call(fx.app.url(), method, path, body, headers);
    }

    /**
     * Closes the pages opened so far (their event streams would hold connections open into the next
     * test) and answers what the browser refused under their Content-Security-Policy.
     */
    List<String> closePages() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
        List<String> refused = List.copyOf(blocked);
        blocked.clear();
        return refused;
    }

    @Override
    public void close() {
        closePages();
        browser.close();
        playwright.close();
        fx.close();
    }
}
