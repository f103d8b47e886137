package io.switchboard.kafkaio;

import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a refusal by Kafka is said as, and how often at run time. */
class KafkaRefusalsTest {
    /** The lines a logger was given, with their level; no stack trace is kept (one would show as " +trace"). */
    private static final class Lines extends LegacyAbstractLogger {
        final List<String> lines = new ArrayList<>();

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
            lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args) + (thrown == null ? "" : " +trace"));
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    @Test
    void anAuthenticationRefusalSaysWhatAndNamesTheSetting() {
        String said = KafkaRefusals.explain(new ExecutionException(new SaslAuthenticationException(
                "Authentication failed: Invalid username or password")), KafkaRefusals.WORKER_SETTINGS).orElseThrow();
        assertTrue(said.contains("refused to authenticate") && said.contains("Invalid username or password")
                && said.contains("--worker-kafka-config FILE"), said);
    }

    @Test
    void anAuthorizationRefusalNamesWhatTheAclsRefuse() {
        String topics = KafkaRefusals.explain(new RuntimeException(new TopicAuthorizationException("denied", Set.of("b", "a"))),
                KafkaRefusals.CONTROL_PLANE_SETTINGS).orElseThrow();
        assertTrue(topics.contains("the topics [a, b]") && topics.contains("--kafka-config FILE"), topics);
        String group = KafkaRefusals.explain(new GroupAuthorizationException("denied", "connect-orders"),
                KafkaRefusals.CONTROL_PLANE_SETTINGS).orElseThrow();
        assertTrue(group.contains("the consumer group connect-orders"), group);
    }

    @Test
    void anyOtherFailureIsNotARefusal() {
        assertFalse(KafkaRefusals.explain(new ExecutionException(new TimeoutException("slow")), KafkaRefusals.CONTROL_PLANE_SETTINGS).isPresent());
        assertFalse(KafkaRefusals.explain(null, KafkaRefusals.CONTROL_PLANE_SETTINGS).isPresent());
    }

    @Test
    void atRunTimeARefusalIsOneErrorLineThenQuietUntilTheIntervalPasses() {
        Lines log = new Lines();
        KafkaRefusals.Reporter reporter = new KafkaRefusals.Reporter(log, "The reader of x", KafkaRefusals.CONTROL_PLANE_SETTINGS,
                Duration.ofHours(1));
        for (int i = 0; i < 5; i++) {
            assertTrue(reporter.report(new TopicAuthorizationException("denied", Set.of("x"))));
        }
        assertFalse(reporter.report(new IllegalStateException("not a refusal")));
        assertEquals(1, log.lines.stream().filter(l -> l.startsWith("ERROR")).count(), log.lines.toString());
        assertTrue(log.lines.get(0).startsWith("ERROR The reader of x: Kafka's ACLs refuse") && !log.lines.get(0).contains("+trace"),
                log.lines.get(0));
        assertEquals(4, log.lines.stream().filter(l -> l.startsWith("DEBUG")).count(), log.lines.toString());

        Lines often = new Lines();
        KafkaRefusals.Reporter every = new KafkaRefusals.Reporter(often, "x", KafkaRefusals.CONTROL_PLANE_SETTINGS, Duration.ZERO);
        every.report(new SaslAuthenticationException("no"));
        every.report(new SaslAuthenticationException("no"));
        assertEquals(2, often.lines.stream().filter(l -> l.startsWith("ERROR")).count(), often.lines.toString());
    }

    @Test
    void theProbeAsksNothingOfAClientAlreadySetForSasl() {
        assertFalse(KafkaRefusals.saslAsked(Map.of("bootstrap.servers", "127.0.0.1:1", "security.protocol", "SASL_PLAINTEXT"),
                Duration.ofSeconds(1), KafkaRefusals.CONTROL_PLANE_SETTINGS).isPresent());
    }
}
