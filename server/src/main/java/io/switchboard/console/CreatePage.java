package io.switchboard.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.RequestContexts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.switchboard.console.Html.text;

/**
 * Creating a connector from the console: the plugins the cluster's worker has, then a form built
 * from the chosen plugin's own config definitions (its validation of an empty config: every key
 * with its type, default, importance, group and documentation, required ones first), checked by
 * the worker before it is sent (each key's errors beside it), and sent as the same create the
 * Kafka Connect API makes. Empty fields are left out, so the plugin's defaults apply; a PASSWORD
 * key is a password field, and what is typed there is sealed like any secret.
 */
final class CreatePage {
    private final CoreServices core;

    CreatePage(CoreServices core) {
        this.core = core;
    }

    void page(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        Scope scope = RequestContexts.scope(ctx, cluster);
        String plugin = OverviewPage.param(ctx, "class");
        StringBuilder body = new StringBuilder("<h1>New connector <small>in ").append(text(cluster)).append("</small></h1>")
                .append("<form method=\"get\">Plugin <select name=\"class\">");
        for (JsonNode p : core.facts().plugins(scope)) {
            String name = p.path("class").asText();
            body.append("<option value=\"").append(text(name)).append(name.equals(plugin) ? "\" selected>" : "\">")
                    .append(text(name)).append(" (").append(text(p.path("type").asText())).append(")</option>");
        }
        body.append("</select> <button>choose</button></form>");
        if (!plugin.isEmpty()) {
            body.append("<form id=\"create\" hx-post=\"").append(text(base(cluster))).append("/validate\" hx-target=\"#fields\">")
                    .append("<input type=\"hidden\" name=\"connector.class\" value=\"").append(text(plugin)).append("\">")
                    .append("<p><label>name <input name=\"name\" required></label></p><div id=\"fields\">")
                    .append(fields(core.facts().definitions(scope, plugin), Map.of(), false)).append("</div>")
                    .append("<p><button>check</button> <button hx-post=\"").append(text(base(cluster)))
                    .append("/create\" hx-target=\"#fields\">create</button></p></form>");
        }
        ctx.contentType("text/html; charset=utf-8").result(Html.page("New connector", "", body.toString()));
    }

    /** The form's fields again, each with what the worker says of the value given. */
    void validate(Context ctx) {
        Scope scope = RequestContexts.scope(ctx, ctx.pathParam("cluster"));
        Map<String, String> config = given(ctx);
        JsonNode infos = core.facts().validate(scope, requirePlugin(config), config);
        ctx.contentType("text/html; charset=utf-8").result(fields(infos, config, true));
    }

    /** Creates the connector as the Kafka Connect API does; the page then goes to it. */
    void create(Context ctx) {
        String cluster = ctx.pathParam("cluster");
        Scope scope = RequestContexts.scope(ctx, cluster);
        Map<String, String> config = given(ctx);
        requirePlugin(config);
        String name = config.get("name");
        if (name == null) {
            throw new ServiceException.InvalidRequest("name", "Give the connector a name");
        }
        AsyncAnswers.answer(ctx, core.connectors().create(scope, name, config, null, null, RequestContexts.of(ctx)), written -> {
            ctx.header("HX-Redirect", ConnectorPage.base(cluster, name));
            ctx.status(201);
        });
    }

    private static String requirePlugin(Map<String, String> config) {
        String plugin = config.get("connector.class");
        if (plugin == null || plugin.isBlank()) {
            throw new ServiceException.InvalidRequest("connector.class", "Choose a plugin");
        }
        return plugin;
    }

    /** The non-empty fields of the form, the config keys they are named by. */
    private static Map<String, String> given(Context ctx) {
        Map<String, String> config = new LinkedHashMap<>();
        ctx.formParamMap().forEach((key, values) -> {
            if (!values.isEmpty() && !values.get(0).isBlank()) {
                config.put(key, values.get(0));
            }
        });
        return config;
    }

    /** One input per config key the plugin defines, required keys first, then by group and order. */
    private static String fields(JsonNode infos, Map<String, String> given, boolean checked) {
        List<JsonNode> configs = new ArrayList<>();
        infos.path("configs").forEach(configs::add);
        configs.sort((a, b) -> Boolean.compare(!required(a), !required(b)));
        StringBuilder out = new StringBuilder();
        if (checked) {
            int errors = infos.path("error_count").asInt();
            out.append("<p class=\"outcome\" id=\"check\">").append(errors == 0 ? "The worker accepts this config."
                    : "The worker finds " + errors + (errors == 1 ? " error." : " errors.")).append("</p>");
        }
        out.append("<table><tbody>");
        for (JsonNode config : configs) {
            JsonNode definition = config.path("definition");
            String key = definition.path("name").asText();
            if (key.equals("name") || key.equals("connector.class")) {
                // Their inputs are above the table; their errors are shown here.
                if (checked) {
                    for (JsonNode error : config.path("value").path("errors")) {
                        out.append("<tr><td>").append(text(key)).append("</td><td><div class=\"FAILED field-error\">")
                                .append(text(error.asText())).append("</div></td><td></td></tr>");
                    }
                }
                continue;
            }
            String type = definition.path("type").asText();
            out.append("<tr data-key=\"").append(text(key)).append("\"><td><label for=\"f-").append(text(key)).append("\">")
                    .append(text(key)).append(required(config) ? " *" : "").append("</label><br><small>")
                    .append(text(definition.path("group").asText("")).isEmpty() ? "" : text(definition.path("group").asText()) + " · ")
                    .append(text(type.toLowerCase())).append("</small></td><td><input id=\"f-").append(text(key)).append("\" name=\"")
                    .append(text(key)).append("\" type=\"").append("PASSWORD".equals(type) ? "password" : "text").append("\" value=\"")
                    .append("PASSWORD".equals(type) ? "" : text(shown(config, given.containsKey(key)))).append("\" placeholder=\"")
                    .append(text(definition.path("default_value").asText(""))).append("\">");
            if (checked) {
                for (JsonNode error : config.path("value").path("errors")) {
                    out.append("<div class=\"FAILED field-error\">").append(text(error.asText())).append("</div>");
                }
            }
            out.append("</td><td><small>").append(text(definition.path("documentation").asText(""))).append("</small></td></tr>");
        }
        return out.append("</tbody></table>").toString();
    }

    /**
     * A field's value as the worker's validation shows it back: the secret policy has already hidden
     * what is secret there, so a value typed into the form is never echoed in clear.
     */
    private static String shown(JsonNode config, boolean given) {
        JsonNode value = config.path("value").path("value");
        return given && value.isTextual() ? value.asText() : "";
    }

    private static boolean required(JsonNode config) {
        return config.path("definition").path("required").asBoolean(false);
    }

    static String base(String cluster) {
        return "/console/clusters/" + Html.url(cluster) + "/new";
    }
}
