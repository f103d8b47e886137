package io.switchboard.console;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.switchboard.access.Access;
import io.switchboard.auth.AccessCheck;
import io.switchboard.auth.OidcSignIn;
import io.switchboard.core.CoreServices;
import io.switchboard.core.Scope;
import io.switchboard.core.ServiceException;
import io.switchboard.core.SinkLagReadings;
import io.switchboard.http.AsyncAnswers;
import io.switchboard.http.Dialect;
import io.switchboard.http.ErrorFormat;
import io.switchboard.http.Problem;
import io.switchboard.http.RequestContexts;
import io.switchboard.rules.HealthTally;
import io.switchboard.schemas.TargetState;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The web console under {@code /console/}: server-rendered pages with htmx, live over the event
 * stream ({@code /events}, Server-Sent Events), a client of the same core service the dialects use,
 * with no rule of its own. Every route declares its access where it is registered: pages need a
 * view grant (the overview any grant, showing only the clusters it covers), pause, resume, stop and
 * restart and repair an operate grant, delete and offsets changes an edit grant, in the connector's cluster;
 * a connector set's page a view grant and its revert an edit grant, in the set's cluster; a cluster's
 * policy pages a view grant (they change nothing).
 *
 * <p>Actions are POSTs that only the console's page sends: each must carry htmx's
 * {@code HX-Request} header, which a form or a script on another site cannot add to a request
 * carrying the browser's saved credentials without a CORS preflight this server never allows.
 */
public final class ConsoleDialect implements Dialect {
    static final String BASE = "/console/";
    private static final String CONNECTOR = "/console/clusters/{cluster}/connectors/{connector}";
    private static final String SET = "/console/clusters/{cluster}/sets/{set}";
    /** The scripts the pages load, from their WebJars, in the order they are registered. */
    private static final List<Map.Entry<String, String>> ASSETS = List.of(
            Map.entry("/console/assets/htmx.min.js", "/META-INF/resources/webjars/htmx.org/2.0.4/dist/htmx.min.js"),
            Map.entry("/console/assets/sse.js", "/META-INF/resources/webjars/htmx-ext-sse/2.2.2/sse.js"),
            Map.entry("/console/assets/console.js", "/console/console.js"));

    private final CoreServices core;
    private final OverviewPage overview;
    private final BulkPage bulk;
    private final ConnectorPage connector;
    private final HealthStrip health;
    private final LagSparkline lag;
    private final OffsetsSection offsets;
    private final CreatePage create;
    private final TimelinePage timeline;
    private final SetPage sets;
    private final RolloutPage rollouts;
    private final PolicyPages policies;
    private final SignInPage signIn;
    private final ConsoleErrors errors = new ConsoleErrors();

    /**
     * @param access     the access check, for signing in with a key; null: no credentials are configured
     * @param flapWindow how soon after a recovery a failure is a flap: {@code --health-flapping-window-s}
     * @param lags       each sink's recent lag readings, for its page's sparkline ({@link SinkLagReadings#NONE}: none kept)
     */
    public ConsoleDialect(CoreServices core, AccessCheck access, Duration flapWindow, SinkLagReadings lags) {
        this.core = core;
        this.signIn = new SignInPage(access);
        this.overview = new OverviewPage(core, new OverviewHealth(core, Clock.systemUTC(), flapWindow));
        this.lag = new LagSparkline(core, lags);
        this.bulk = new BulkPage(core, overview);
        this.connector = new ConnectorPage(core);
        this.offsets = new OffsetsSection(core);
        this.create = new CreatePage(core);
        this.timeline = new TimelinePage(core);
        this.sets = new SetPage(core);
        this.rollouts = new RolloutPage(core);
        this.policies = new PolicyPages(core);
        this.health = new HealthStrip(core, Clock.systemUTC(), flapWindow);
    }

    @Override
    public List<String> basePaths() {
        return List.of(BASE);
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    @Override
    public void register(JavalinConfig config) {
        Access.TargetRule cluster = ctx -> Access.Target.cluster(ctx.pathParam("cluster"));
        config.routes.before("/console/*", ctx -> ctx.header("Content-Security-Policy", Html.CONTENT_SECURITY_POLICY));
        config.routes.get(BASE, ctx -> overview.page(ctx, bulk.form(ctx)), Access.view(ctx -> Access.Target.ANY_GRANTED));
        config.routes.get(AccessCheck.SIGN_IN, signIn::page, Access.open());
        config.routes.post(AccessCheck.SIGN_IN, signIn::signIn, Access.open());
        config.routes.post("/console/sign-out", signIn::signOut, Access.open());
        config.routes.get(OidcSignIn.START, signIn::startAtIssuer, Access.open());
        config.routes.get(OidcSignIn.CALLBACK, signIn::returnFromIssuer, Access.open());
        config.routes.get("/console/connectors", overview::fragment, Access.view(ctx -> Access.Target.ANY_GRANTED));
        ASSETS.forEach(asset -> config.routes.get(asset.getKey(), ctx -> asset(ctx, asset.getValue()), Access.open()));
        config.routes.get(CONNECTOR, connector::page, Access.view(cluster));
        config.routes.get(CONNECTOR + "/status", connector::statusFragment, Access.view(cluster));
        config.routes.post(CONNECTOR + "/pause", ctx -> target(ctx, TargetState.PAUSED, "pause"), Access.operate(cluster));
        config.routes.post(CONNECTOR + "/resume", ctx -> target(ctx, TargetState.RUNNING, "resume"), Access.operate(cluster));
        config.routes.post(CONNECTOR + "/stop", ctx -> target(ctx, TargetState.STOPPED, "stop"), Access.operate(cluster));
        config.routes.post(CONNECTOR + "/restart", ctx -> restart(ctx, false), Access.operate(cluster));
        config.routes.post(CONNECTOR + "/restart-failed", ctx -> restart(ctx, true), Access.operate(cluster));
        config.routes.post(CONNECTOR + "/repair", this::repair, Access.operate(cluster));
        config.routes.get(CONNECTOR + "/timeline", timeline::page, Access.view(cluster));
        config.routes.get(CONNECTOR + "/health", health::fragment, Access.view(cluster));
        config.routes.get(CONNECTOR + "/lag", lag::fragment, Access.view(cluster));
        config.routes.post(CONNECTOR + "/delete", this::delete, Access.edit(cluster));
        config.routes.post(CONNECTOR + "/versions/{sequence}/restore", this::restore, Access.edit(cluster));
        config.routes.get("/console/clusters/{cluster}/new", create::page, Access.edit(cluster));
        config.routes.post("/console/clusters/{cluster}/new/validate", ctx -> {
            requireConsolePage(ctx);
            create.validate(ctx);
        }, Access.edit(cluster));
        config.routes.post("/console/clusters/{cluster}/new/create", ctx -> {
            requireConsolePage(ctx);
            create.create(ctx);
        }, Access.edit(cluster));
        config.routes.get(CONNECTOR + "/offsets", offsets::fragment, Access.view(cluster));
        config.routes.post(CONNECTOR + "/offsets/reset", ctx -> {
            fromConsole(ctx);
            offsets.reset(ctx);
        }, Access.edit(cluster));
        config.routes.post(CONNECTOR + "/offsets/alter", ctx -> {
            fromConsole(ctx);
            offsets.alter(ctx);
        }, Access.edit(cluster));
        // Connectors of any cluster the caller may operate in (edit, for a delete); each is checked in its own cluster.
        config.routes.get("/console/clusters/{cluster}/rollouts/{rollout}", rollouts::page, Access.view(cluster));
        config.routes.get(SET, sets::page, Access.view(cluster));
        config.routes.get(SET + "/progress", sets::progressFragment, Access.view(cluster));
        config.routes.post(SET + "/changes/{change}/revert", sets::revert, Access.edit(cluster));
        // A cluster's policies, read-only: changed through the API or switchboard apply.
        config.routes.get("/console/clusters/{cluster}/policies", policies::list, Access.view(cluster));
        config.routes.get("/console/clusters/{cluster}/policies/{policy}", policies::page, Access.view(cluster));
        config.routes.get("/console/clusters/{cluster}/policies/{policy}/violators", policies::violatorsFragment, Access.view(cluster));
        config.routes.post("/console/bulk", bulk::bulk, Access.operate(ctx -> Access.Target.ANY_GRANTED));
        config.routes.post("/console/bulk/progress", bulk::progress, Access.view(ctx -> Access.Target.ANY_GRANTED));
    }

    private void target(Context ctx, TargetState target, String verb) {
        Scope scope = fromConsole(ctx);
        answer(ctx, scope, core.connectors().changeTargetState(scope, name(ctx), target, RequestContexts.of(ctx)),
                verb + " accepted: asked " + target + "; the worker's state shows here when it reports it");
    }

    private void restart(Context ctx, boolean onlyFailed) {
        Scope scope = fromConsole(ctx);
        answer(ctx, scope, core.connectors().restart(scope, name(ctx), onlyFailed, onlyFailed, RequestContexts.of(ctx)),
                onlyFailed ? "restart of the failed tasks accepted" : "restart of the connector accepted");
    }

    /** The data plane is asked to make the connector as asked now; the worker's confirmation arrives by the event stream. */
    private void repair(Context ctx) {
        Scope scope = fromConsole(ctx);
        answer(ctx, scope, core.connectors().repair(scope, name(ctx), RequestContexts.of(ctx)),
                "repair accepted: the data plane makes it as asked now; the outcome shows here when the worker confirms it");
    }

    /** An earlier version's config put back as a new version (secrets as the connector has them now). */
    private void restore(Context ctx) {
        Scope scope = fromConsole(ctx);
        long sequence;
        try {
            sequence = Long.parseLong(ctx.pathParam("sequence"));
        } catch (NumberFormatException e) {
            throw new ServiceException.InvalidRequest("A version's sequence is a number, not " + ctx.pathParam("sequence"));
        }
        String offsets = ctx.queryParam("offsets");
        if (offsets != null && !offsets.equals("true") && !offsets.equals("false")) {
            throw new ServiceException.InvalidRequest("offsets is true or false");
        }
        boolean withOffsets = "true".equals(offsets);
        answer(ctx, scope, core.connectors().restoreVersion(scope, name(ctx), sequence, withOffsets, RequestContexts.of(ctx)),
                withOffsets ? "restore accepted: the connector is stopped, its config and offsets put back, then returned to its target state"
                        : "restore accepted: the config of that version is the connector's new version");
    }

    private void delete(Context ctx) {
        Scope scope = fromConsole(ctx);
        AsyncAnswers.answer(ctx, core.connectors().delete(scope, name(ctx), RequestContexts.of(ctx)), ignored -> {
            ctx.header("HX-Redirect", BASE);
            ctx.status(204);
        });
    }

    private void answer(Context ctx, Scope scope, CompletableFuture<?> action, String outcome) {
        AsyncAnswers.answer(ctx, action, ignored -> ctx.contentType("text/html; charset=utf-8")
                .result(connector.status(ctx, scope, scope.cluster(), name(ctx), outcome)));
    }

    /** The scope of an action the console's page sent; refused if another page could have sent it. */
    private static Scope fromConsole(Context ctx) {
        requireConsolePage(ctx);
        return RequestContexts.scope(ctx, ctx.pathParam("cluster"));
    }

    /** Refuses a console POST that another site could have sent: only the console's page adds htmx's header. */
    static void requireConsolePage(Context ctx) {
        if (!"true".equals(ctx.header("HX-Request"))) {
            throw new ServiceException.InvalidRequest("Console actions are sent by the console's page (with its HX-Request header)");
        }
    }

    private static String name(Context ctx) {
        return ctx.pathParam("connector");
    }

    private static void asset(Context ctx, String resource) {
        try (InputStream in = ConsoleDialect.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ServiceException.Unavailable("The console's script " + resource + " is missing from this build");
            }
            ctx.contentType("text/javascript; charset=utf-8").header("Cache-Control", "max-age=86400").result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Errors as RFC 9457 problem details, which the page shows in its outcome line. */
    private static final class ConsoleErrors implements ErrorFormat {
        record Body(String title, int status, String detail) {
        }

        @Override
        public Problem problem(ServiceException e) {
            return Problem.of(Problem.standardStatus(e), e.getMessage(), e);
        }

        @Override
        public Object body(Problem problem) {
            return new Body(problem.status() < 500 ? "Refused" : "Failed", problem.status(), problem.message());
        }

        @Override
        public String contentType() {
            return "application/problem+json";
        }
    }
}
