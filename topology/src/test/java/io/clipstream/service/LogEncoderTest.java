package io.clipstream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonLinesCarryEveryFieldAndTheImageFromTheMdc() throws Exception {
        LogEncoder encoder = started("json");
        LoggingEvent event = event(
                Level.WARN,
                "dead letter {} for \"x\"\nsecond line",
                null,
                Map.of("imageId", "img-42", "other", "ignored"),
                "CORRUPT_IMAGE");
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("\r");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-12-02T20:03:40.123Z");
        assertThat(json.get("level").asText()).isEqualTo("WARN");
        assertThat(json.get("logger").asText()).isEqualTo("io.clipstream.topology.ImageBatcher");
        assertThat(json.get("thread").asText()).isEqualTo("stream-thread-1");
        assertThat(json.get("image").asText()).isEqualTo("img-42");
        assertThat(json.get("message").asText()).isEqualTo("dead letter CORRUPT_IMAGE for \"x\"\nsecond line");
        assertThat(json.has("exception")).isFalse();
        assertThat(json.has("other")).isFalse();
    }

    @Test
    void jsonLinesCarryTheStackTraceAndNoImageWhenTheLineIsAboutNone() throws Exception {
        LogEncoder encoder = started("JSON");
        String line = new String(
                encoder.encode(event(Level.ERROR, "stream thread failed", new IllegalStateException("boom"), Map.of())),
                StandardCharsets.UTF_8);
        JsonNode json = JSON.readTree(line);
        assertThat(json.has("image")).isFalse();
        assertThat(json.get("exception").asText())
                .startsWith("java.lang.IllegalStateException: boom")
                .contains("at io.clipstream.service.LogEncoderTest");
        assertThat(encoder.format()).isEqualTo("json");
    }

    @Test
    void textIsTheDefaultAndUnknownFormatsFallBackToIt() {
        assertThat(started("text").format()).isEqualTo("text");
        assertThat(started("xml").format()).isEqualTo("text");
    }

    @Test
    void theShippedConfigurationLogsJsonWhenAskedAndDatedTextOtherwise() throws Exception {
        assumeTrue(System.getenv(LogEncoder.FORMAT_ENV) == null, "the environment chooses a log format already");
        List<String> json = logThroughShippedConfig("json");
        assertThat(json).hasSize(2);
        JsonNode about = JSON.readTree(json.get(0));
        assertThat(about.get("image").asText()).isEqualTo("img-7");
        assertThat(about.get("message").asText()).isEqualTo("classified");
        assertThat(about.get("logger").asText()).isEqualTo("io.clipstream.topology.ImageBatcher");
        assertThat(about.get("level").asText()).isEqualTo("INFO");
        assertThat(about.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        JsonNode failed = JSON.readTree(json.get(1));
        assertThat(failed.has("image")).isFalse();
        assertThat(failed.get("exception").asText()).contains("java.io.IOException: disk");

        List<String> text = logThroughShippedConfig(null);
        assertThat(text.get(0))
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[.+] "
                        + "i\\.c\\.t\\.ImageBatcher image=img-7 - classified");
        assertThat(text.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN .* - failed");
    }

    @Test
    void theFormatVariableIsNotMistakenForAnUnknownSetting() throws Exception {
        ServiceConfig config = ServiceConfig.load(
                null,
                Map.of(
                        LogEncoder.FORMAT_ENV,
                        "json",
                        "CLIPSTREAM_BATCH_SIZE",
                        "4",
                        "CLIPSTREAM_BOOTSTRAP_SERVERS",
                        "b:9092",
                        "CLIPSTREAM_SCHEMA_REGISTRY_URL",
                        "http://r:8081"));
        assertThat(config.topology().batchSize()).isEqualTo(4);
    }

    /** Two lines through src/main/resources/logback.xml in a context of their own, stderr captured. */
    private static List<String> logThroughShippedConfig(String format) throws Exception {
        URL config = LogEncoderTest.class.getResource("/logback.xml");
        assertThat(config).as("the shipped logback.xml on the classpath").isNotNull();
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String before = System.getProperty(LogEncoder.FORMAT_PROPERTY);
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter()); // the adapter org.slf4j.MDC writes to
        try {
            if (format == null) {
                System.clearProperty(LogEncoder.FORMAT_PROPERTY);
            } else {
                System.setProperty(LogEncoder.FORMAT_PROPERTY, format);
            }
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(config);
            Logger logger = context.getLogger("io.clipstream.topology.ImageBatcher");
            MDC.put("imageId", "img-7");
            try {
                logger.info("classified");
            } finally {
                MDC.remove("imageId");
            }
            logger.warn("failed", new java.io.IOException("disk"));
        } finally {
            context.stop();
            System.setErr(stderr);
            if (before == null) {
                System.clearProperty(LogEncoder.FORMAT_PROPERTY);
            } else {
                System.setProperty(LogEncoder.FORMAT_PROPERTY, before);
            }
        }
        List<String> lines = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("\tat ") && !line.startsWith("java.io.IOException")) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static LogEncoder started(String format) {
        LogEncoder encoder = new LogEncoder();
        encoder.setContext(new LoggerContext());
        encoder.setFormat(format);
        encoder.start();
        return encoder;
    }

    private static LoggingEvent event(
            Level level, String message, Throwable thrown, Map<String, String> mdc, Object... args) {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent(
                "fqcn", context.getLogger("io.clipstream.topology.ImageBatcher"), level, message, thrown, args);
        event.setThreadName("stream-thread-1");
        event.setInstant(Instant.parse("2026-12-02T20:03:40.123Z"));
        event.setMDCPropertyMap(mdc);
        return event;
    }
}
