package io.switchboard.testing;

import io.switchboard.metrics.HealthOptions;

import java.nio.file.Path;

/** The options a test replica starts from. */
public final class TestReplicas {
    private TestReplicas() {
    }

    /** Where the FileStream connectors of test replicas' embedded workers read and write: the temporary directory. */
    public static final Path FILES = Path.of(System.getProperty("java.io.tmpdir"));

    /**
     * The product's defaults without the health series: following the lifecycle topic into them is
     * one more consumer per replica, which only the tests of health need (they set {@code health});
     * the FileStream connectors of an embedded worker read and write under {@link #FILES}.
     */
    public static OptionsBuilder defaults() {
        return OptionsBuilder.defaults().health(HealthOptions.DEFAULTS.following(false)).fileConnectorsDir(FILES);
    }
}
