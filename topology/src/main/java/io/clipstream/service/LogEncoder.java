package io.clipstream.service;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.encoder.EncoderBase;
import io.clipstream.schemas.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The service's log encoder (see {@code logback.xml}): the text {@code pattern} by default, or one JSON object per
 * line ({@link JsonLogLayout}) when the format is {@code json}. The format comes from the {@code format} element if
 * the configuration sets one, else the system property {@value #FORMAT_PROPERTY}, else the environment variable
 * {@value #FORMAT_ENV}; {@code text} and {@code json} are accepted (any case), anything else logs a warning and
 * falls back to text rather than losing the logs. Lines are UTF-8, and go through {@link Redaction#text} in both
 * formats: URL user info, credential query parameters and quoted passwords are shown as {@code [hidden]}.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
    public static final String FORMAT_PROPERTY = "clipstream.log.format";
    public static final String FORMAT_ENV = "CLIPSTREAM_LOG_FORMAT";

    private String format;
    private String pattern = "%msg%n";
    private Layout<ILoggingEvent> layout;

    public void setFormat(String format) {
        this.format = format;
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    /** {@code json} or {@code text}, once started. */
    public String format() {
        return layout instanceof JsonLogLayout ? "json" : "text";
    }

    @Override
    public void start() {
        String chosen = format;
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getProperty(FORMAT_PROPERTY, System.getenv(FORMAT_ENV));
        }
        chosen = chosen == null || chosen.isBlank() ? "text" : chosen.trim().toLowerCase(Locale.ROOT);
        if (chosen.equals("json")) {
            layout = new JsonLogLayout();
        } else {
            if (!chosen.equals("text")) {
                addWarn("unknown log format '" + chosen + "' (" + FORMAT_ENV + "): use text or json; logging text");
            }
            PatternLayout text = new PatternLayout();
            text.setPattern(pattern);
            layout = text;
        }
        layout.setContext(getContext());
        layout.start();
        super.start();
    }

    @Override
    public void stop() {
        if (layout != null) {
            layout.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        // Whichever library logs it, a line never shows URL user info, a token query parameter or a quoted password.
        return Redaction.text(layout.doLayout(event)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
