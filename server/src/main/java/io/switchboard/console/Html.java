package io.switchboard.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Text made safe for HTML: every value the console writes into a page goes through {@link #text}. */
final class Html {
    private Html() {
    }

    /** The text escaped for an element's content or a quoted attribute value. */
    static String text(Object value) {
        String s = value == null ? "" : value.toString();
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A path segment or query value, percent-encoded (then escaped where it goes into an attribute). */
    static String url(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A whole page: the console's head, with htmx and its SSE extension, and the body given. */
    static String page(String title, String bodyAttributes, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + text(title) + " · Switchboard</title>"
                // htmx adds no style of its own: the policy allows only the page's style sheet. And what a
                // swap brings is wired at once: with htmx's default settle delay, a button a live refresh
                // has just put on the page does nothing when clicked for its first 20 ms or more.
                + "<meta name=\"htmx-config\" content='{\"includeIndicatorStyles\":false,\"defaultSettleDelay\":0}'>"
                + "<script src=\"/console/assets/htmx.min.js\"></script>"
                + "<script src=\"/console/assets/sse.js\"></script>"
                + "<script src=\"/console/assets/console.js\"></script>"
                + "<style>" + STYLE + "</style></head>"
                + "<body " + bodyAttributes + "><header><a href=\"/console/\">Switchboard</a>"
                + "<button class=\"signout\" hx-post=\"/console/sign-out\" hx-swap=\"none\">Sign out</button></header><main>"
                + "<p id=\"messages\" role=\"alert\" class=\"outcome\"></p>" + body + "</main></body></html>";
    }

    /**
     * What a console page may load and run: its own scripts (no inline script, no eval), its one
     * style sheet by its digest, its own event stream; no frames, no other site's anything.
     */
    static final String CONTENT_SECURITY_POLICY;

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:0;color:#1d2330}
            header{background:#1d2330;padding:.6em 1em;display:flex;justify-content:space-between}header a{color:#fff;font-weight:600;text-decoration:none}
            main{padding:1em 1.5em}table{border-collapse:collapse;width:100%}
            th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #e3e6ec;vertical-align:top}
            .state{font-weight:600}.FAILED{color:#b3261e}.RUNNING{color:#1b7f3b}.PAUSED,.STOPPED{color:#8a6d00}
            .counters a{margin-right:1em}.sealed{color:#666;font-style:italic}pre{white-space:pre-wrap;max-height:12em;overflow:auto;background:#f6f7f9;padding:.5em}
            .added{color:#1b7f3b}.removed{color:#b3261e}.changed{color:#8a6d00}.actions button{margin-right:.4em}
            .outcome{margin:.5em 0;color:#444}
            .incident{border-left:4px solid #9aa3b2;padding:.1em .9em;margin:.8em 0}.incident h3{font-size:1em;margin:.3em 0}
            .incident p{margin:.25em 0}.incident.bad{border-color:#b3261e}.incident.good{border-color:#1b7f3b}
            details.trace summary{cursor:pointer;font-family:monospace;color:#b3261e}
            #bulk-progress ul{display:flex;flex-wrap:wrap;gap:.2em 1em;padding:0}#bulk-progress li{list-style:none}
            li.confirmed{color:#1b7f3b}li.waiting{color:#8a6d00}#bulk-outcomes summary{cursor:pointer}
            .spark polyline{stroke:#2f62c8}.spark line.base{stroke:#c5cad3;stroke-width:1}td.health{white-space:nowrap}
            :root{color-scheme:light dark}
            a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #3b6fd4;outline-offset:2px}
            @media (prefers-color-scheme:dark){body{background:#14171f;color:#e3e6ec}main a{color:#8ab4f8}th,td{border-color:#2c313c}
            pre{background:#1d2330}.outcome{color:#c5cad3}.sealed{color:#9aa3b2}.RUNNING,.added,li.confirmed{color:#5cc27a}
            .FAILED,.removed,details.trace summary{color:#f28b82}.PAUSED,.STOPPED,.changed,li.waiting{color:#e0b84c}
            .spark polyline{stroke:#8ab4f8}.spark line.base{stroke:#3a404c}}
            """;

    static {
        try {
            String digest = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(STYLE.getBytes(StandardCharsets.UTF_8)));
            CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'sha256-" + digest + "'; "
                    + "connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
