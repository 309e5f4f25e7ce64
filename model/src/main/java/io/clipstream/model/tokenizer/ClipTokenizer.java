package io.clipstream.model.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The text side's tokenizer, exactly as open_clip's {@code HFTokenizer} over roberta-base: clean the prompt
 * ({@link TextCleaner}), match special tokens verbatim, byte-level BPE the rest ({@link ByteLevelBpe}), then
 * {@code <s>} + the first 75 tokens + {@code </s>}, right-padded with {@code <pad>} to 77.
 *
 * <p>Immutable and thread-safe. Prompts longer than {@link #MAX_TEXT_CHARS} characters are refused, which
 * bounds the cleaning work (ftfy's fixes repeat until nothing changes).
 */
public final class ClipTokenizer {

    public static final int CONTEXT_LENGTH = 77;
    public static final int MAX_TEXT_CHARS = 20_000;
    private static final String TINY_RESOURCE = "/io/clipstream/model/tiny/tokenizer.json";

    private final ByteLevelBpe bpe;
    private final List<BpeVocabulary.AddedToken> addedTokens; // longest first: the longest match wins
    private final int bosId;
    private final int eosId;
    private final int padId;

    public ClipTokenizer(BpeVocabulary vocabulary) {
        this.bpe = new ByteLevelBpe(vocabulary.vocab(), vocabulary.merges());
        this.addedTokens = vocabulary.addedTokens().stream()
                .sorted(Comparator.comparingInt(
                                (BpeVocabulary.AddedToken t) -> t.content().length())
                        .reversed())
                .toList();
        this.bosId = vocabulary.idOf("<s>");
        this.eosId = vocabulary.idOf("</s>");
        this.padId = vocabulary.idOf("<pad>");
    }

    /**
     * Reads {@code tokenizer.json} from {@code modelDir}, or else {@code vocab.json} + {@code merges.txt}.
     * A missing or malformed file is an {@link IllegalArgumentException} that names it.
     */
    public static ClipTokenizer load(Path modelDir) throws IOException {
        Path json = modelDir.resolve("tokenizer.json");
        if (Files.isRegularFile(json)) {
            return new ClipTokenizer(BpeFiles.readTokenizerJson(json));
        }
        Path vocab = modelDir.resolve("vocab.json");
        Path merges = modelDir.resolve("merges.txt");
        if (Files.isRegularFile(vocab) && Files.isRegularFile(merges)) {
            return new ClipTokenizer(BpeFiles.readVocabAndMerges(vocab, merges));
        }
        throw new IllegalArgumentException(
                "no tokenizer in " + modelDir + ": expected tokenizer.json, or vocab.json and merges.txt");
    }

    /** The 1000-id tokenizer of the tiny random test model, shipped as a class-path resource. */
    public static ClipTokenizer tiny() {
        try (InputStream in = ClipTokenizer.class.getResourceAsStream(TINY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TINY_RESOURCE + " is missing");
            }
            return new ClipTokenizer(BpeFiles.readTokenizerJson(in, TINY_RESOURCE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int contextLength() {
        return CONTEXT_LENGTH;
    }

    public int padId() {
        return padId;
    }

    /** Exactly 77 ids: {@code <s>}, the first 75 tokens, {@code </s>}, then {@code <pad>}. */
    public int[] encode(String text) {
        int[] ids = encodeUnpadded(text);
        int[] padded = Arrays.copyOf(ids, CONTEXT_LENGTH);
        Arrays.fill(padded, ids.length, CONTEXT_LENGTH, padId);
        return padded;
    }

    /** The same ids as {@link #encode} without the padding (2 to 77 of them). */
    public int[] encodeUnpadded(String text) {
        int[] body = bodyIds(text, CONTEXT_LENGTH - 2);
        int[] ids = new int[body.length + 2];
        ids[0] = bosId;
        System.arraycopy(body, 0, ids, 1, body.length);
        ids[ids.length - 1] = eosId;
        return ids;
    }

    /** The byte-level spelling of every token of {@code text} (untruncated, no {@code <s>}/{@code </s>}): for debugging. */
    public List<String> tokens(String text) {
        var out = new ArrayList<String>();
        forEachSegment(TextCleaner.clean(checkLength(text)), (segment, special) -> {
            if (special != null) {
                out.add(special.content());
            } else {
                out.addAll(bpe.tokens(segment));
            }
            return true;
        });
        return out;
    }

    private int[] bodyIds(String text, int limit) {
        String clean = TextCleaner.clean(checkLength(text));
        var ids = new int[limit];
        int[] count = {0};
        forEachSegment(clean, (segment, special) -> {
            if (special != null) {
                ids[count[0]++] = special.id();
            } else {
                for (int id : bpe.encode(segment, limit - count[0])) {
                    ids[count[0]++] = id;
                }
            }
            return count[0] < limit;
        });
        return Arrays.copyOf(ids, count[0]);
    }

    private static String checkLength(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text is null");
        }
        if (text.length() > MAX_TEXT_CHARS) {
            throw new IllegalArgumentException(
                    "text has " + text.length() + " characters, more than " + MAX_TEXT_CHARS);
        }
        return text;
    }

    private interface SegmentVisitor {
        /** Either plain text (special == null) or one special token. Returns false to stop. */
        boolean visit(String text, BpeVocabulary.AddedToken special);
    }

    /**
     * Splits {@code text} around verbatim occurrences of the added tokens, leftmost first and longest on a tie,
     * as Hugging Face tokenizers does; an {@code lstrip}/{@code rstrip} token swallows the whitespace beside it.
     */
    private void forEachSegment(String text, SegmentVisitor visitor) {
        int pos = 0;
        while (pos < text.length()) {
            int best = -1;
            BpeVocabulary.AddedToken match = null;
            for (var t : addedTokens) {
                int at = text.indexOf(t.content(), pos);
                if (at >= 0 && (best < 0 || at < best)) {
                    best = at;
                    match = t;
                }
            }
            if (match == null) {
                visitor.visit(text.substring(pos), null);
                return;
            }
            int start = best;
            int end = best + match.content().length();
            if (match.lstrip()) {
                while (start > pos && Character.isWhitespace(text.charAt(start - 1))) {
                    start--;
                }
            }
            if (match.rstrip()) {
                while (end < text.length() && Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
            }
            if (start > pos && !visitor.visit(text.substring(pos, start), null)) {
                return;
            }
            if (!visitor.visit(null, match)) {
                return;
            }
            pos = end;
        }
    }
}
