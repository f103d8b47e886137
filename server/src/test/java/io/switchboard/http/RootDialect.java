package io.switchboard.http;

import io.javalin.config.JavalinConfig;
import io.switchboard.core.ServiceException;

import java.util.List;
import java.util.Map;

/** For tests of the server alone: a dialect with no routes of its own that owns every path, answering errors with one status. */
final class RootDialect implements Dialect {
    private final int status;

    RootDialect(int status) {
        this.status = status;
    }

    @Override
    public List<String> basePaths() {
        return List.of("/");
    }

    @Override
    public ErrorFormat errors() {
        return new ErrorFormat() {
            @Override
            public Problem problem(ServiceException e) {
                return new Problem(status, e.getMessage());
            }

            @Override
            public Object body(Problem problem) {
                return Map.of("message", problem.message());
            }
        };
    }

    @Override
    public void register(JavalinConfig config) {
    }
}
