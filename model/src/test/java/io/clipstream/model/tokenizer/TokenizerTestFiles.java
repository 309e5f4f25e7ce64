package io.clipstream.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Locates the committed tokenizer test resources. */
final class TokenizerTestFiles {

    private TokenizerTestFiles() {}

    static Path resource(String name) {
        try {
            var url = TokenizerTestFiles.class.getResource("/" + name);
            if (url == null) {
                throw new IllegalStateException("test resource missing: " + name);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String name) {
        try (InputStream in = TokenizerTestFiles.class.getResourceAsStream("/" + name)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
