package io.switchboard.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.switchboard.access.Access;
import io.switchboard.access.Action;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every route declares its access where it is registered, or the server is not built. No broker, no listening socket. */
class RouteDeclarationTest {

    @Test
    void aRouteWithoutAnAccessDeclarationStopsTheServer() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> server(config -> config.routes.get("/forgotten", ctx -> ctx.result("ok"))));
        assertTrue(e.getMessage().contains("GET /forgotten"), e.getMessage());
    }

    @Test
    void aRouteWithTwoDeclarationsStopsTheServer() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> server(config ->
                config.routes.delete("/twice", ctx -> ctx.status(204), Access.open(), Access.edit(ctx -> Access.Target.EVERYWHERE))));
        assertTrue(e.getMessage().contains("DELETE /twice"), e.getMessage());
    }

    @Test
    void theRouteTableHoldsEveryRouteWithItsDeclaration() {
        HttpServer server = server(config -> {
            config.routes.get("/open", ctx -> ctx.result("ok"), Access.open());
            config.routes.put("/things/{thing}/pause", ctx -> ctx.status(202),
                    Access.operate(ctx -> Access.Target.cluster(ctx.pathParam("thing"))));
        });
        Map<String, Access> table = server.routes().stream()
                .collect(Collectors.toMap(r -> r.method() + " " + r.path(), HttpServer.Route::access));
        assertEquals(Access.Kind.OPEN, table.get("GET /open").kind());
        assertEquals(Action.OPERATE, table.get("PUT /things/{thing}/pause").action());
        assertEquals(2, table.size(), table.toString());
    }

    private static HttpServer server(Consumer<JavalinConfig> routes) {
        return new HttpServer("127.0.0.1", 0, new ObjectMapper(), new Dialects(List.of(new RootDialect(400))), routes);
    }
}
