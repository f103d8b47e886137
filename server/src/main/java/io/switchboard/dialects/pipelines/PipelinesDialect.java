package io.switchboard.dialects.pipelines;

import io.javalin.config.JavalinConfig;
import io.switchboard.http.ApiDocument;
import io.switchboard.http.Dialect;
import io.switchboard.http.ErrorFormat;
import io.switchboard.pipelines.Pipelines;

import java.util.List;

/** Typed Postgres-to-Postgres pipelines under {@code /api/v1/}, compiled to connectors on cluster default. */
public final class PipelinesDialect implements Dialect {
    private final Pipelines pipelines;
    private final ProblemDetails errors = new ProblemDetails();

    public PipelinesDialect(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @Override
    public List<String> basePaths() {
        return List.of("/api/v1/");
    }

    @Override
    public ErrorFormat errors() {
        return errors;
    }

    @Override
    public void register(JavalinConfig config) {
        ApiDocument.fromClasspath("/api/v1/openapi.yaml", "/openapi/typed-pipelines.yaml").register(config);
        new PipelineRoutes(pipelines).register(config);
    }
}
