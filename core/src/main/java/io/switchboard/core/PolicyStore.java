package io.switchboard.core;

import io.switchboard.schemas.ConnectorPolicy;

import java.util.List;
import java.util.Optional;

/** Where the user policies are read: every replica holds them all (the processor's global stores). */
public interface PolicyStore {
    /** The cluster's policies, deleted ones included (a deleted policy's last version says so), by name. */
    List<ConnectorPolicy> policies(String cluster);

    /** The policy's latest version, deleted or not. */
    Optional<ConnectorPolicy> policy(String cluster, String name);

    /** Every version of the policy, oldest first. */
    List<ConnectorPolicy> versions(String cluster, String name);
}
