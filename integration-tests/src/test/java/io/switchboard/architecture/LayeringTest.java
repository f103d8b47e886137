package io.switchboard.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import io.switchboard.auth.ReplicaKeys;
import io.switchboard.events.LifecycleLog;
import io.switchboard.events.StreamPosition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameStartingWith;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The arrows inside modules, checked on the compiled classes. Between modules Maven keeps them
 * (each compiles against the modules it declares: app → server → pipelines → core ← dataplane, core →
 * rules → schemas, core → secrets, app → processor → rules); what it cannot see is checked here: the
 * rules (the pure decisions) use only the schemas, the redactor and the JDK; the core (the connector
 * service, its views, domain errors and the ports it needs) uses no framework, Kafka client or
 * Streams type although some are on its class path; the server and pipelines use no Streams type
 * either (their modules do not have it); the Kafka adapters the application holds (query,
 * commands, kafka) are reached only through the core's ports; pipelines, a module of their
 * own, use no dialect, access, console or event stream of the server, and only the application
 * knows the dialects. Kafka's clients are used in Kafka's room only (kafka-io, the application's
 * adapters, the processor, the registry). Inside the data plane, one class changes a connector's memory.
 */
class LayeringTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // The modules' test jars (the core and the server in memory, the test kit's HTTP helpers) are tests too.
            .withImportOption(location -> !location.asURI().toString().contains("-tests.jar"))
            .importPackages("io.switchboard");
    /** What the server declares for what it reads of Kafka, which the app's Kafka adapters implement. */
    private static final DescribedPredicate<JavaClass> SERVER_PORTS = belongToAnyOf(ReplicaKeys.class, LifecycleLog.class,
            StreamPosition.class);

    private static final String APP = "io.switchboard";
    private static final String[] SERVER = {"io.switchboard.http..", "io.switchboard.access..", "io.switchboard.auth..",
            "io.switchboard.dialects..", "io.switchboard.console..", "io.switchboard.events.."};
    private static final String[] ADAPTERS = {"io.switchboard.dataplane..", "io.switchboard.query..", "io.switchboard.commands..",
            "io.switchboard.kafka.."};

    @Test
    void theRulesArePureFunctions() {
        classes().that().resideInAPackage("io.switchboard.rules..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.switchboard.rules..", "io.switchboard.schemas..",
                        "io.switchboard.secrets..", "org.apache.avro..", "dev.cel..", "com.google.re2j..", "java..")
                .because("a decision about a connector is a function of its state and the command: no Kafka, no framework,"
                        + " no topology, so the core and the processor decide alike (CEL evaluates the user policies' expressions,"
                        + " a pure function of the expression and its variables; RE2/J matches users' patterns in linear time)")
                .check(CLASSES);
    }

    @Test
    void theCoreDependsOnNoAdapterNoServerNoFramework() {
        ArchRule rule = noClasses().that().resideInAPackage("io.switchboard.core..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(concat(SERVER, ADAPTERS),
                        APP, "io.switchboard.pipelines..", "io.switchboard.metrics..", "io.switchboard.processor..",
                        "org.apache.kafka.streams..", "org.apache.kafka.clients..", "io.javalin..", "org.eclipse.jetty.."))
                .because("the core states the rules of the service; what it needs from outside it asks through its ports");
        rule.check(CLASSES);
    }

    @Test
    void theDataPlaneReachesTheRestOnlyThroughTheCore() {
        noClasses().that().resideInAPackage("io.switchboard.dataplane..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(SERVER, APP, "io.switchboard.query..",
                        "io.switchboard.commands..", "io.switchboard.pipelines..", "io.switchboard.metrics.."))
                .check(CLASSES);
    }

    @Test
    void theServerReachesNoAdapter() {
        noClasses().that().resideInAnyPackage(SERVER)
                .should().dependOnClassesThat().resideInAnyPackage(concat(ADAPTERS, APP))
                .because("a dialect decodes a request into a core operation and encodes its answer; it does not reach past the core")
                .check(CLASSES);
    }

    @Test
    void theServerSeesNoKafkaStreams() {
        noClasses().that().resideInAnyPackage(concat(SERVER, "io.switchboard.pipelines.."))
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..", "org.rocksdb..")
                .because("the stores are read by the application's adapters, which answer a store that cannot be read now as"
                        + " the core's StoreUnavailableException; the server's module does not have Kafka Streams (ModuleArrowsTest)")
                .check(CLASSES);
    }

    /**
     * The server reaches Kafka only through ports ({@code auth.ReplicaKeys}, {@code events.LifecycleLog}),
     * whose Kafka adapters the application holds: its routes, access and event streams are tested over
     * the core's ports in memory, without a broker.
     */
    @Test
    void theServerImportsNoKafkaClient() {
        noClasses().that().resideInAnyPackage(SERVER)
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .because("the server speaks HTTP over the core and its own ports; the application plugs Kafka into them")
                .check(CLASSES);
    }

    /**
     * No circle between the server's packages: the routes' declarations ({@code access}) are read by
     * the HTTP server ({@code http}) and decided by the access check ({@code auth}), which uses the
     * HTTP server's request helpers; neither is used back.
     */
    @Test
    void theServersPackagesFormNoCircle() {
        slices().matching("io.switchboard.(**)").should().beFreeOfCycles()
                .because("a package circle makes neither side readable, testable or movable alone")
                .check(CLASSES.that(resideInAnyPackage(SERVER)));
    }

    @Test
    void theKafkaAdaptersKnowNoHttpServer() {
        noClasses().that().resideInAnyPackage("io.switchboard.query..", "io.switchboard.commands..", "io.switchboard.kafka..")
                .should().dependOnClassesThat(resideInAnyPackage(concat(SERVER, APP, "io.javalin..", "org.eclipse.jetty.."))
                        .and(not(SERVER_PORTS)))
                .because("the stores and the command topic are read and written the same whoever asks; the routes that"
                        + " serve them to other replicas are the application's; the server's ports to Kafka (the replicas'"
                        + " keys, the lifecycle topic) are what the adapters implement for it")
                .check(CLASSES);
    }

    @Test
    void pipelinesAreAClientOfTheCore() {
        noClasses().that().resideInAPackage("io.switchboard.pipelines..")
                .should().dependOnClassesThat().resideInAnyPackage("io.switchboard.dataplane..", "io.switchboard.query..",
                        "io.switchboard.commands..", "io.switchboard.http..", "io.switchboard.access..", "io.switchboard.auth..",
                        "io.switchboard.dialects..",
                        "io.switchboard.events..", "io.switchboard.console..", APP)
                .check(CLASSES);
    }

    @Test
    void onlyTheApplicationKnowsTheDialects() {
        noClasses().that().resideOutsideOfPackages(APP, "io.switchboard.dialects..")
                .should().dependOnClassesThat().resideInAPackage("io.switchboard.dialects..")
                .check(CLASSES);
    }

    /**
     * Every Kafka client is made by {@code KafkaClients}, which gives it the settings every client
     * gets (SASL, SSL): a consumer, producer or admin client made by hand is what once left the
     * embedded schema registry unable to reach a Kafka that asks for credentials. The example of
     * a lifecycle consumer for users, and the test kit's own broker helpers, are not the product.
     */
    @Test
    void everyKafkaClientIsMadeWithTheCommonSettings() {
        noClasses().that().resideOutsideOfPackages("io.switchboard.kafkaio..", "io.switchboard.examples..", "io.switchboard.testing..")
                .and().doNotHaveFullyQualifiedName("io.switchboard.api.SharedKafka")
                .and().doNotHaveFullyQualifiedName("io.switchboard.api.LifecycleEvents")
                .should().callConstructorWhere(target(owner(assignableTo(KafkaConsumer.class).or(assignableTo(KafkaProducer.class)))))
                .orShould().callMethodWhere(target(owner(assignableTo(Admin.class))).and(target(name("create"))))
                .because("KafkaClients gives every client the bootstrap servers and the settings every client gets")
                .check(CLASSES);
    }

    /**
     * Kafka has one room: its clients ({@code org.apache.kafka.clients}: consumers, producers, admin
     * clients and their settings) are used only by kafka-io (the client factory, the topics, the one
     * topic reader, the lease group), the application's adapters and its wiring, the processor (Kafka
     * Streams) and the embedded schema registry (its log). Every other module reads a topic through
     * kafka-io's {@code TopicReader} and its {@code TopicRecord}s, and the core through its ports. The
     * test kit's broker helpers are not the product.
     */
    @Test
    void onlyTheKafkaRoomUsesKafkaClients() {
        noClasses().that().resideOutsideOfPackages(
                        "io.switchboard.kafkaio..",
                        APP, "io.switchboard.kafka..", "io.switchboard.commands..", "io.switchboard.query..", "io.switchboard.metrics..",
                        "io.switchboard.processor..",
                        "io.switchboard.registry..",
                        "io.switchboard.api..", "io.switchboard.testing..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka.clients..")
                .because("a topic is read through kafka-io's TopicReader, and Kafka is reached through the core's ports;"
                        + " the data plane, pipelines, secrets, the core, the rules and the server hold no Kafka client")
                .check(CLASSES);
    }

    /**
     * A connector's memory in the data plane has one writer: the reconcile step applies what the
     * executor, the reporter, the worker view and the reconciler answer happened, and the memories
     * only forget. Its fields are private; this keeps the ways it changes to those two classes.
     */
    @Test
    void onlyTheReconcileStepChangesAConnectorsMemory() {
        String memory = "io.switchboard.dataplane.ConnectorMemory";
        fields().that().areDeclaredInClassesThat().haveFullyQualifiedName(memory)
                .should().bePrivate()
                .because("what a connector's memory holds is read through its methods and changed only by applying a change")
                .check(CLASSES);
        noClasses().that().doNotHaveFullyQualifiedName("io.switchboard.dataplane.ReconcileStep")
                .and().doNotHaveFullyQualifiedName(memory)
                .should().accessTargetWhere(JavaAccess.Predicates.target(owner(name(memory)))
                        .and(JavaAccess.Predicates.target(name("apply"))))
                .because("one class applies what happened to a connector's memory, in the order it happened")
                .check(CLASSES);
        noClasses().that().doNotHaveFullyQualifiedName("io.switchboard.dataplane.ConnectorMemories")
                .and().doNotHaveFullyQualifiedName(memory)
                .should().accessTargetWhere(JavaAccess.Predicates.target(owner(name(memory)))
                        .and(JavaAccess.Predicates.target(nameStartingWith("forget"))))
                .because("a connector's memory is forgotten in one place, after a full pass")
                .check(CLASSES);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
