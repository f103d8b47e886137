package io.switchboard.core;

import io.switchboard.core.ServiceException.Operation;
import io.switchboard.rules.CommandDecider;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.Decision;
import io.switchboard.schemas.ChangeTargetState;
import io.switchboard.schemas.CommandDecision;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorObservation;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.DeleteConnector;
import io.switchboard.schemas.RestartConnector;
import io.switchboard.schemas.TargetState;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One action on many connectors of a cluster: pause, resume, stop, restart or delete. Commands are
 * keyed by connector, so a bulk request is one command per connector, sent together and sharing the
 * request's id and its Idempotency-Key: a retry with the same key is answered each connector's first
 * decision again and applies nothing twice (the processor keeps answers per connector and key).
 *
 * <p>A preview decides each command with the processor's own function ({@link CommandDecider})
 * on the state this replica reads now, and sends nothing: what each connector would go through.
 * The real decisions are the processor's, made when the commands arrive, so a connector changed in
 * between is answered as it then is.
 */
public final class BulkCommands {
    /** At most this many connectors in one request. */
    public static final int MAX = 500;

    /** What a bulk request does to each connector. */
    public enum Action {
        PAUSE, RESUME, STOP, RESTART, DELETE;

        /** Whether the action removes something, so that it needs an editor rather than an operator. */
        public boolean destructive() {
            return this == DELETE;
        }

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The action named in a request, or empty when there is none by that name. */
        public static Optional<Action> named(String name) {
            for (Action action : values()) {
                if (action.wire().equals(name)) {
                    return Optional.of(action);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The action on the connectors named (in order, repeats ignored); a restart with or without its
     * tasks, or only those failed (Kafka Connect's {@code includeTasks} and {@code onlyFailed}).
     */
    public record Request(Action action, List<String> connectors, boolean includeTasks, boolean onlyFailed) {
        public Request {
            List<String> distinct = List.copyOf(new LinkedHashSet<>(connectors));
            if (distinct.isEmpty()) {
                throw new ServiceException.InvalidRequest("connectors", "Name at least one connector");
            }
            if (distinct.size() > MAX) {
                throw new ServiceException.InvalidRequest("connectors", "At most " + MAX + " connectors in one request, not "
                        + distinct.size());
            }
            connectors = distinct;
        }
    }

    /** How one connector went through the action: changed, unchanged (already so), or refused. */
    public enum Result { CHANGED, UNCHANGED, REFUSED }

    /**
     * One connector's outcome. {@code from} (in a preview only: applying reads nothing first) and
     * {@code to} are its target state before and after (a restart's {@code to} is
     * {@code RESTARTING}, a delete's {@code DELETED}); a refusal carries the domain error, which
     * each dialect words as it words that error alone.
     */
    public record Outcome(String connector, Result result, String from, String to, ServiceException refusal) {
    }

    private final CommandBus bus;
    private final ConnectorStore store;

    public BulkCommands(CommandBus bus, ConnectorStore store) {
        this.bus = bus;
        this.store = store;
    }

    /** What each connector would go through, decided on the state read now; nothing is sent. */
    public List<Outcome> preview(Scope scope, Request request, RequestContext context) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String name : request.connectors()) {
            ConnectorKey key = new ConnectorKey(scope.cluster(), name);
            ConnectorState current = store.connector(key, ReadConsistency.LINEARIZABLE).orElse(null);
            ConnectorObservation observed = current == null ? null : store.status(key, ReadConsistency.LINEARIZABLE).orElse(null);
            ConnectorCommand command = bus.command(key, action(request), context).build();
            Decision decision = CommandDecider.decide(bus.controlPlane(), current, observed, command);
            outcomes.add(outcome(request.action(), current, decision.toRecord(command.getCommandId(), key)));
        }
        return outcomes;
    }

    /** Sends one command per connector, all at once; completes with each decision, in the request's order. */
    public CompletableFuture<List<Outcome>> apply(Scope scope, Request request, RequestContext context) {
        List<CompletableFuture<Outcome>> each = new ArrayList<>();
        for (String name : request.connectors()) {
            ConnectorKey key = new ConnectorKey(scope.cluster(), name);
            CompletableFuture<CommandDecision> decided;
            try {
                decided = bus.submit(bus.command(key, action(request), context).build());
            } catch (RuntimeException notSent) {
                decided = CompletableFuture.failedFuture(notSent);
            }
            each.add(decided.handle((decision, error) -> {
                if (error != null) {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof ServiceException refused) {
                        return new Outcome(name, Result.REFUSED, null, null, refused);
                    }
                    throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
                }
                return outcome(request.action(), null, decision);
            }));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
    }

    private static Object action(Request request) {
        return switch (request.action()) {
            case PAUSE -> new ChangeTargetState(TargetState.PAUSED);
            case RESUME -> new ChangeTargetState(TargetState.RUNNING);
            case STOP -> new ChangeTargetState(TargetState.STOPPED);
            case RESTART -> new RestartConnector(request.includeTasks(), request.onlyFailed(), null);
            case DELETE -> new DeleteConnector();
        };
    }

    private static Operation operation(Action action) {
        return switch (action) {
            case PAUSE, RESUME, STOP -> Operation.CHANGE_TARGET_STATE;
            case RESTART -> Operation.RESTART;
            case DELETE -> Operation.DELETE;
        };
    }

    /** The decision as the connector service would answer it alone (the same words, {@link DecisionAnswers}). */
    private static Outcome outcome(Action action, ConnectorState before, CommandDecision decision) {
        String name = decision.getConnector();
        try {
            DecisionAnswers.accepted(decision, operation(action));
        } catch (ServiceException refused) {
            return new Outcome(name, Result.REFUSED, target(before), null, refused);
        }
        String to = switch (action) {
            case RESTART -> "RESTARTING";
            case DELETE -> "DELETED";
            default -> decision.getState() == null ? null : decision.getState().getTargetState().name();
        };
        Result result = decision.getOutcome() == io.switchboard.schemas.Outcome.UNCHANGED ? Result.UNCHANGED : Result.CHANGED;
        return new Outcome(name, result, target(before), to, null);
    }

    private static String target(ConnectorState state) {
        return state == null ? null : state.getTargetState().name();
    }
}
