package io.switchboard.access;

import io.javalin.http.Context;
import io.javalin.security.RouteRole;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a route needs, declared in the line that registers it (as a Javalin route role) and decided
 * by the access check ({@code auth.AccessCheck}) on the parsed request. Every HTTP route carries exactly one; the server
 * refuses to start otherwise.
 *
 * <ul>
 *   <li>{@link #open()}: anyone (health, the root probe, the API documents);</li>
 *   <li>{@link #replicas()}: another Switchboard replica, by a signed request;</li>
 *   <li>{@link #view}, {@link #operate}, {@link #edit}, {@link #admin}: a principal whose role in the
 *       request's {@link Target} allows the action; {@link #raisedBy} lets the parsed request ask for
 *       more (a pipeline's Delete command, a validation that would resolve secret references).</li>
 * </ul>
 */
public record Access(Kind kind, Action action, TargetRule target, ActionRule raise, String raisedWhen, boolean raisedByWork)
        implements RouteRole {
    public enum Kind { OPEN, REPLICAS, PRINCIPAL }

    /** Where a request applies, found on the parsed request by the dialect's scope resolver. */
    @FunctionalInterface
    public interface TargetRule {
        Target of(Context ctx);
    }

    /** The action a parsed request needs beyond the route's own; null: no more. */
    @FunctionalInterface
    public interface ActionRule {
        Action of(Context ctx);
    }

    /**
     * A route's raise that only its own work can tell (a set's plan): the route's handler asks it
     * once the work says what it needs, on any thread; it refuses with 403 in the same words as the
     * access check, and lets everything through when no credentials are configured.
     */
    @FunctionalInterface
    public interface Raise {
        /** @param everywhere on every cluster (a grant on {@code *}) rather than the route's target */
        void require(Action needed, boolean everywhere);

        default void require(Action needed) {
            require(needed, false);
        }

        /** The action on every cluster (a grant on {@code *}): work that changes more clusters than the route's. */
        default void requireEverywhere(Action needed) {
            require(needed, true);
        }
    }

    private static final String RAISE_ATTRIBUTE = "switchboard.access-raise";
    private static final Raise NOTHING_MORE = (needed, everywhere) -> {
    };

    /** The raise of this request: what the caller's role allows, as decided by the access check. */
    public static Raise raiseOf(Context ctx) {
        Raise raise = ctx.attribute(RAISE_ATTRIBUTE);
        return raise != null ? raise : NOTHING_MORE;
    }

    public static void leaveRaise(Context ctx, Raise raise) {
        ctx.attribute(RAISE_ATTRIBUTE, raise);
    }

    /**
     * The scope a grant must cover: one Connect cluster (and the Confluent environment it was named
     * by, if any); {@link #EVERYWHERE}, only a grant on {@code *}; or {@link #ANY_GRANTED}, any
     * grant at all, the answer showing only what the principal's grants cover.
     */
    public record Target(String cluster, String environment, Breadth breadth) {
        public enum Breadth { CLUSTER, EVERYWHERE, ANY_GRANTED }

        public static final Target EVERYWHERE = new Target(null, null, Breadth.EVERYWHERE);
        public static final Target ANY_GRANTED = new Target(null, null, Breadth.ANY_GRANTED);

        public static Target cluster(String cluster) {
            return new Target(Objects.requireNonNull(cluster, "cluster"), null, Breadth.CLUSTER);
        }

        public static Target cluster(String cluster, String environment) {
            return new Target(Objects.requireNonNull(cluster, "cluster"), environment, Breadth.CLUSTER);
        }

        public String describe() {
            return switch (breadth) {
                case CLUSTER -> "in Connect cluster " + cluster;
                case EVERYWHERE -> "on every cluster";
                case ANY_GRANTED -> "anywhere";
            };
        }
    }

    public Access {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.PRINCIPAL) {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(target, "target");
        }
        if (raisedByWork && raise != null) {
            throw new IllegalArgumentException("A raise is decided by the request or by the route's work, not both");
        }
    }

    public static Access open() {
        return new Access(Kind.OPEN, null, null, null, null, false);
    }

    public static Access replicas() {
        return new Access(Kind.REPLICAS, null, null, null, null, false);
    }

    public static Access view(TargetRule target) {
        return new Access(Kind.PRINCIPAL, Action.VIEW, target, null, null, false);
    }

    public static Access operate(TargetRule target) {
        return new Access(Kind.PRINCIPAL, Action.OPERATE, target, null, null, false);
    }

    public static Access edit(TargetRule target) {
        return new Access(Kind.PRINCIPAL, Action.EDIT, target, null, null, false);
    }

    public static Access admin(TargetRule target) {
        return new Access(Kind.PRINCIPAL, Action.ADMIN, target, null, null, false);
    }

    /**
     * The same, where the parsed request may need a greater action than the route's own.
     *
     * @param when what in the request raises it, in words, for the access table
     */
    public Access raisedBy(String when, ActionRule rule) {
        if (kind != Kind.PRINCIPAL) {
            throw new IllegalStateException("Only a principal's access can be raised");
        }
        return new Access(kind, action, target, rule, when, false);
    }

    /**
     * The same, where what the request needs beyond the route's action is known only once the route
     * has done its work (planned a set): the access check lets the route's own action through, before
     * any work, and the handler asks {@link #raiseOf} with what the work needs.
     *
     * @param when what in the work raises it, in words, for the access table
     */
    public Access raisedByWork(String when) {
        if (kind != Kind.PRINCIPAL) {
            throw new IllegalStateException("Only a principal's access can be raised");
        }
        return new Access(kind, action, target, null, when, true);
    }

    /** The action this request needs, as its parsed content says: the route's, or more; checked after the route's own. */
    public Action actionFor(Context ctx) {
        Action raised = raise == null ? null : raise.of(ctx);
        return raised == null || raised.ordinal() <= action.ordinal() ? action : raised;
    }

    /** The one access a route declared among its route roles; an error names the route otherwise. */
    public static Access declaredBy(Set<RouteRole> roles, String route) {
        List<Access> declared = roles.stream().filter(Access.class::isInstance).map(Access.class::cast).toList();
        if (declared.size() != 1) {
            throw new IllegalStateException("Route " + route + " declares " + declared.size()
                    + " access rules; every route declares exactly one (Access.open(), view(...), ...)");
        }
        return declared.get(0);
    }

    /** A short description for route tables: "open", "replicas (signed)", "view", "operate; edit when ...". */
    public String describe() {
        return switch (kind) {
            case OPEN -> "open";
            case REPLICAS -> "replicas (signed)";
            case PRINCIPAL -> action.name().toLowerCase(Locale.ROOT) + (raisedWhen == null ? "" : "; " + raisedWhen);
        };
    }
}
