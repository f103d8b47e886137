package io.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.testing.Await;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestUsers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Replicas a test JVM's classes share, each started on first use: one with the default options
 * ({@link #plain()}), one with an embedded worker ({@link #withWorker()}, for the pipeline classes
 * among others) and one that checks a users file ({@link #withUsers}): a start (the processor's
 * rebalance, the worker joining its group) and a close (the worker stopping its tasks) per JVM
 * rather than per class. Each class is handed one clean: the pipelines, connectors and policies a
 * class before left are deleted, and it is handed over only once the API lists none. A class on
 * one works under names of its own (a connector's history, its sets and its events outlive its
 * delete). Its {@link SwitchboardFixture#close} does nothing; the JVM's exit ends it. A class that
 * restarts, pauses with standbys, or tunes the replica otherwise (other options, users with a
 * worker, failed logins that leave the test's address limited) starts its own.
 */
final class SharedReplica {
    private static final Duration EMPTY_WITHIN = Duration.ofSeconds(90);
    /** The users file is looked at again at most once a second ({@code UsersFile}): a new one is in force after that. */
    private static final Duration USERS_FILE_RECHECK = Duration.ofMillis(1100);
    private static final Duration USERS_IN_FORCE_WITHIN = Duration.ofSeconds(30);
    private static SwitchboardFixture plain;
    private static SwitchboardFixture withWorker;
    private static SwitchboardFixture secured;
    /** The admin of the secured replica's users now in force, as whom the clearing calls its API. */
    private static String securedAdmin;

    private SharedReplica() {
    }

    /** The JVM's replica with the test's default options (no worker), with no connector and no policy. */
    static synchronized SwitchboardFixture plain() {
        if (plain == null) {
            plain = keptUntilExit(new SwitchboardFixture());
        } else {
            clear(plain);
        }
        return plain;
    }

    /** The JVM's replica with an embedded worker, started on first use, with no pipeline and no connector. */
    static synchronized SwitchboardFixture withWorker() {
        if (withWorker == null) {
            withWorker = keptUntilExit(new SwitchboardFixture(options -> options.embeddedWorker(true)));
        } else {
            clear(withWorker);
        }
        return withWorker;
    }

    /**
     * The JVM's replica that checks a users file (the test's default options otherwise), with no
     * connector and no policy, whose users are now these (user to {@code ROLE@SCOPE[,...]}, each
     * with the key {@link TestUsers#KEY}) and one admin of every cluster besides, named
     * {@code shared-admin-...}, which the clearing calls the API as. Requests go as {@code asUser}
     * unless they name someone else, as with {@link SwitchboardFixture#withUsers}. Handed over only
     * once the replica checks these users: none of the class before is left in force.
     */
    static synchronized SwitchboardFixture withUsers(Map<String, String> grants, String asUser) {
        String admin = "shared-admin-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> users = new LinkedHashMap<>(grants);
        users.put(admin, "admin@*");
        if (secured == null) {
            secured = keptUntilExit(SwitchboardFixture.withUsers(users, asUser, UnaryOperator.identity()));
        } else {
            Http.authorizeByDefault(secured.app.url(), TestUsers.basic(securedAdmin));
            clear(secured);
            replaceUsers(secured, users, admin);
            Http.authorizeByDefault(secured.app.url(), TestUsers.basic(asUser));
        }
        securedAdmin = admin;
        return secured;
    }

    /**
     * Puts these users in the replica's users file at once (a file moved over it, never one half
     * written) and waits until {@code admin}, whom only they have, signs in. A sign-in before the
     * replica looked at the file again is a failed login of the test's address, which a few dozen
     * in a minute would limit: one is tried each time the file may have been read again.
     */
    private static void replaceUsers(SwitchboardFixture fx, Map<String, String> users, String admin) {
        try {
            Path next = TestUsers.write(Files.createTempDirectory(fx.usersFile.getParent(), "next"), users);
            Files.move(next, fx.usersFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            SwitchboardFixture.deleteQuietly(next.getParent());
            long deadline = System.nanoTime() + USERS_IN_FORCE_WITHIN.toNanos();
            int status;
            do {
                Thread.sleep(USERS_FILE_RECHECK.toMillis()); // on purpose: the file is read again at most once a second
                status = Http.call(fx.app.url(), "GET", "/connectors", null, Map.of("Authorization", TestUsers.basic(admin))).status();
            } while (status == 401 && System.nanoTime() < deadline);
            if (status != 200) {
                throw new AssertionError("the replica did not take the new users file within " + USERS_IN_FORCE_WITHIN
                        + ": its admin was answered " + status);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static SwitchboardFixture keptUntilExit(SwitchboardFixture started) {
        started.keptUntilExit = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> SwitchboardFixture.deleteQuietly(started.dir), "shared-replica-dir"));
        return started;
    }

    /** Deletes every pipeline (with its slot), every other connector and every policy stored, and waits until none is listed. */
    private static void clear(SwitchboardFixture fx) {
        for (JsonNode policy : fx.call("GET", "/policies", null).json()) {
            if (!policy.path("read_only").asBoolean()) {
                fx.call("DELETE", "/policies/" + policy.path("name").asText(), null);
            }
        }
        for (String id : pipelines(fx)) {
            fx.call("POST", "/api/v1/connector/command/" + id, "{\"command\": \"ForceDelete\"}");
        }
        for (String name : connectors(fx)) {
            fx.call("DELETE", "/connectors/" + name, null);
        }
        Await.atMost(EMPTY_WITHIN).until("no pipeline and no connector left by the class before",
                () -> pipelines(fx).size() + connectors(fx).size(), left -> left == 0);
    }

    private static List<String> pipelines(SwitchboardFixture fx) {
        List<String> ids = new ArrayList<>();
        fx.call("GET", "/api/v1/connectors", null).json().path("connectors")
                .forEach(pipeline -> ids.add(pipeline.path("connector").path("id").asText()));
        return ids;
    }

    private static List<String> connectors(SwitchboardFixture fx) {
        List<String> names = new ArrayList<>();
        JsonNode listed = fx.call("GET", "/connectors", null).json();
        listed.forEach(name -> names.add(name.asText()));
        return names;
    }
}
