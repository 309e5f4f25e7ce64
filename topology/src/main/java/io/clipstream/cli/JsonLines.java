package io.clipstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/** Writes one JSON object per line to stdout and flushes it, so a consumer sees each result as it comes. */
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    public JsonLines(PrintStream out) {
        this.out = out;
    }

    public void write(Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
