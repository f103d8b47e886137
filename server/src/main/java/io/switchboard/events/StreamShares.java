package io.switchboard.events;

import java.util.HashMap;
import java.util.Map;

/**
 * Who may open one more event stream on a replica, so that no principal, and no crowd of identity
 * provider users, takes the streams from everyone else:
 * <ul>
 *   <li>at most {@code max} streams at once ({@link Refusal#FULL});</li>
 *   <li>one principal at most {@code max / 8} ({@link Refusal#PRINCIPAL});</li>
 *   <li>the last {@code max / 4} places are kept for principals holding no stream yet: a principal
 *       already streaming does not get one of them ({@link Refusal#KEPT_FOR_OTHERS});</li>
 *   <li>principals of the identity provider (OIDC: anyone it issues a token for, unlike the API keys
 *       an operator lists) share at most {@code max / 2} ({@link Refusal#SHARED_POOL}).</li>
 * </ul>
 * A caller without a principal (no credentials configured) counts only towards {@code max}.
 * Thread-safe; the map holds one entry per principal streaming, removed at zero.
 */
final class StreamShares {
    enum Refusal { FULL, PRINCIPAL, KEPT_FOR_OTHERS, SHARED_POOL }

    private final int max;
    private final int perPrincipal;
    private final int keptForOthers;
    private final int sharedPool;
    private final Map<String, Integer> held = new HashMap<>();
    private int open;
    private int openShared;

    StreamShares(int max, int perPrincipal) {
        if (max < 1 || perPrincipal < 1) {
            throw new IllegalArgumentException("At least one event stream, and one per principal");
        }
        this.max = max;
        this.perPrincipal = perPrincipal;
        this.keptForOthers = max / 4;
        this.sharedPool = Math.max(1, max / 2);
    }

    /** The per-principal share of {@code max}: an eighth, at least one. */
    static int perPrincipalOf(int max) {
        return Math.max(1, max / 8);
    }

    int perPrincipal() {
        return perPrincipal;
    }

    int max() {
        return max;
    }

    int sharedPool() {
        return sharedPool;
    }

    /**
     * Takes a place for {@code principal} (null: none) and answers null, or answers why not.
     *
     * @param shared whether the principal is one of the identity provider's
     */
    synchronized Refusal admit(String principal, boolean shared) {
        if (open >= max) {
            return Refusal.FULL;
        }
        if (principal != null) {
            int mine = held.getOrDefault(principal, 0);
            if (mine >= perPrincipal) {
                return Refusal.PRINCIPAL;
            }
            if (mine > 0 && max - open <= keptForOthers) {
                return Refusal.KEPT_FOR_OTHERS;
            }
            if (shared && openShared >= sharedPool) {
                return Refusal.SHARED_POOL;
            }
            held.put(principal, mine + 1);
            if (shared) {
                openShared++;
            }
        }
        open++;
        return null;
    }

    /** Gives back a place {@link #admit} took. */
    synchronized void leave(String principal, boolean shared) {
        open--;
        if (principal != null) {
            held.computeIfPresent(principal, (p, n) -> n <= 1 ? null : n - 1);
            if (shared) {
                openShared--;
            }
        }
    }
}
