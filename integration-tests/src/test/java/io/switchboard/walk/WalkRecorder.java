package io.switchboard.walk;

import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatchers;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Records which of Switchboard's classes a write runs through, from its route's handler to the
 * {@code KafkaProducer.send} of its command. Every method and constructor of every
 * {@code io.switchboard} class is given an entry hook (a Java agent attached to this JVM, by Byte
 * Buddy); while a recording is open, a thread's entries are kept once the thread has entered the
 * route's handler class, and every entry of a pre-flight thread ({@code write-preflight}) is kept.
 * The recording closes when a record for the command topic is given to {@code KafkaProducer.send},
 * where the sending stack is kept too. Entries on other threads during the window are kept apart,
 * by thread, so the report can say what it left out.
 */
public final class WalkRecorder {
    /** Where the request's thread hands a write to the pre-flight: its stack there shows the layers above. */
    private static final String PREFLIGHT = "io.switchboard.core.WritePreflight";
    private static volatile boolean open;
    private static volatile String handler;
    private static volatile Set<String> coreEntries = Set.of();
    private static final Map<Thread, Set<String>> walked = new LinkedHashMap<>();
    /** The classes each thread entered from its first entry of the core's service on. */
    private static final Map<Thread, Set<String>> inCore = new LinkedHashMap<>();
    private static final Map<String, Set<String>> elsewhere = new LinkedHashMap<>();
    private static volatile StackTraceElement[] sendStack;
    private static volatile StackTraceElement[] coreStack;
    private static volatile String sendThread;
    private static volatile CountDownLatch sent = new CountDownLatch(1);
    private static ResettableClassFileTransformer installed;

    private WalkRecorder() {
    }

    /** Attaches the agent and hooks every loaded and future {@code io.switchboard} class (not this package's). */
    public static synchronized void install() {
        if (installed != null) {
            return;
        }
        installed = new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.Listener.StreamWriting.toSystemError().withErrorsOnly())
                .type(ElementMatchers.<TypeDescription>nameStartsWith("io.switchboard.")
                        .and(ElementMatchers.not(ElementMatchers.nameStartsWith("io.switchboard.walk.")))
                        .and(ElementMatchers.not(ElementMatchers.nameStartsWith("io.switchboard.api.")))
                        .and(ElementMatchers.not(ElementMatchers.nameStartsWith("io.switchboard.testing."))))
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(Entered.class)
                        .on(ElementMatchers.isMethod().or(ElementMatchers.isConstructor())
                                .and(ElementMatchers.not(ElementMatchers.isAbstract()))
                                .and(ElementMatchers.not(ElementMatchers.isNative())))))
                .type(ElementMatchers.named("org.apache.kafka.clients.producer.KafkaProducer"))
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(Sending.class)
                        .on(ElementMatchers.named("send").and(ElementMatchers.takesArguments(2)))))
                .installOn(ByteBuddyAgent.install());
    }

    /** Takes the hooks out again: the classes are as they were, for whatever runs next in this JVM. */
    public static synchronized void uninstall() {
        if (installed != null) {
            installed.reset(ByteBuddyAgent.getInstrumentation(), AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
            installed = null;
        }
    }

    /**
     * Opens a recording of the walk from the named handler class to the send of a command; from a
     * thread's first entry of one of {@code core} on, its entries are also kept as the core's part.
     */
    public static synchronized void open(String handlerClass, Set<String> core) {
        walked.clear();
        inCore.clear();
        coreEntries = core;
        elsewhere.clear();
        sendStack = null;
        coreStack = null;
        sendThread = null;
        sent = new CountDownLatch(1);
        handler = handlerClass;
        open = true;
    }

    /** Waits for the command's send; false when none came. */
    public static boolean awaitSend(long seconds) throws InterruptedException {
        boolean done = sent.await(seconds, TimeUnit.SECONDS);
        open = false;
        return done;
    }

    public static void entered(String type, String method) {
        if (!open) {
            return;
        }
        Thread thread = Thread.currentThread();
        synchronized (WalkRecorder.class) {
            if (!open) {
                return;
            }
            Set<String> kept = walked.get(thread);
            if (kept == null && (type.equals(handler) || thread.getName().startsWith("write-preflight"))) {
                kept = new LinkedHashSet<>();
                walked.put(thread, kept);
            }
            if (kept != null) {
                kept.add(type);
                Set<String> core = inCore.get(thread);
                if (core == null && (coreEntries.contains(type) || thread.getName().startsWith("write-preflight"))) {
                    core = new LinkedHashSet<>();
                    inCore.put(thread, core);
                }
                if (core != null) {
                    core.add(type);
                }
                if (coreStack == null && type.equals(PREFLIGHT) && method.equals("configWrite") && !thread.getName().startsWith("write-preflight")) {
                    coreStack = new Throwable().getStackTrace();
                }
            } else {
                elsewhere.computeIfAbsent(thread.getName(), t -> new LinkedHashSet<>()).add(type);
            }
        }
    }

    public static void sending(Object record) {
        if (!open || !(record instanceof ProducerRecord<?, ?> r) || !r.topic().endsWith(".commands")) {
            return;
        }
        synchronized (WalkRecorder.class) {
            if (!open) {
                return;
            }
            open = false;
            sendStack = new Throwable().getStackTrace();
            sendThread = Thread.currentThread().getName();
        }
        sent.countDown();
    }

    /** The classes kept, in the order first entered, by thread. */
    public static synchronized Map<String, List<String>> walk() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        walked.forEach((thread, types) -> out.put(thread.getName() + " #" + thread.getId(), new ArrayList<>(types)));
        return out;
    }

    /** The classes kept from the core's service on, in the order first entered there. */
    public static synchronized Set<String> core() {
        Set<String> out = new LinkedHashSet<>();
        inCore.values().forEach(out::addAll);
        return out;
    }

    public static synchronized Map<String, Set<String>> elsewhere() {
        return new LinkedHashMap<>(elsewhere);
    }

    public static StackTraceElement[] sendStack() {
        return sendStack;
    }

    /** The stack of the request's thread as it entered the pre-flight's config write. */
    public static StackTraceElement[] coreStack() {
        return coreStack;
    }

    public static String sendThread() {
        return sendThread;
    }

    /** The entry hook: inlined into every hooked method and constructor. */
    public static final class Entered {
        @Advice.OnMethodEnter
        static void enter(@Advice.Origin("#t") String type, @Advice.Origin("#m") String method) {
            WalkRecorder.entered(type, method);
        }
    }

    /** The hook on {@code KafkaProducer.send(record, callback)}. */
    public static final class Sending {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) Object record) {
            WalkRecorder.sending(record);
        }
    }
}
