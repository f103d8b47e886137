package io.switchboard.core;

import io.switchboard.secrets.Redactor;
import io.switchboard.rules.CommandDecider;
import io.switchboard.rules.ConnectorKey;
import io.switchboard.rules.Decision;
import io.switchboard.rules.SetDecider;
import io.switchboard.schemas.ConnectorCommand;
import io.switchboard.schemas.ConnectorConfigChanged;
import io.switchboard.schemas.ConnectorState;
import io.switchboard.schemas.Outcome;
import io.switchboard.schemas.SetConnector;
import io.switchboard.schemas.SetItem;
import io.switchboard.schemas.SetState;
import io.switchboard.schemas.TargetState;
import io.switchboard.secrets.SecretBox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The plan of a set's change: a pure function of what is desired (configs already sealed, as the
 * API stores them), what the stores hold now, and the set's own state. Whether a connector's config
 * changes is decided by the processor's own function ({@link CommandDecider} on the command the set
 * would write), so a re-apply of the same files plans nothing; whether the set's decider refuses an
 * item it carries, by that decider's own check ({@link SetDecider.Checks}), so a plan without
 * problems is a change it accepts. Secret values are never shown: a
 * secret key shows {@code sealed: changed} or {@code sealed: unchanged}, compared on their sealed
 * text, which the API keeps when the value is the same.
 */
public final class SetPlanner {
    /** The deletions a prune may make without {@code force}, when the request names no bound. */
    public static final int DEFAULT_MAX_DELETES = 10;

    private SetPlanner() {
    }

    /** What a plan does to one connector. */
    public enum Action { DELETE, CREATE, MOVE, UPDATE, STATE, ADOPT, UNCHANGED }

    /** What the caller needs for the plan: operate for target states and adopting, edit for configs and deletes. */
    public enum Needs { VIEW, OPERATE, EDIT }

    /** One key: {@code op} is + (added), ~ (changed) or - (removed); a secret's values are left out and {@code sealed} says whether it changed. */
    public record KeyChange(String op, String key, String from, String to, String sealed) {
    }

    /**
     * One connector's part: its action, keys and target state before and after, the problem that
     * refuses the plan (a worker's validation, say), and the item the set's command carries.
     */
    public record Item(String name, Action action, List<KeyChange> keys, String stateFrom, String stateTo, String error,
                       SetItem item, String from) {
        public Item(String name, Action action, List<KeyChange> keys, String stateFrom, String stateTo, String error, SetItem item) {
            this(name, action, keys, stateFrom, stateTo, error, item, null);
        }
    }

    /**
     * @param setVersion the set's version the plan was computed on (0: no change applied yet)
     * @param version    the plan's version, for If-Match: the set's version and a digest of every
     *                   connector's version the plan read, so that any change in the scope is seen
     * @param problems   what refuses the whole plan beside items' errors (too many deletions)
     * @param workers    per connector that exists, whether its worker differs from what is desired
     *                   now (from the data plane's last report; not part of the plan's version)
     */
    public record Plan(String set, String cluster, long setVersion, String version, List<Item> items, List<String> problems,
                       Map<String, SetProgress.Drift> workers, boolean givesSecrets) {
        /** The same plan with what the workers show beside it. */
        public Plan withWorkers(Map<String, SetProgress.Drift> workers) {
            return new Plan(set, cluster, setVersion, version, items, problems, Map.copyOf(workers), givesSecrets);
        }

        public boolean valid() {
            return problems.isEmpty() && items.stream().allMatch(i -> i.error() == null);
        }

        /** The items the set's command carries: every one that changes a connector or what the set manages. */
        public List<SetItem> changes() {
            return items.stream().filter(i -> i.action() != Action.UNCHANGED).map(Item::item).toList();
        }

        public long count(Action action) {
            return items.stream().filter(i -> i.action() == action).count();
        }

        /**
         * What the caller needs for the plan. A request that gives a secret's value in the clear
         * needs edit whatever the plan does with it: whether the value equals the stored one (the
         * sealed text kept, so an adopt or no change) is never told to a caller who may not set it.
         */
        public Needs needs() {
            if (givesSecrets) {
                return Needs.EDIT;
            }
            Needs needs = Needs.VIEW;
            for (Item item : items) {
                Needs one = switch (item.action()) {
                    case CREATE, MOVE, UPDATE, DELETE -> Needs.EDIT;
                    case STATE, ADOPT -> Needs.OPERATE;
                    case UNCHANGED -> Needs.VIEW;
                };
                needs = one.ordinal() > needs.ordinal() ? one : needs;
            }
            return needs;
        }

        /** Whether the plan moves a connector here from another cluster: that needs edit on every cluster, as a move does. */
        public boolean moves() {
            return items.stream().anyMatch(i -> i.action() == Action.MOVE);
        }
    }

    /** A desired connector with its config sealed as it would be stored, or the problem that stopped it. */
    public record Desired(DesiredState.Connector connector, Map<String, String> sealedConfig, String error) {
    }

    /**
     * @param checks   what the set's decider checks of each item (its control plane, the user policies in force in
     *                 the set's cluster, who would issue the change): an item it would refuse has that as its problem
     * @param current  each connector the plan reads (desired ones and those the set manages) as the store holds it
     * @param isSecret whether a key's value is a secret (shown only as sealed: changed or unchanged)
     */
    public static Plan plan(SetDecider.Checks checks, DesiredState.SetScope scope, List<Desired> desired,
                            Map<String, ConnectorState> current, SetState set, boolean prune, int maxDeletes, boolean force,
                            Predicate<String> isSecret) {
        return plan(checks, scope, desired, current, Map.of(), set, prune, maxDeletes, force, isSecret);
    }

    /**
     * @param sources each desired connector that is not in the set's cluster but in another, where the set of the
     *                same name manages it ({@link SetMovePlans#sources}): as that cluster's store holds it. Such an
     *                item moves it here rather than creating a second copy.
     */
    public static Plan plan(SetDecider.Checks checks, DesiredState.SetScope scope, List<Desired> desired,
                            Map<String, ConnectorState> current, Map<String, ConnectorState> sources, SetState set, boolean prune,
                            int maxDeletes, boolean force, Predicate<String> isSecret) {
        List<Item> items = new ArrayList<>();
        Set<String> named = new TreeSet<>();
        Map<String, Map<String, String>> managed = set == null ? Map.of() : set.getManaged();
        boolean givesSecrets = false;
        for (Desired d : desired) {
            givesSecrets |= givesSecret(d);
            named.add(d.connector().name());
            ConnectorState existing = current.get(d.connector().name());
            ConnectorState source = existing == null ? sources.get(d.connector().name()) : null;
            items.add(source != null ? SetMovePlans.item(checks, scope, d, source, managed, isSecret)
                    : item(checks, scope, d, existing, managed, isSecret));
        }
        List<String> problems = new ArrayList<>();
        if (prune) {
            List<Item> deletes = new ArrayList<>();
            for (Map.Entry<String, Map<String, String>> m : new TreeMap<>(managed).entrySet()) {
                ConnectorState existing = current.get(m.getKey());
                if (named.contains(m.getKey()) || existing == null || !scope.selects(m.getValue())) {
                    continue;
                }
                SetItem item = SetItem.newBuilder().setConnector(m.getKey()).setLabels(m.getValue()).setConfig(null)
                        .setTargetState(null).setPreviousConfig(existing.getConfig())
                        .setPreviousTargetState(existing.getTargetState()).setAdopt(false).build();
                List<KeyChange> keys = new ArrayList<>();
                new TreeMap<>(existing.getConfig()).forEach((k, v) -> keys.add(change("-", k, v, null, isSecret)));
                String problem = checks.problem(scope.cluster(), item, managed);
                deletes.add(problem == null ? new Item(m.getKey(), Action.DELETE, keys, existing.getTargetState().name(), null, null, item)
                        : new Item(m.getKey(), Action.DELETE, List.of(), existing.getTargetState().name(), null, problem, null));
            }
            if (deletes.size() > maxDeletes && !force) {
                problems.add(deletes.size() + " connectors would be deleted, more than max_deletes " + maxDeletes
                        + "; apply with force to delete them");
            }
            items.addAll(0, deletes);
        }
        long setVersion = set == null ? 0 : set.getVersion();
        return new Plan(scope.name(), scope.cluster(), setVersion, version(setVersion, SetMovePlans.read(current, sources)), items,
                problems, Map.of(), givesSecrets);
    }

    /**
     * Whether the desired config gives a secret's value in the clear: a value the API sealed (by its
     * key, or a key the plugin declares PASSWORD). An item that failed its checks before sealing
     * needs edit anyway (a create or an update with an error).
     */
    private static boolean givesSecret(Desired d) {
        Map<String, String> given = d.connector().config();
        if (d.sealedConfig() == null) {
            return false;
        }
        return given.entrySet().stream().anyMatch(e -> e.getValue() != null && !SecretBox.isSealed(e.getValue())
                && SecretBox.isSealed(d.sealedConfig().get(e.getKey())));
    }

    /**
     * What a request needs before anything is read or validated: edit when it gives a value in the
     * clear to a key the secret policy names secret, else nothing more (the plan then says). Asked
     * first, so that a caller who may not set a secret learns nothing of a guess, not even by time.
     */
    public static Needs needsBeforePlanning(List<DesiredState.Connector> connectors, Predicate<String> isSecret) {
        boolean gives = connectors.stream().anyMatch(c -> c.config().entrySet().stream()
                .anyMatch(e -> isSecret.test(e.getKey()) && e.getValue() != null && !SecretBox.isSealed(e.getValue())
                        && !Redactor.isPlaceholder(e.getValue())));
        return gives ? Needs.EDIT : Needs.VIEW;
    }

    private static Item item(SetDecider.Checks checks, DesiredState.SetScope scope, Desired d,
                             ConnectorState existing, Map<String, Map<String, String>> managed, Predicate<String> isSecret) {
        DesiredState.Connector c = d.connector();
        String stateFrom = existing == null ? null : existing.getTargetState().name();
        Action attempted = existing == null ? Action.CREATE : Action.UPDATE;
        if (d.error() != null) {
            return new Item(c.name(), attempted, List.of(), stateFrom, null, d.error(), null);
        }
        TargetState target = c.state() != null ? c.state() : existing != null ? existing.getTargetState() : TargetState.RUNNING;
        SetItem item = item(c, d.sealedConfig(), target, existing, false);
        // The processor's own decision on the command the set would write: a config it would keep is no change
        // (labels apart: a change of them alone is an adopt, below).
        ConnectorCommand command = ConnectorCommand.newBuilder().setCommandId("plan").setCluster(scope.cluster())
                .setConnector(c.name()).setIssuedAt(0L)
                .setAction(new SetConnector(d.sealedConfig(), target, scope.name(),
                        existing == null ? Map.of() : existing.getLabels())).build();
        Decision decision = CommandDecider.decide(checks.controlPlane(), existing, command);
        if (decision.reason() != null) {
            // The set's decider refuses whatever the connector's refuses, in its own words.
            String problem = checks.problem(scope.cluster(), item, managed);
            return new Item(c.name(), attempted, List.of(), stateFrom, null, problem != null ? problem : decision.message(), null);
        }
        Item planned = planned(c, d.sealedConfig(), target, existing, decision, item, managed, isSecret);
        if (planned.action() == Action.UNCHANGED) {
            return planned;
        }
        // What the set's decider refuses of the item the change carries: its own function, so the plan is the decision.
        String problem = checks.problem(scope.cluster(), planned.item(), managed);
        return problem == null ? planned
                : new Item(c.name(), planned.action(), List.of(), stateFrom, null, problem, null);
    }

    /** What the item does to a connector the connector's decider does not refuse. */
    private static Item planned(DesiredState.Connector c, Map<String, String> sealedConfig, TargetState target, ConnectorState existing,
                                Decision decision, SetItem item, Map<String, Map<String, String>> managed, Predicate<String> isSecret) {
        if (existing == null) {
            List<KeyChange> keys = new ArrayList<>();
            new TreeMap<>(sealedConfig).forEach((k, v) -> keys.add(change("+", k, null, v, isSecret)));
            return new Item(c.name(), Action.CREATE, keys, null, target.name(), null, item);
        }
        String stateFrom = existing.getTargetState().name();
        boolean configChanges = decision.outcome() != Outcome.UNCHANGED;
        boolean stateChanges = target != existing.getTargetState();
        boolean labelsDiffer = !c.labels().equals(managed.get(c.name()));
        String stateTo = stateChanges ? target.name() : null;
        if (configChanges) {
            return new Item(c.name(), Action.UPDATE, keys(existing.getConfig(), sealedConfig, isSecret), stateFrom, stateTo, null, item);
        }
        if (stateChanges) {
            return new Item(c.name(), Action.STATE, List.of(), stateFrom, stateTo, null, item);
        }
        if (!managed.containsKey(c.name()) || labelsDiffer) {
            return new Item(c.name(), Action.ADOPT, List.of(), stateFrom, null, null, item(c, sealedConfig, target, existing, true));
        }
        return new Item(c.name(), Action.UNCHANGED, List.of(), stateFrom, null, null, item);
    }

    /** Built field by field: Avro's copying builder would load classes reflectively. */
    private static SetItem item(DesiredState.Connector c, Map<String, String> config, TargetState target, ConnectorState existing,
                                boolean adopt) {
        return SetItem.newBuilder().setConnector(c.name()).setLabels(new TreeMap<>(c.labels()))
                .setConfig(new TreeMap<>(config)).setTargetState(target)
                .setPreviousConfig(existing == null ? null : existing.getConfig())
                .setPreviousTargetState(existing == null ? null : existing.getTargetState()).setAdopt(adopt).build();
    }

    /** The keys a config change adds, changes and removes, as the processor's event lists them, and secrets' too. */
    public static List<KeyChange> keys(Map<String, String> before, Map<String, String> after, Predicate<String> isSecret) {
        ConnectorConfigChanged diff = CommandDecider.configDiff(before, after);
        List<KeyChange> keys = new ArrayList<>();
        diff.getAdded().forEach(k -> keys.add(change("+", k, null, after.get(k), isSecret)));
        diff.getChanged().forEach(k -> keys.add(change("~", k, before.get(k), after.get(k), isSecret)));
        diff.getRemoved().forEach(k -> keys.add(change("-", k, before.get(k), null, isSecret)));
        // Secret keys that did not change are shown too, so that a plan says a rotation did not happen.
        after.keySet().stream().filter(k -> secret(k, after.get(k), isSecret) && after.get(k).equals(before.get(k)))
                .forEach(k -> keys.add(new KeyChange(" ", k, null, null, "unchanged")));
        keys.sort(Comparator.comparing(KeyChange::key));
        return keys;
    }

    private static KeyChange change(String op, String key, String from, String to, Predicate<String> isSecret) {
        if (secret(key, from, isSecret) || secret(key, to, isSecret)) {
            return new KeyChange(op, key, null, null, "changed");
        }
        return new KeyChange(op, key, from, to, null);
    }

    /** Hidden by the one secret policy: a sealed value anywhere in the value too (a URL that embeds one). */
    private static boolean secret(String key, String value, Predicate<String> isSecret) {
        return Redactor.hidden(value, isSecret.test(key));
    }

    /** The set's version and a digest of the version of every connector the plan read (absent ones too). */
    static String version(long setVersion, Map<String, ConnectorState> current) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(current).forEach((name, state) -> digest.update((name + "\0" + (state == null ? "-" : state.getVersion()
                    + ":" + state.getLastCommandId()) + "\n").getBytes(StandardCharsets.UTF_8)));
            return setVersion + "-" + HexFormat.of().formatHex(digest.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key of a set's commands and state. */
    public static ConnectorKey key(String cluster, String set) {
        return new ConnectorKey(cluster, SetDecider.PREFIX + set);
    }
}
