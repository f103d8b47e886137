package io.switchboard.worker;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.rewrite.RewriteAppender;
import org.apache.logging.log4j.core.appender.rewrite.RewritePolicy;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Installed in the embedded Kafka Connect worker's process ({@link EmbeddedWorkerMain}), whose
 * output the replica logs: so that what its plugins log of the secrets the config providers
 * resolved for them never reaches a log, every appender a logger writes to is
 * put behind a log4j2 rewrite that replaces those values ({@link ResolvedSecrets}) by the mask, in
 * the message and in a thrown exception's text. Set up in code, since the shaded jar carries no
 * merged plugin cache for a configured RewritePolicy.
 */
final class SecretLogRewrite implements RewritePolicy {
    static final String NAME = "switchboard-secret-rewrite";

    private SecretLogRewrite() {
    }

    /** Puts every logger's appenders behind the rewrite; once per configuration. */
    static synchronized void install() {
        if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
            return;
        }
        Configuration config = context.getConfiguration();
        if (config.getAppenders().containsKey(NAME)) {
            return;
        }
        List<LoggerConfig> loggers = new ArrayList<>(config.getLoggers().values());
        if (!loggers.contains(config.getRootLogger())) {
            loggers.add(config.getRootLogger());
        }
        int wrapped = 0;
        for (LoggerConfig logger : loggers) {
            Map<String, Appender> appenders = logger.getAppenders();
            if (appenders.isEmpty()) {
                continue;
            }
            AppenderRef[] refs = appenders.keySet().stream().map(name -> AppenderRef.createAppenderRef(name, null, null))
                    .toArray(AppenderRef[]::new);
            appenders.values().forEach(appender -> {
                if (!config.getAppenders().containsKey(appender.getName())) {
                    config.addAppender(appender);
                }
            });
            RewriteAppender rewrite = RewriteAppender.createAppender(wrapped == 0 ? NAME : NAME + "-" + wrapped, "true",
                    refs, config, new SecretLogRewrite(), null);
            rewrite.start();
            config.addAppender(rewrite);
            appenders.keySet().forEach(logger::removeAppender);
            logger.addAppender(rewrite, null, null);
            wrapped++;
        }
        context.updateLoggers();
    }

    @Override
    public LogEvent rewrite(LogEvent source) {
        if (ResolvedSecrets.size() == 0) {
            return source;
        }
        String message = source.getMessage() == null ? null : source.getMessage().getFormattedMessage();
        String scrubbed = ResolvedSecrets.scrub(message);
        String thrown = null;
        if (source.getThrown() != null) {
            StringWriter trace = new StringWriter();
            source.getThrown().printStackTrace(new PrintWriter(trace));
            String text = trace.toString();
            String scrubbedTrace = ResolvedSecrets.scrub(text);
            if (!scrubbedTrace.equals(text)) {
                thrown = scrubbedTrace;
            }
        }
        if (thrown == null && (message == null || scrubbed.equals(message))) {
            return source;
        }
        Log4jLogEvent.Builder event = new Log4jLogEvent.Builder(source);
        if (thrown != null) {
            // The exception's text, hidden, in the message: the exception itself would print the secret.
            event.setThrown(null).setThrownProxy(null).setMessage(new SimpleMessage(scrubbed + System.lineSeparator() + thrown));
        } else {
            event.setMessage(new SimpleMessage(scrubbed));
        }
        return event.build();
    }
}
