package io.switchboard.registry;

/** Where the registry's changes are ordered: proposals are appended, then applied to the view in log order. */
interface RegistryLog {

    /**
     * Appends the entry and waits until this instance has applied it.
     *
     * @return whether the entry took effect (false: an earlier entry won, the caller may retry)
     * @throws RegistryError 50001 when the log cannot be written, 50002 on a timeout
     */
    boolean append(LogEntry entry);

    /** Waits until the view holds everything appended to the log before this call. */
    void catchUp();
}
