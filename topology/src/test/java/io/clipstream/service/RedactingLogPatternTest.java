package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The service's log lines hide URL credentials in every message and stack trace, in text and JSON, whoever logs them. */
class RedactingLogPatternTest {

    private static LoggingEvent event(LoggerContext context) {
        return new LoggingEvent(
                RedactingLogPatternTest.class.getName(),
                context.getLogger("some.library.Client"),
                Level.WARN,
                "cannot reach {} (token in {}), jaas {}",
                new IllegalStateException("GET http://svc:PW-IN-TRACE@registry:8081/subjects failed"),
                new Object[] {
                    "https://svc:PW-IN-MESSAGE@registry:8081",
                    "https://img.example/a.png?access_token=TOKEN-1",
                    "PlainLoginModule required username=\"svc\" password=\"PW-IN-JAAS\";"
                });
    }

    @Test
    void theShippedLogbackXmlHidesUrlCredentialsInMessagesAndStackTraces() throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(RedactingLogPatternTest.class.getResource("/logback.xml"));
        var appender =
                (OutputStreamAppender<ILoggingEvent>) context.getLogger("ROOT").getAppender("STDERR");

        String line = new String(appender.getEncoder().encode(event(context)), StandardCharsets.UTF_8);

        assertThat(line)
                .contains("cannot reach https://[hidden]@registry:8081")
                .contains("a.png?access_token=[hidden]")
                .contains("password=[hidden];")
                .contains("IllegalStateException: GET http://[hidden]@registry:8081/subjects failed")
                .contains("at io.clipstream.service.RedactingLogPatternTest")
                .doesNotContain("PW-IN-")
                .doesNotContain("TOKEN-1");
        context.stop();
    }

    @Test
    void jsonLinesHideTheSameSecrets() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        LogEncoder encoder = new LogEncoder();
        encoder.setContext(context);
        encoder.setFormat("json");
        encoder.start();

        String line = new String(encoder.encode(event(context)), StandardCharsets.UTF_8);

        assertThat(line)
                .startsWith("{")
                .contains("https://[hidden]@registry:8081")
                .contains("access_token=[hidden]")
                .contains("password=[hidden];")
                .contains("GET http://[hidden]@registry:8081/subjects failed")
                .doesNotContain("PW-IN-")
                .doesNotContain("TOKEN-1");
        context.stop();
    }
}
