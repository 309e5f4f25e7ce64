package io.clipstream.service;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One JSON object per log line: {@code timestamp} (ISO-8601, UTC, milliseconds), {@code level}, {@code logger},
 * {@code thread}, {@code image} (only when the line is about one image: the MDC key {@value #IMAGE_MDC_KEY}),
 * {@code message}, and {@code exception} (the stack trace, only when there is one). Newlines inside the message or
 * stack trace are escaped, so a line is always one complete object. Thread-safe.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    /** The MDC key under which the topology names the image a line is about. */
    public static final String IMAGE_MDC_KEY = "imageId";

    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", TIMESTAMP.format(Instant.ofEpochMilli(event.getTimeStamp())));
            g.writeStringField("level", String.valueOf(event.getLevel()));
            g.writeStringField("logger", event.getLoggerName());
            g.writeStringField("thread", event.getThreadName());
            String image = event.getMDCPropertyMap().get(IMAGE_MDC_KEY);
            if (image != null) {
                g.writeStringField("image", image);
            }
            g.writeStringField("message", event.getFormattedMessage());
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.append('\n').toString();
    }

    @Override
    public String getContentType() {
        return "application/json";
    }
}
