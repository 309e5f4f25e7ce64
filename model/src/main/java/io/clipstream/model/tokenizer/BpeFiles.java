package io.clipstream.model.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads byte-level BPE tokenizer files, which are untrusted input: Hugging Face's {@code tokenizer.json}
 * (merges as {@code "a b"} strings or {@code ["a", "b"]} pairs) or {@code vocab.json} + {@code merges.txt}
 * (GPT-2 / RoBERTa layout, {@code #version} first line). Sizes and counts are bounded; anything malformed
 * is an {@link IllegalArgumentException} naming the file and the problem.
 */
public final class BpeFiles {

    /** roberta-base's tokenizer.json is 1.4 MB; allow large multilingual vocabularies, refuse the absurd. */
    static final long MAX_FILE_BYTES = 64L << 20;

    static final int MAX_TOKENS = 2_000_000;
    static final int MAX_TOKEN_CHARS = 1024;

    /** RoBERTa's special tokens when only vocab.json + merges.txt are given ({@code <mask>} eats the space before it). */
    private static final List<String> ROBERTA_SPECIALS = List.of("<s>", "<pad>", "</s>", "<unk>", "<mask>");

    private static final ObjectMapper JSON = new ObjectMapper();

    private BpeFiles() {}

    /** Hugging Face {@code tokenizer.json} with a BPE model. */
    public static BpeVocabulary readTokenizerJson(Path file) throws IOException {
        return parseTokenizerJson(readBounded(file), file.toString());
    }

    /** Hugging Face {@code tokenizer.json} from a stream (e.g. a class-path resource). */
    public static BpeVocabulary readTokenizerJson(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(name + " is larger than " + MAX_FILE_BYTES + " bytes");
        }
        return parseTokenizerJson(bytes, name);
    }

    /** {@code vocab.json} + {@code merges.txt}; RoBERTa's five special tokens are taken from the vocabulary. */
    public static BpeVocabulary readVocabAndMerges(Path vocabJson, Path mergesTxt) throws IOException {
        Map<String, Integer> vocab =
                parseVocab(parseJson(readBounded(vocabJson), vocabJson.toString()), vocabJson.toString());
        List<BpeVocabulary.Merge> merges =
                parseMergesTxt(decodeUtf8(readBounded(mergesTxt), mergesTxt.toString()), mergesTxt.toString());
        var added = new ArrayList<BpeVocabulary.AddedToken>();
        for (String special : ROBERTA_SPECIALS) {
            Integer id = vocab.get(special);
            if (id != null) {
                added.add(new BpeVocabulary.AddedToken(id, special, special.equals("<mask>"), false));
            }
        }
        return new BpeVocabulary(vocab, merges, added);
    }

    private static BpeVocabulary parseTokenizerJson(byte[] bytes, String name) {
        JsonNode root = parseJson(bytes, name);
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new IllegalArgumentException(name + ": no \"model\" object");
        }
        if (!"BPE".equals(model.path("type").asText("BPE"))) {
            throw new IllegalArgumentException(
                    name + ": model type " + model.path("type").asText() + " is not BPE");
        }
        JsonNode pre = root.path("pre_tokenizer");
        if (pre.isObject() && pre.path("add_prefix_space").asBoolean(false)) {
            throw new IllegalArgumentException(
                    name + ": add_prefix_space=true is not supported (roberta-base has false)");
        }
        if (!root.path("normalizer").isMissingNode() && !root.path("normalizer").isNull()) {
            throw new IllegalArgumentException(name + ": a normalizer is not supported (roberta-base has none)");
        }
        Map<String, Integer> vocab = parseVocab(model.path("vocab"), name);
        List<BpeVocabulary.Merge> merges = parseMergeArray(model.path("merges"), name);
        var added = new ArrayList<BpeVocabulary.AddedToken>();
        JsonNode addedNode = root.path("added_tokens");
        if (!addedNode.isMissingNode() && !addedNode.isNull()) {
            if (!addedNode.isArray() || addedNode.size() > MAX_TOKENS) {
                throw new IllegalArgumentException(name + ": \"added_tokens\" is not a list of tokens");
            }
            for (JsonNode t : addedNode) {
                JsonNode id = t.path("id");
                JsonNode content = t.path("content");
                if (!id.isInt()
                        || id.asInt() < 0
                        || id.asInt() >= MAX_TOKENS
                        || !content.isTextual()
                        || content.asText().isEmpty()
                        || content.asText().length() > MAX_TOKEN_CHARS) {
                    throw new IllegalArgumentException(name + ": malformed added token " + abbreviate(t.toString()));
                }
                added.add(new BpeVocabulary.AddedToken(
                        id.asInt(),
                        content.asText(),
                        t.path("lstrip").asBoolean(false),
                        t.path("rstrip").asBoolean(false)));
            }
        }
        return new BpeVocabulary(vocab, merges, added);
    }

    private static Map<String, Integer> parseVocab(JsonNode node, String name) {
        if (!node.isObject() || node.isEmpty()) {
            throw new IllegalArgumentException(name + ": the vocabulary is missing or not a {token: id} object");
        }
        if (node.size() > MAX_TOKENS) {
            throw new IllegalArgumentException(name + ": " + node.size() + " tokens, more than " + MAX_TOKENS);
        }
        var vocab = new HashMap<String, Integer>(node.size() * 2);
        var fields = node.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            JsonNode id = e.getValue();
            if (!id.isInt() || id.asInt() < 0 || id.asInt() >= MAX_TOKENS) {
                throw new IllegalArgumentException(
                        name + ": token " + abbreviate(e.getKey()) + " has the bad id " + id);
            }
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_TOKEN_CHARS) {
                throw new IllegalArgumentException(name + ": a token is empty or longer than " + MAX_TOKEN_CHARS);
            }
            vocab.put(e.getKey(), id.asInt());
        }
        return vocab;
    }

    private static List<BpeVocabulary.Merge> parseMergeArray(JsonNode node, String name) {
        if (!node.isArray()) {
            throw new IllegalArgumentException(name + ": \"model.merges\" is missing or not a list");
        }
        if (node.size() > MAX_TOKENS) {
            throw new IllegalArgumentException(name + ": more than " + MAX_TOKENS + " merges");
        }
        var merges = new ArrayList<BpeVocabulary.Merge>(node.size());
        for (JsonNode m : node) {
            if (m.isTextual()) {
                merges.add(splitMerge(m.asText(), name, merges.size()));
            } else if (m.isArray()
                    && m.size() == 2
                    && m.get(0).isTextual()
                    && m.get(1).isTextual()) {
                merges.add(new BpeVocabulary.Merge(m.get(0).asText(), m.get(1).asText()));
            } else {
                throw new IllegalArgumentException(name + ": merge " + merges.size()
                        + " is neither \"a b\" nor [\"a\", \"b\"]: " + abbreviate(m.toString()));
            }
        }
        return merges;
    }

    static List<BpeVocabulary.Merge> parseMergesTxt(String text, String name) {
        var merges = new ArrayList<BpeVocabulary.Merge>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) {
                continue;
            }
            if (merges.size() >= MAX_TOKENS) {
                throw new IllegalArgumentException(name + ": more than " + MAX_TOKENS + " merges");
            }
            try {
                merges.add(splitMerge(line, name, merges.size()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return merges;
    }

    private static BpeVocabulary.Merge splitMerge(String merge, String name, int index) {
        String[] parts = merge.split(" ", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(
                    name + ": merge " + index + " is not two tokens separated by one space: " + abbreviate(merge));
        }
        return new BpeVocabulary.Merge(parts[0], parts[1]);
    }

    private static JsonNode parseJson(byte[] bytes, String name) {
        try {
            return JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(name + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + " could not be parsed: " + e.getMessage(), e);
        }
    }

    private static byte[] readBounded(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer file not found: " + file);
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + " is " + size + " bytes, more than " + MAX_FILE_BYTES);
        }
        return Files.readAllBytes(file);
    }

    private static String decodeUtf8(byte[] bytes, String name) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(name + " is not valid UTF-8", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
