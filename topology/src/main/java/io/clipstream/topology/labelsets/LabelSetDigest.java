package io.clipstream.topology.labelsets;

import io.clipstream.schemas.LabelSet;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * What a label set's embeddings are made from, as a SHA-256: the {@link #RECIPE} and the set's record in Avro binary
 * (every field, in the order of this service's schema). Two sets with the same digest give the same embeddings under
 * the same model, so embeddings that carry it can be used again for the set, under any application id. A set with an
 * example image by URL has none: what a URL serves can change while the set does not.
 */
final class LabelSetDigest {
    /**
     * The rules that turn a set into embeddings ({@link LabelSetRules#prompt}, {@link LabelBlend}): a change to what
     * they compute for the same set must change this name, so that embeddings made by the old rules are not used.
     */
    static final String RECIPE = "clipstream label-set embeddings v1: templates per label, mean of unit prompts, blend";

    private static final SpecificDatumWriter<LabelSet> WRITER = new SpecificDatumWriter<>(LabelSet.class);

    private LabelSetDigest() {}

    /** The set's digest, or empty when one of its examples is given by URL. */
    static Optional<byte[]> of(LabelSet set) {
        boolean byUrl =
                set.getLabels().stream().flatMap(l -> l.getExamples().stream()).anyMatch(x -> x.getUrl() != null);
        if (byUrl) {
            return Optional.empty();
        }
        MessageDigest sha256 = sha256();
        sha256.update(RECIPE.getBytes(StandardCharsets.UTF_8));
        try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            WRITER.write(set, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
