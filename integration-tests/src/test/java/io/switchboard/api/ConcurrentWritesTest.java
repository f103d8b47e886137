package io.switchboard.api;

import io.switchboard.api.SwitchboardFixture.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.switchboard.api.ConnectApiTest.createBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes at once through the Kafka Connect API of one replica, over real HTTP: fifty creates of one
 * name give one 201 and 49 conflicts, and reads racing the processor's writes neither fail nor
 * stall it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentWritesTest {
    private SwitchboardFixture fx;

    @BeforeAll
    void start() {
        fx = SharedReplica.plain();
    }

    @AfterAll
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void fiftySimultaneousCreatesOfOneNameGiveExactlyOne201() throws Exception {
        int clients = 50;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            answers.add(pool.submit(() -> {
                go.await();
                return fx.call("POST", "/connectors", createBody("contested"));
            }));
        }
        go.countDown();
        int created = 0;
        int conflicts = 0;
        for (Future<Answer> f : answers) {
            Answer a = f.get();
            if (a.status() == 201) {
                created++;
            } else if (a.status() == 409) {
                conflicts++;
                assertEquals("Connector contested already exists", a.json().get("message").asText());
            } else {
                throw new AssertionError("unexpected " + a.status() + " " + a.body());
            }
        }
        pool.shutdown();
        assertEquals(1, created);
        assertEquals(clients - 1, conflicts);
    }

    /**
     * Reads racing the stream thread's writes must neither fail nor freeze it (interactive queries
     * against a store being written can deadlock with IQv2 in Kafka Streams 4.3.1; reads use IQv1).
     */
    @Test
    void readsWhileWritingNeitherFailNorStallTheProcessor() throws Exception {
        // More readers than cores, each reading as fast as it is answered; few enough that a loaded
        // 2-core machine still gives the processor's threads their turn.
        int writers = 2;
        int readers = 4;
        int perWriter = 40;
        ExecutorService pool = Executors.newFixedThreadPool(writers + readers);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        List<Future<?>> readerTasks = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            int reader = r;
            readerTasks.add(pool.submit(() -> {
                while (writing.get()) {
                    Answer a = reader % 2 == 0
                            ? fx.call("GET", "/connectors?expand=info", null)
                            : fx.call("GET", "/connectors/rw-0-" + (reads.get() % perWriter), null);
                    if (a.status() != 200 && a.status() != 404) {
                        throw new AssertionError("read failed: " + a.status() + " " + a.body());
                    }
                    reads.incrementAndGet();
                }
                return null;
            }));
        }
        List<Future<Integer>> writerTasks = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            writerTasks.add(pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < perWriter; i++) {
                    Answer a = fx.call("POST", "/connectors", createBody("rw-" + writer + "-" + i));
                    if (a.status() == 201) {
                        ok++;
                    }
                }
                return ok;
            }));
        }
        int created = 0;
        for (Future<Integer> f : writerTasks) {
            created += f.get();
        }
        writing.set(false);
        for (Future<?> f : readerTasks) {
            f.get();
        }
        pool.shutdown();
        assertEquals(writers * perWriter, created);
        assertTrue(reads.get() > 0);
        assertEquals(201, fx.call("POST", "/connectors", createBody("rw-after")).status(), "the processor still decides");
    }
}
