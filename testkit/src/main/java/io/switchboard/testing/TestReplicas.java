package io.switchboard.testing;

import io.switchboard.SwitchboardOptions;
import io.switchboard.metrics.HealthOptions;

/** The options a test replica starts from. */
public final class TestReplicas {
    private TestReplicas() {
    }

    /**
     * The product's defaults without the health series: following the lifecycle topic into them is
     * one more consumer per replica, which only the tests of health need (they set {@code withHealth}).
     */
    public static SwitchboardOptions defaults() {
        return SwitchboardOptions.defaults().withHealth(HealthOptions.DEFAULTS.following(false));
    }
}
