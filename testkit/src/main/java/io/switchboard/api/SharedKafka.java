package io.switchboard.api;

import io.switchboard.kafka.KafkaIdentities;
import io.switchboard.kafkaio.Topics;
import io.switchboard.testing.SecuredKafka;
import org.apache.kafka.clients.admin.Admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One broker per test JVM, secured as the README's first command secures its own
 * ({@link SecuredKafka}: SASL/PLAIN only, ACLs, the product's principals), started by the first
 * fixture that asks and stopped when the JVM exits. Fixtures on it keep apart by topic prefix
 * (every topic, group and Streams application id a replica uses derives from it: see
 * {@code Topics}); each takes a new one, which gets the ACLs the product makes for its own prefix,
 * and deletes its topics when it closes. Suites that stop, restart or fill the broker, or read every
 * topic on it, keep one of their own.
 */
public final class SharedKafka {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private static SecuredKafka broker;

    private SharedKafka() {
    }

    /** The JVM's broker, started on first use. */
    public static synchronized SecuredKafka broker() {
        if (broker == null) {
            Path dir;
            try {
                dir = Files.createTempDirectory("switchboard-shared-broker");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SecuredKafka started = SecuredKafka.start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.close();
                SwitchboardFixture.deleteQuietly(dir);
            }, "shared-broker-stop"));
            broker = started;
        }
        return broker;
    }

    /** A topic prefix no other fixture in this JVM has, with the ACLs the product makes for its own. */
    public static String newPrefix() {
        String prefix = "sb" + PREFIXES.incrementAndGet();
        broker().grant(new Topics(prefix));
        return prefix;
    }

    /** Deletes the topics whose names start with the prefix and a separator (best effort). */
    public static void deleteTopics(String prefix) {
        try (Admin admin = Admin.create(broker().client(KafkaIdentities.CONTROL_PLANE))) {
            Set<String> owned = admin.listTopics().names().get(10, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(prefix + ".") || name.startsWith(prefix + "-"))
                    .collect(Collectors.toSet());
            admin.deleteTopics(owned).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Left behind: the next fixture's prefix differs, so nothing reads them.
        }
    }
}
